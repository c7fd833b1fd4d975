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
 * What an account spent, per UTC day: up to about an hour ago from the rollup, since then from the
 * ledger itself (see UsageRollup, and usage-queries.ts for what counts).
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
    const end = startOf(until);
    const rows: UsageRow[] = [];
    let live = startOf(query.from);
    if (live < this.rollup.target()) {
      const rolled = await this.rollup.ensure(payerId, query.from);
      rows.push(...(await this.rollup.rows(payerId, query.from, until)));
      if (rolled.until > live) live = rolled.until;
    }
    if (live < end) rows.push(...(await this.ledgerRows(payerId, live, end, query.groupBy === 'model')));
    return reportOf(query, daysIn(query.from, until), rows);
  }

  /**
   * Net tokens spent in the last RUNWAY_WINDOW_DAYS days, up to now included: from the rollup, and the
   * ledger after it. The window's first day comes from the rollup less its part before the window when
   * that part is the smaller one, else from the ledger: at most half a day of it is read there.
   */
  async recentSpend(payerId: string): Promise<number> {
    const end = new Date(this.clock.now().getTime() + 1);
    const from = new Date(end.getTime() - RUNWAY_WINDOW_DAYS * DAY_MS);
    const firstDay = dayOf(from);
    const early = from.getTime() - startOf(firstDay).getTime() <= DAY_MS / 2;
    const rolledFrom = early ? firstDay : addDays(firstDay, 1);
    if (startOf(rolledFrom) >= this.rollup.target()) return this.ledgerSpent(payerId, from, end);
    const rolled = await this.rollup.ensure(payerId, rolledFrom);
    if (rolled.until <= startOf(rolledFrom)) return this.ledgerSpent(payerId, from, end);
    const [head, sum, tail] = await Promise.all([
      early
        ? this.ledgerSpent(payerId, startOf(firstDay), from).then((before) => 0 - before)
        : this.ledgerSpent(payerId, from, startOf(rolledFrom)),
      this.rollup.spent(payerId, rolledFrom, addDays(dayOf(rolled.until), 1)),
      this.ledgerSpent(payerId, rolled.until, end),
    ]);
    return head + sum + tail;
  }

  private async ledgerRows(payerId: string, from: Date, until: Date, withModel: boolean): Promise<UsageRow[]> {
    const records = await selectRows<UsageRecord>(this.tx.manager, ledgerUsageSql(this.tx.isMysql, withModel), [payerId, from, until]);
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
