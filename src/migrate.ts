import 'reflect-metadata';
import { validateEnvironment } from './config/environment.js';
import { databaseConnectionProblem } from './database/connection-failure.js';

const USAGE = 'Usage: node dist/migrate.js [--show]   (npm run migration:run, npm run migration:show)';

/**
 * `npm run migration:run`: runs the pending migrations on the database of the environment
 * (DATABASE_URL, else SQLITE_PATH), whatever MIGRATIONS_RUN says, under the same lock as the
 * app's start: with instances starting at the same time, each migration still runs once.
 * `--show` lists the migrations, `[X]` applied and `[ ]` pending, and changes nothing.
 */
async function main(args: string[]): Promise<number> {
  if (args.length > 1 || (args.length === 1 && args[0] !== '--show')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const env = validateEnvironment(process.env);
  const problem = env.DATABASE_URL ? await databaseConnectionProblem(env.DATABASE_URL) : undefined;
  if (problem !== undefined) {
    process.stderr.write(`${problem}\n`);
    return 1;
  }
  const { dataSourceOptions } = await import('./database/data-source-options.js');
  const { initializeDataSource, runMigrationsOnce } = await import('./database/migration-lock.js');
  const dataSource = await initializeDataSource({ ...dataSourceOptions(env), migrationsRun: false });
  try {
    if (args[0] === '--show') {
      const applied = new Set<string>(
        await dataSource.query('SELECT name FROM migrations').then(
          (rows: { name: string }[]) => rows.map((row) => row.name),
          () => [], // no migrations table: nothing applied yet
        ),
      );
      for (const migration of dataSource.migrations) {
        const name = migration.name ?? migration.constructor.name;
        process.stdout.write(`${applied.has(name) ? '[X]' : '[ ]'} ${name}\n`);
      }
      return 0;
    }
    const ran = await runMigrationsOnce(dataSource, { log: (line) => process.stderr.write(`${line}\n`) });
    process.stdout.write(ran.length > 0 ? `Ran ${ran.length} migrations: ${ran.join(', ')}\n` : 'No migrations were pending.\n');
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
