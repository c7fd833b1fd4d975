import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock, execute, selectRows, TransactionRunner } from '@token-metering/database';
import { dayValue, startOf } from './usage-days.js';
import { ledgerUsageSql, ROLLED_SPENT, ROLLED_USAGE, type UsageRecord, type UsageRow } from './usage-queries.js';

/**
 * How old a ledger entry is before it is rolled up. An entry is dated when its statement runs and
 * seen when its transaction commits, a moment later: the rollup reads a stretch of the ledger only once
 * no entry dated in it can still be on its way (different clocks of app instances included).
 */
export const ROLLUP_DELAY_MS = 3600 * 1000;

/** How far behind its target the rollup may be before a query moves it on (a write): at most one write per account this often. */
export const ROLLUP_STEP_MS = 10 * 60 * 1000;

const UPSERT_CHUNK = 500;

/** What the rollup holds of an account: every entry from the start of day `from` to the time `until` (excluded). */
export interface RolledRange {
  from: string;
  until: Date;
}

/**
 * The rollup of the ledger's usage (token_usage_days): an account's net spend per day, action and
 * model, summed from the ledger once and kept. What it holds of each account is one stretch of time
 * (token_usage_rollups), from the start of a day to a moment at least ROLLUP_DELAY_MS ago; a query
 * extends it to the days it needs, under that row's lock, adding what the ledger has in the new stretch
 * to the rows of its days (the day it ends in is partial). The ledger stays the source of truth:
 * deleting an account's rows of both tables rolls them up again at the next query.
 */
@Injectable()
export class UsageRollup {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  /** The latest moment the rollup may reach now. */
  target(): Date {
    return new Date(this.clock.now().getTime() - ROLLUP_DELAY_MS);
  }

  /**
   * Makes the rollup hold the account's entries from the start of day `from` to about `target()`
   * (within ROLLUP_STEP_MS); answers what it holds then. `from` must start before `target()`.
   */
  async ensure(payerId: string, from: string): Promise<RolledRange> {
    const target = this.target();
    const known = await this.rangeOf(this.tx.manager, payerId);
    if (known && known.from <= from && target.getTime() - known.until.getTime() < ROLLUP_STEP_MS) return known;
    if (!known) {
      // A new account's range starts empty at the start of `from`. Created in a transaction of its own: inside the
      // one below, the shared lock a duplicate insert takes would deadlock parallel queries upgrading it.
      const ignore = this.tx.isMysql ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
      const create = `${ignore} INTO token_usage_rollups (user_id, rolled_from, rolled_until) VALUES (?, ?, ?)`;
      await this.tx.run((em) => execute(em, create, [payerId, from, startOf(from)]));
    }
    // The row is locked: one query at a time extends it.
    return this.tx.run(async (em) => {
      const range = (await this.rangeOf(em, payerId, true))!;
      const earlier = from < range.from;
      const later = target.getTime() > range.until.getTime();
      if (!earlier && !later) return range;
      const extended = { from: earlier ? from : range.from, until: later ? target : range.until };
      if (earlier) await this.rollUp(em, payerId, startOf(from), startOf(range.from));
      if (later) await this.rollUp(em, payerId, range.until, target);
      await execute(em, 'UPDATE token_usage_rollups SET rolled_from = ?, rolled_until = ? WHERE user_id = ?', [
        extended.from,
        extended.until,
        payerId,
      ]);
      return extended;
    });
  }

  /** The account's rolled-up rows of the days `[from, until)`. */
  async rows(payerId: string, from: string, until: string): Promise<UsageRow[]> {
    return usageRowsOf(await selectRows<UsageRecord>(this.tx.manager, ROLLED_USAGE, [payerId, from, until]));
  }

  /** The account's rolled-up net spend over the days `[from, until)`. */
  async spent(payerId: string, from: string, until: string): Promise<number> {
    const [row] = await selectRows<{ tokens: number | string }>(this.tx.manager, ROLLED_SPENT, [payerId, from, until]);
    return Number(row?.tokens ?? 0);
  }

  private async rangeOf(em: EntityManager, payerId: string, lock = false): Promise<RolledRange | null> {
    const [row] = await selectRows<{ rolled_from: unknown; rolled_until: unknown }>(
      em,
      `SELECT rolled_from, rolled_until FROM token_usage_rollups WHERE user_id = ?${lock && this.tx.isMysql ? ' FOR UPDATE' : ''}`,
      [payerId],
    );
    return row ? { from: dayValue(row.rolled_from), until: timeValue(row.rolled_until) } : null;
  }

  /** Adds the ledger's usage rows of `[from, until)` to the rollup's rows of their days. */
  private async rollUp(em: EntityManager, payerId: string, from: Date, until: Date): Promise<void> {
    const records = await selectRows<UsageRecord>(em, ledgerUsageSql(this.tx.isMysql, true), [payerId, from, until]);
    const rows = usageRowsOf(records).filter((row) => row.tokens !== 0 || row.requests !== 0);
    const upsert = this.tx.isMysql
      ? 'ON DUPLICATE KEY UPDATE tokens = tokens + VALUES(tokens), requests = requests + VALUES(requests)'
      : 'ON CONFLICT (user_id, day, action, model) DO UPDATE SET tokens = tokens + excluded.tokens, requests = requests + excluded.requests';
    for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
      const chunk = rows.slice(i, i + UPSERT_CHUNK);
      await execute(
        em,
        `INSERT INTO token_usage_days (user_id, day, action, model, tokens, requests) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')} ${upsert}`,
        chunk.flatMap((row) => [payerId, row.day, row.action, row.model, row.tokens, row.requests]),
      );
    }
  }
}

/** A datetime column as a driver returns it in a raw row: a Date (mysql2), or UTC text (SQLite). */
const timeValue = (value: unknown): Date => (value instanceof Date ? value : new Date(`${String(value).replace(' ', 'T')}Z`));

export function usageRowsOf(records: UsageRecord[]): UsageRow[] {
  return records.map((record) => ({
    day: dayValue(record.usage_day),
    action: record.usage_action,
    model: record.usage_model,
    tokens: Number(record.tokens),
    requests: Number(record.requests),
  }));
}
