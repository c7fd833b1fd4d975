import { Injectable } from '@nestjs/common';
import { Clock, selectRows, TransactionRunner } from '@token-metering/database';
import { addDays, DAY_MS, dayOf, daysIn, startOf } from './usage-days.js';
import { LEDGER_SPENT, ledgerUsageSql, type UsageRecord, type UsageRow } from './usage-queries.js';
import { UsageRollup, usageRowsOf } from './usage-rollup.js';

export type UsageGrouping = 'action' | 'model';

/** The UTC days `from` to `to`, both included. */
export interface UsageQuery {
  from: string;
  to: string;
  groupBy: UsageGrouping;
}

export interface UsageFigures {
  tokens: number;
  requests: number;
}

export interface UsagePoint extends UsageFigures {
  start: Date;
}

export interface UsageSeries {
  key: string;
  points: UsagePoint[];
  total: UsageFigures;
}

export interface UsageReport {
  interval: 'day';
  groupBy: UsageGrouping;
  from: Date;
  to: Date;
  series: UsageSeries[];
  totals: UsageFigures;
}

/** The key of entries without an action. */
export const NO_ACTION_KEY = 'other';

/** The days over which `runwayDays` measures the rate of spending. */
export const RUNWAY_WINDOW_DAYS = 7;

/**
 * What an account spent, per UTC day: the closed days from the daily rollup, the days since from the
 * ledger itself (see UsageRollup and usage-queries.ts for what counts).
 */
@Injectable()
export class TokenUsage {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly rollup: UsageRollup,
  ) {}

  /**
   * Net tokens spent and requests per day and key (the action, or with `groupBy: 'model'` the model
   * of entries that have one and the action of the others): a point for every day of every series,
   * series with anything in them, the largest total first.
   */
  async report(payerId: string, query: UsageQuery): Promise<UsageReport> {
    const until = addDays(query.to, 1);
    const closedUntil = this.rollup.closedUntil();
    const rolledUntil = until < closedUntil ? until : closedUntil;
    const rows: UsageRow[] = [];
    if (query.from < rolledUntil) {
      await this.rollup.ensure(payerId, query.from, rolledUntil);
      rows.push(...(await this.rollup.rows(payerId, query.from, rolledUntil)));
    }
    const liveFrom = query.from > closedUntil ? query.from : closedUntil;
    if (liveFrom < until) rows.push(...(await this.ledgerRows(payerId, liveFrom, until, query.groupBy === 'model')));
    return reportOf(query, daysIn(query.from, until), rows);
  }

  /**
   * Net tokens spent in `[from, to)`: whole closed days from the rollup, the rest from the ledger. When
   * `from` is early in its day, that day comes from the rollup too, less its part before `from`: the
   * ledger is read for at most half a day at the start.
   */
  async spent(payerId: string, from: Date, to: Date): Promise<number> {
    const firstDay = dayOf(from);
    const intoFirstDay = from.getTime() - startOf(firstDay).getTime();
    const rolledFrom = intoFirstDay <= DAY_MS / 2 ? firstDay : addDays(firstDay, 1);
    const closedUntil = this.rollup.closedUntil();
    const rolledUntil = dayOf(to) < closedUntil ? dayOf(to) : closedUntil;
    if (rolledFrom >= rolledUntil) return this.ledgerSpent(payerId, from, to);
    await this.rollup.ensure(payerId, rolledFrom, rolledUntil);
    const [head, rolled, tail] = await Promise.all([
      rolledFrom === firstDay
        ? this.ledgerSpent(payerId, startOf(firstDay), from).then((before) => -before)
        : this.ledgerSpent(payerId, from, startOf(rolledFrom)),
      this.rollup.spent(payerId, rolledFrom, rolledUntil),
      this.ledgerSpent(payerId, startOf(rolledUntil), to),
    ]);
    return head + rolled + tail;
  }

  /** Net tokens spent in the last RUNWAY_WINDOW_DAYS days, up to now included. */
  recentSpend(payerId: string): Promise<number> {
    const end = this.clock.now().getTime() + 1;
    return this.spent(payerId, new Date(end - RUNWAY_WINDOW_DAYS * DAY_MS), new Date(end));
  }

  private async ledgerRows(payerId: string, from: string, until: string, withModel: boolean): Promise<UsageRow[]> {
    const records = await selectRows<UsageRecord>(this.tx.manager, ledgerUsageSql(this.tx.isMysql, withModel), [
      payerId,
      startOf(from),
      startOf(until),
    ]);
    return usageRowsOf(records);
  }

  private async ledgerSpent(payerId: string, from: Date, to: Date): Promise<number> {
    if (from.getTime() >= to.getTime()) return 0;
    const [row] = await selectRows<{ tokens: number | string }>(this.tx.manager, LEDGER_SPENT, [payerId, from, to]);
    return Number(row?.tokens ?? 0);
  }
}

/**
 * How many days `balance` lasts at the net spend rate of the last RUNWAY_WINDOW_DAYS days (`recentSpend`
 * over that many days), to one decimal; null when nothing was spent in them.
 */
export function runwayDaysOf(balance: number, recentSpend: number): number | null {
  if (recentSpend <= 0) return null;
  return Math.round((balance * RUNWAY_WINDOW_DAYS * 10) / recentSpend) / 10;
}

function reportOf(query: UsageQuery, days: string[], rows: UsageRow[]): UsageReport {
  const byKey = new Map<string, Map<string, UsageFigures>>();
  for (const row of rows) {
    const action = row.action || NO_ACTION_KEY;
    const key = query.groupBy === 'model' ? row.model || action : action;
    const perDay = byKey.get(key) ?? new Map<string, UsageFigures>();
    byKey.set(key, perDay);
    const figures = perDay.get(row.day) ?? { tokens: 0, requests: 0 };
    perDay.set(row.day, { tokens: figures.tokens + row.tokens, requests: figures.requests + row.requests });
  }
  const series = [...byKey]
    .map(([key, perDay]): UsageSeries => {
      const points = days.map((day) => ({ start: startOf(day), ...(perDay.get(day) ?? { tokens: 0, requests: 0 }) }));
      return { key, points, total: sum(points) };
    })
    .filter((one) => one.points.some((point) => point.tokens !== 0 || point.requests !== 0))
    .sort((a, b) => b.total.tokens - a.total.tokens || (a.key < b.key ? -1 : 1));
  return {
    interval: 'day',
    groupBy: query.groupBy,
    from: startOf(query.from),
    to: startOf(query.to),
    series,
    totals: sum(series.map((one) => one.total)),
  };
}

const sum = (figures: UsageFigures[]): UsageFigures =>
  figures.reduce((total, one) => ({ tokens: total.tokens + one.tokens, requests: total.requests + one.requests }), {
    tokens: 0,
    requests: 0,
  });
