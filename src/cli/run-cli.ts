import type { INestApplicationContext } from '@nestjs/common';
import { parseArgs } from 'node:util';
import { CliCommand, CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, OptionValues, UsageError } from './cli-command.js';
import { createAdminCommand } from './create-admin.command.js';
import { integrityCommand } from './integrity.command.js';
import { seedAccountsCommand } from './seed-accounts.command.js';

export const COMMANDS: CliCommand[] = [integrityCommand, seedAccountsCommand, createAdminCommand];

export interface RunCliOptions {
  /** Starts (or hands over) the application context; only called once the command line is valid. */
  context: () => Promise<INestApplicationContext>;
  io?: CliIo;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(`${text}\n`),
  err: (text) => void process.stderr.write(`${text}\n`),
};

/**
 * Runs one command line (without the `node cli.js` part) and returns its exit code: 0 success,
 * 1 problems found or failure, 2 bad command line. It never exits the process and never closes
 * the context, so tests run it against a test application and read what it wrote.
 */
export async function runCli(argv: string[], options: RunCliOptions): Promise<number> {
  const io = options.io ?? processIo;
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    if (name !== undefined) {
      io.out(usage());
      return EXIT_OK;
    }
    io.err(usage());
    return EXIT_USAGE;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`Unknown command '${name}'.\n\n${usage()}`);
    return EXIT_USAGE;
  }

  let args: unknown;
  try {
    const values = parseOptions(command, rest);
    if (values.help === true) {
      io.out(commandUsage(command));
      return EXIT_OK;
    }
    args = command.parse(values);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${error.message}\n\n${commandUsage(command)}`);
    return EXIT_USAGE;
  }

  try {
    const app = await options.context();
    return await command.run(app, args, io);
  } catch (error) {
    io.err(`${command.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_FAILURE;
  }
}

function parseOptions(command: CliCommand<unknown>, args: string[]): OptionValues {
  const options = Object.fromEntries(Object.entries(command.options).map(([key, spec]) => [key, { type: spec.type }]));
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false })
      .values;
  } catch (error) {
    // node:util reports unknown options, missing values and stray arguments as TypeErrors.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'Usage: npm run cli -- <command> [options]   (node dist/cli.js <command> [options])',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Run `<command> --help` for its options. The CLI reads the same environment as the app',
    '(DATABASE_URL, SQLITE_PATH, ...) and runs pending migrations first, unless MIGRATIONS_RUN=false.',
  ].join('\n');
}

export function commandUsage(command: CliCommand<unknown>): string {
  const entries = Object.entries(command.options).map(([key, spec]) => [
    `--${key}${spec.type === 'string' ? ' <value>' : ''}`,
    spec.description,
  ]);
  entries.push(['--help', 'Show this help']);
  const width = Math.max(...entries.map(([flag]) => flag.length)) + 2;
  return [
    `Usage: npm run cli -- ${command.name} [options]`,
    '',
    command.summary,
    '',
    'Options:',
    ...entries.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`),
  ].join('\n');
}

export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE };
