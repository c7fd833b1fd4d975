import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock, execute, insertEntities, selectRows, TransactionRunner } from '@token-metering/database';
import { TokenUsageDay } from '../entities/token-usage-day.entity.js';
import { dayOf, dayValue, startOf } from './usage-days.js';
import { ledgerUsageSql, ROLLED_SPENT, ROLLED_USAGE, type UsageRecord, type UsageRow } from './usage-queries.js';

/**
 * How long after a UTC day ends it is rolled up. A ledger entry is dated when its statement runs and
 * seen when its transaction commits, a moment later: a day is read from the ledger for the rollup
 * only once no entry dated in it can still be on its way (different clocks of app instances included).
 */
export const ROLLUP_DELAY_MS = 3600 * 1000;

const INSERT_CHUNK = 500;

type RolledRange = { from: string; until: string };

/**
 * The daily rollup of the ledger's usage (token_usage_days): every closed day of an account a usage
 * query needed, summed once from the ledger and kept. Each account's rolled days are one contiguous
 * range (token_usage_rollups) that a query extends to the days it needs, under that row's lock.
 * The ledger stays the source of truth: deleting an account's rows of both tables rolls its days up
 * again at the next query.
 */
@Injectable()
export class UsageRollup {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  /** The first day not rolled up yet: the days before it have ended at least ROLLUP_DELAY_MS ago. */
  closedUntil(): string {
    return dayOf(new Date(this.clock.now().getTime() - ROLLUP_DELAY_MS));
  }

  /** Makes the rollup hold every day of `[from, until)` of the account (`until` at most `closedUntil()`). */
  async ensure(payerId: string, from: string, until: string): Promise<void> {
    if (from >= until) return;
    const known = await this.rangeOf(this.tx.manager, payerId);
    if (known && known.from <= from && known.until >= until) return;
    await this.tx.run(async (em) => {
      // A new account's range starts empty at `until`; the row is then locked, so one query at a time extends it.
      const ignore = this.tx.isMysql ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
      await execute(em, `${ignore} INTO token_usage_rollups (user_id, rolled_from, rolled_until) VALUES (?, ?, ?)`, [
        payerId,
        until,
        until,
      ]);
      const range = (await this.rangeOf(em, payerId, true))!;
      const missing = [
        ...(from < range.from ? [{ from, until: range.from }] : []),
        ...(range.until < until ? [{ from: range.until, until }] : []),
      ];
      if (missing.length === 0) return;
      for (const days of missing) await this.rollUp(em, payerId, days);
      await execute(em, 'UPDATE token_usage_rollups SET rolled_from = ?, rolled_until = ? WHERE user_id = ?', [
        from < range.from ? from : range.from,
        until > range.until ? until : range.until,
        payerId,
      ]);
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
    return row ? { from: dayValue(row.rolled_from), until: dayValue(row.rolled_until) } : null;
  }

  private async rollUp(em: EntityManager, payerId: string, days: RolledRange): Promise<void> {
    const records = await selectRows<UsageRecord>(em, ledgerUsageSql(this.tx.isMysql, true), [
      payerId,
      startOf(days.from),
      startOf(days.until),
    ]);
    const rows = usageRowsOf(records).filter((row) => row.tokens !== 0 || row.requests !== 0);
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK).map((row) => Object.assign(new TokenUsageDay(), { payerId, ...row }));
      await insertEntities(em, TokenUsageDay, chunk);
    }
  }
}

export function usageRowsOf(records: UsageRecord[]): UsageRow[] {
  return records.map((record) => ({
    day: dayValue(record.usage_day),
    action: record.usage_action,
    model: record.usage_model,
    tokens: Number(record.tokens),
    requests: Number(record.requests),
  }));
}
