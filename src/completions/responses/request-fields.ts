import { AppError, ErrorCode } from '../../common/app-error.js';

/**
 * Checks for one field of a Responses request, read from the parsed JSON body. Each failure is a
 * 400 VALIDATION_FAILED naming the field the way OpenAI does (`input[0].content[1].text`), which
 * becomes the `param` of the error body on /v1 routes.
 */
export function invalid(param: string, problem: string): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, `Invalid '${param}': ${problem}`, { details: [{ field: param, errors: [problem] }] });
}

export type Fields = Record<string, unknown>;

export function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field sent as JSON null counts as not sent (OpenAI's nullable parameters). */
export function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

export function objectAt(value: unknown, param: string): Fields {
  if (!isObject(value)) throw invalid(param, 'expected an object');
  return value;
}

export function arrayAt(value: unknown, param: string, limits: { min?: number; max: number }): unknown[] {
  if (!Array.isArray(value)) throw invalid(param, 'expected an array');
  if (value.length < (limits.min ?? 0)) throw invalid(param, `expected at least ${limits.min} item(s)`);
  if (value.length > limits.max) throw invalid(param, `expected at most ${limits.max} items`);
  return value;
}

export function stringAt(value: unknown, param: string, limits: { max: number; min?: number; pattern?: RegExp }): string {
  if (typeof value !== 'string') throw invalid(param, 'expected a string');
  if (value.length < (limits.min ?? 0)) throw invalid(param, `expected at least ${limits.min} character(s)`);
  if (value.length > limits.max) throw invalid(param, `expected at most ${limits.max} characters`);
  if (limits.pattern && !limits.pattern.test(value)) throw invalid(param, `expected a string matching ${String(limits.pattern)}`);
  return value;
}

export function numberAt(value: unknown, param: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(param, 'expected a number');
  if (value < min || value > max) throw invalid(param, `expected a number from ${min} to ${max}`);
  return value;
}

export function integerAt(value: unknown, param: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value)) throw invalid(param, 'expected an integer');
  return numberAt(value, param, min, max);
}

export function booleanAt(value: unknown, param: string): boolean {
  if (typeof value !== 'boolean') throw invalid(param, 'expected a boolean');
  return value;
}

export function oneOf<const T extends string>(value: unknown, param: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw invalid(param, `expected one of ${allowed.map((each) => `'${each}'`).join(', ')}`);
  return value as T;
}

/** The value of a nullable parameter when sent (not null), checked with `check`; undefined otherwise. */
export function optional<T>(value: unknown, check: (present: unknown) => T): T | undefined {
  return isAbsent(value) ? undefined : check(value);
}

/** The value of a parameter that is not nullable when sent (null is checked, and refused, like any other value). */
export function ifSent<T>(value: unknown, check: (present: unknown) => T): T | undefined {
  return value === undefined ? undefined : check(value);
}
