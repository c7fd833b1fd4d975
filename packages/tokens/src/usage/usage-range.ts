import { TokensError, TokensErrorCode } from '../tokens.errors.js';
import { addDays, dayOf, daysFrom } from './usage-days.js';

/** The most days one usage query covers. */
export const MAX_USAGE_DAYS = 366;

/** The days a usage query covers when it names neither end: today and the 29 before. */
export const DEFAULT_USAGE_DAYS = 30;

/** A day (`2026-12-06`) or an ISO-8601 time with its offset (`2026-12-06T10:00:00Z`): the query's format of `from` and `to`. */
export const USAGE_DAY_FORMAT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31);

/**
 * The UTC days a usage query covers, both included: `from` and `to` as given (a time stands for its
 * UTC day), `to` by default today, `from` by default the 29 days before `to`. A 400 naming the field
 * when a value is no date, `from` is after `to`, or they span more than MAX_USAGE_DAYS days.
 */
export function usageRangeOf(query: { from?: string; to?: string }, today: string): { from: string; to: string } {
  const problems: { field: string; errors: string[] }[] = [];
  const parse = (field: 'from' | 'to'): string | undefined => {
    const value = query[field];
    if (value === undefined) return undefined;
    const day = utcDayOf(value);
    if (day === null) problems.push({ field, errors: [`${field} must be a date (YYYY-MM-DD) or an ISO-8601 time, from 1970 to 9999`] });
    return day ?? undefined;
  };
  const givenFrom = parse('from');
  const givenTo = parse('to');
  if (problems.length > 0) throw invalid(problems);
  const to = givenTo ?? today;
  const from = givenFrom ?? addDays(to, 1 - DEFAULT_USAGE_DAYS);
  if (from > to) throw invalid([{ field: 'from', errors: ['from must not be after to'] }]);
  if (daysFrom(from, to) + 1 > MAX_USAGE_DAYS)
    throw invalid([{ field: 'from', errors: [`from and to may span at most ${MAX_USAGE_DAYS} days`] }]);
  return { from, to };
}

/** The UTC day of a day or time in USAGE_DAY_FORMAT; null for anything else, impossible dates (Feb 30) included. */
function utcDayOf(value: string): string | null {
  if (!USAGE_DAY_FORMAT.test(value)) return null;
  const datePart = value.slice(0, 10);
  const midnight = Date.parse(`${datePart}T00:00:00.000Z`);
  if (Number.isNaN(midnight) || dayOf(new Date(midnight)) !== datePart) return null;
  const time = Date.parse(value.length === 10 ? `${value}T00:00:00.000Z` : value);
  if (Number.isNaN(time) || time < EARLIEST || time >= LATEST + 24 * 3600 * 1000) return null;
  return dayOf(new Date(time));
}

function invalid(details: { field: string; errors: string[] }[]): TokensError {
  return new TokensError(TokensErrorCode.VALIDATION_FAILED, `Validation failed: ${details.map((d) => d.field).join(', ')}`, { details });
}
