import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { execute, isMysql } from '@token-metering/database';
import { debitOf, isDebit, type Outcome, type Queued, type QueuedDebit, sortedIndexes } from './batch-items.js';
import { IdempotencyKeys } from '../idempotency/idempotency-keys.js';
import { TokenSpendLimit } from '../entities/token-spend-limit.entity.js';
import { periodEndOf, periodStartParameters, ROW_PERIOD_START, spentAt } from '../limits/limit-periods.js';
import type { LimitCount, LimitReached } from './token-ledger.js';

/** Resets `spent` when the row's stored period ended before now: what it spent in the current period. */
const SPENT_NOW = `(CASE WHEN period_start < ${ROW_PERIOD_START} THEN 0 ELSE spent END)`;

/** A debit's count: `spent` plus its price, only while that stays within `tokens` (starting an ended period first). */
const COUNT_DEBIT = `UPDATE token_spend_limits SET spent = ${SPENT_NOW} + ?,
  period_start = CASE WHEN period_start < ${ROW_PERIOD_START} THEN ${ROW_PERIOD_START} ELSE period_start END
  WHERE limit_id = ? AND ${SPENT_NOW} + ? <= tokens`;

/** Moves `spent` by a signed amount (never below 0), only while the row is still in the period the debit counted in. */
const MOVE_SPENT = `UPDATE token_spend_limits SET spent = CASE WHEN spent + ? < 0 THEN 0 ELSE spent + ? END
  WHERE limit_id = ? AND period_start = ${ROW_PERIOD_START}`;

/** Takes a closing hold's count off its row, once: whoever closes the open hold first moves its limit. */
const TAKE_HOLD_COUNT = 'UPDATE token_holds SET limit_id = NULL WHERE id = ? AND limit_id IS NOT NULL AND closed_at IS NULL';

/**
 * The spend-limit step of a batch (PostingBatches), after its idempotency keys and before its
 * accounts: every item that spends through a limit moves that limit's row with one conditional
 * UPDATE, the rows in limit-id order on every instance (so concurrent batches do not deadlock). A
 * debit (charge, hold) is counted only while the limit's period spend stays within it, else it is
 * refused (`limit_reached`) and takes nothing; a refund or a release gives its count back, a
 * settlement moves the hold's count to the price, both only within the period they counted in.
 * A batch without limited items runs no statement here. A limit row deleted meanwhile is no limit.
 */
@Injectable()
export class SpendLimitPostings {
  constructor(private readonly keys: IdempotencyKeys) {}

  /** Counts the batch's limited items; a refused debit gets its outcome here and its claimed key is freed. */
  async count(em: EntityManager, batch: Queued[], outcomes: Array<Outcome | undefined>, claimed: Set<number>, now: Date): Promise<void> {
    for (const item of batch) if (isDebit(item)) item.counted = undefined;
    const limited = batch.flatMap((item, i) => (outcomes[i] === undefined && limitIdOf(item) ? [i] : []));
    if (limited.length === 0) return;
    // The holds' rows first (in id order), then the limits' rows: one lock order for every batch.
    const closing = new Set<number>();
    const holds = limited.filter((i) => batch[i].kind === 'settlement' || batch[i].kind === 'release');
    for (const n of sortedIndexes(holds, (i) => holdIdOf(batch[i]))) {
      if ((await execute(em, TAKE_HOLD_COUNT, [holdIdOf(batch[holds[n]])])) === 1) closing.add(holds[n]);
    }
    for (const n of sortedIndexes(limited, (i) => limitIdOf(batch[i])!)) {
      const i = limited[n];
      const item = batch[i];
      if (isDebit(item)) {
        const refusal = await this.countDebit(em, item, now);
        if (!refusal) continue;
        outcomes[i] = refusal;
        if (claimed.has(i)) await this.keys.release(em, item.request.payerId, item.request.idempotency!.key);
      } else if (item.kind === 'refund') {
        await this.move(em, item.charge.limit!, -item.charge.price);
      } else if (item.kind === 'settlement' && closing.has(i)) {
        await this.move(em, item.hold.limit!, item.price - item.hold.amount);
      } else if (item.kind === 'release' && closing.has(i)) {
        await this.move(em, item.limit!, -item.limit!.amount);
      }
    }
  }

  /** Gives back the counts of debits that passed their limit but were refused after (a short balance). */
  async uncountRefused(em: EntityManager, batch: Queued[], outcomes: Array<Outcome | undefined>): Promise<void> {
    for (const [i, item] of batch.entries()) {
      if (!isDebit(item) || !item.counted) continue;
      const kind = outcomes[i]?.kind;
      if (kind === 'charged' || kind === 'held') continue;
      await this.move(em, item.counted, -debitOf(item).price);
      item.counted = undefined;
    }
  }

  /** Counts a debit (`counted` set on it); its refusal when it would pass its limit; nothing when the limit is gone. */
  private async countDebit(em: EntityManager, item: QueuedDebit, now: Date): Promise<LimitReached | undefined> {
    const limitId = item.request.limitId!;
    const { price } = debitOf(item);
    const at = periodStartParameters(now);
    const counted = await execute(em, COUNT_DEBIT, [...at, price, ...at, ...at, limitId, ...at, price]);
    if (counted === 1) {
      item.counted = { limitId, countedAt: now };
      return undefined;
    }
    const row = await em.findOne(TokenSpendLimit, {
      where: { limitId },
      ...(isMysql(em) && { lock: { mode: 'pessimistic_write' as const } }),
    });
    if (!row) return undefined;
    return { kind: 'limit_reached', limit: row.tokens, spent: spentAt(row, now), required: price, resetsAt: periodEndOf(row.period, now) };
  }

  private async move(em: EntityManager, { limitId, countedAt }: LimitCount, delta: number): Promise<void> {
    if (delta !== 0) await execute(em, MOVE_SPENT, [delta, delta, limitId, ...periodStartParameters(countedAt)]);
  }
}

/** The limit an item spends through, if any. */
function limitIdOf(item: Queued): string | undefined {
  switch (item.kind) {
    case 'charge':
    case 'hold':
      return item.request.limitId;
    case 'refund':
      return item.charge.limit?.limitId;
    case 'settlement':
      return item.hold.limit?.limitId;
    case 'release':
      return item.limit?.limitId;
  }
}

function holdIdOf(item: Queued): string {
  return item.kind === 'settlement' ? item.hold.holdId : item.kind === 'release' ? item.holdId : '';
}
