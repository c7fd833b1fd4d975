import type { SpendLimitPeriod } from '../entities/token-spend-limit.entity.js';

/** Where a limit of all time starts: every moment is in its one period. */
const ALL_TIME = new Date(0);

/** The start of the period of `period` that `at` is in (UTC). */
export function periodStartOf(period: SpendLimitPeriod, at: Date): Date {
  switch (period) {
    case 'day':
      return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
    case 'month':
      return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
    case 'total':
      return ALL_TIME;
  }
}

/** When the period of `period` that `at` is in ends (the next one starts); null for all time. */
export function periodEndOf(period: SpendLimitPeriod, at: Date): Date | null {
  switch (period) {
    case 'day':
      return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
    case 'month':
      return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
    case 'total':
      return null;
  }
}

/**
 * SQL for the start of the period a moment is in, by a limit row's own `period`: one statement
 * serves rows of every period. Its parameters: `periodStartParameters(at)`.
 */
export const ROW_PERIOD_START = "(CASE period WHEN 'day' THEN ? WHEN 'month' THEN ? ELSE ? END)";

export function periodStartParameters(at: Date): Date[] {
  return [periodStartOf('day', at), periodStartOf('month', at), periodStartOf('total', at)];
}

/** What a limit row spent in the period `at` is in: nothing when its stored period ended. */
export function spentAt(row: { period: SpendLimitPeriod; periodStart: Date; spent: number }, at: Date): number {
  return row.periodStart.getTime() < periodStartOf(row.period, at).getTime() ? 0 : row.spent;
}
