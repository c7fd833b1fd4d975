import { DataSource } from 'typeorm';
import { validateEnvironment } from './src/config/environment.js';
import { dataSourceOptions } from './src/database/data-source-options.js';

/** DataSource for the TypeORM CLI (migration:run, migration:show, migration:generate). */
export default new DataSource(dataSourceOptions(validateEnvironment(process.env)));
