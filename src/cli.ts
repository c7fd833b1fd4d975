import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { EXIT_FAILURE, runCli } from './cli/run-cli.js';

/**
 * Command-line entry: `node dist/cli.js <command> [options]` (`npm run cli -- <command>`).
 * It starts the application without its HTTP server (same configuration, same migrations),
 * runs one command, closes the application and exits with the command's code.
 */
async function createContext(): Promise<INestApplicationContext> {
  // The application logs JSON lines to stdout; a command's stdout is its result (and --json must
  // stay parseable), so routine log lines are left out unless LOG_LEVEL asks for them.
  process.env.LOG_LEVEL ??= 'warn';
  // Loaded only once the command line is valid: help and usage errors answer at once.
  const { AppModule } = await import('./app.module.js');
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'fatal'], abortOnError: false });
  stopScheduledJobs(app);
  return app;
}

/** Background jobs belong to the server; a one-off command does not run them. */
function stopScheduledJobs(app: INestApplicationContext): void {
  let registry: SchedulerRegistry;
  try {
    registry = app.get(SchedulerRegistry, { strict: false });
  } catch {
    return; // no scheduler in this application
  }
  for (const name of registry.getIntervals()) registry.deleteInterval(name);
  for (const name of registry.getTimeouts()) registry.deleteTimeout(name);
  for (const job of registry.getCronJobs().values()) void job.stop();
}

async function main(): Promise<number> {
  let app: INestApplicationContext | undefined;
  try {
    return await runCli(process.argv.slice(2), {
      context: async () => (app = await createContext()),
    });
  } finally {
    await app?.close().catch((error: Error) => process.stderr.write(`closing the application failed: ${error.message}\n`));
  }
}

/** Exits naturally (stdout drained); a handle left open by a library cannot keep the process alive. */
function exit(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 3000).unref();
}

main().then(exit, (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  exit(EXIT_FAILURE);
});
