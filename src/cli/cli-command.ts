import type { INestApplicationContext } from '@nestjs/common';

export const EXIT_OK = 0;
/** The command ran and found problems, or could not finish. */
export const EXIT_FAILURE = 1;
/** Bad command line: nothing ran. */
export const EXIT_USAGE = 2;

/** Where a command writes: stdout for its result, stderr for progress and errors. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
}

/** A bad command line; reported with the command's usage and exit code 2. */
export class UsageError extends Error {}

/**
 * One CLI command. `parse` checks the options before the application starts (bad input never
 * touches the database); `run` gets the started application context.
 */
export interface CliCommand<Args = unknown> {
  name: string;
  summary: string;
  options: Record<string, OptionSpec>;
  parse(values: OptionValues): Args;
  run(app: INestApplicationContext, args: Args, io: CliIo): Promise<number>;
}

/** An optional integer option within [min, max]. */
export function integerOption(values: OptionValues, name: string, range: { min: number; max: number; default: number }): number {
  const raw = values[name];
  if (raw === undefined) return range.default;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || Number(raw) < range.min || Number(raw) > range.max) {
    throw new UsageError(`--${name} must be an integer from ${range.min} to ${range.max}`);
  }
  return Number(raw);
}

export function requiredString(values: OptionValues, name: string): string {
  const raw = values[name];
  if (typeof raw !== 'string' || raw.length === 0) throw new UsageError(`--${name} is required`);
  return raw;
}
