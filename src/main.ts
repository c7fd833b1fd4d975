import 'reflect-metadata';
import { validateEnvironment } from './config/environment.js';
import { databaseConnectionProblem } from './database/connection-failure.js';

/**
 * Checks the configuration and that the database answers before loading the application: a
 * database it cannot use is named in one line within a few seconds, however long loading takes.
 */
async function main(): Promise<void> {
  const env = validateEnvironment(process.env);
  const problem = env.DATABASE_URL ? await databaseConnectionProblem(env.DATABASE_URL) : undefined;
  if (problem !== undefined) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
  const { serve } = await import('./serve.js');
  await serve(env);
}

void main();
