import { DataSource } from 'typeorm';
import { validateEnvironment } from './src/config/environment.js';
import { dataSourceOptions } from './src/database/data-source-options.js';

/**
 * DataSource for the TypeORM CLI (migration:generate). Migrations run with `npm run migration:run`
 * (src/migrate.ts), under the lock that keeps instances from running them twice.
 */
export default new DataSource(dataSourceOptions(validateEnvironment(process.env)));
