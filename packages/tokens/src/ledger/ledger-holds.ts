import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { IsNull, LessThanOrEqual } from 'typeorm';
import { Clock, DatabaseUnavailable, done, execute, retrying, TransactionRunner } from '@token-metering/database';
import { refusalError } from './account-periods.js';
import { replayAfterKeyTaken } from './batch-items.js';
import { HoldPostings } from './hold-postings.js';
import { IdempotencyKeys } from '../idempotency/idempotency-keys.js';
import { PostingBatches } from './posting-batches.js';
import { type DeferredPosting, PostingRetries } from './posting-retries.js';
import { HoldOutcome, TokenHold } from '../entities/token-hold.entity.js';
import type { LedgerMetadata } from '../entities/token-ledger-entry.entity.js';
import type { Charge, Hold, HoldRequest, Replay } from './token-ledger.js';
import { TokensError, TokensErrorCode } from '../tokens.errors.js';

export { DEFAULT_HOLD_TTL_SECONDS } from './hold-postings.js';

/** Holds renewed by one statement. */
const RENEWAL_BATCH = 500;

/**
 * Holds, for requests whose price is known only after they ran: `hold` takes the most the request
 * can cost out of the balance (402 when short), `settle` gives the hold back and charges the actual
 * price, `release` gives it back in full. All three go through the group commit with charges
 * (PostingBatches; the statements are HoldPostings'). The process keeps the holds of its running
 * requests alive (`renewRunning`), so only the hold of a process that stopped expires; a request
 * whose hold was released anyway is still charged.
 */
@Injectable()
export class LedgerHolds {
  /** The holds of this process's requests that are still running. */
  private readonly running = new Set<string>();

  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly batches: PostingBatches,
    private readonly postings: HoldPostings,
    private readonly keys: IdempotencyKeys,
    private readonly retries: PostingRetries,
  ) {}

  async hold(request: HoldRequest): Promise<Hold | Replay> {
    return retrying<Hold | Replay>(async () => {
      const outcome = await this.batches.hold({ kind: 'hold', request, holdId: randomUUID(), entryId: randomUUID() });
      if (outcome.kind === 'held') {
        this.running.add(outcome.holdId);
        return done(outcome);
      }
      if (outcome.kind !== 'key_taken') throw refusalError(outcome);
      // Released (its request failed) or expired: the request runs as new.
      return replayAfterKeyTaken(this.keys, request.payerId, request.idempotency!);
    });
  }

  /**
   * Closes the hold with the actual price (see HoldPostings.settleIn); 409 HOLD_CLOSED when it was
   * settled before. When the database cannot take it, the settlement is retried in the background
   * (a hold its request settled never stays open) and SettlementDeferred is thrown.
   */
  async settle(hold: Hold, price: number, metadata: LedgerMetadata): Promise<Charge> {
    if (!Number.isSafeInteger(price) || price < 0) throw new Error(`a hold cannot settle a price of ${price}`);
    this.running.delete(hold.holdId);
    const settlement = { kind: 'settlement', hold, price, metadata, started: performance.now(), entryId: randomUUID() } as const;
    let settled;
    try {
      settled = await this.batches.settle(settlement);
    } catch (error) {
      // Run again, it finds the hold closed if this attempt committed after all.
      this.deferOn(error, { kind: 'settlement', amount: price, hold, run: () => this.batches.settle(settlement) });
      throw error instanceof DatabaseUnavailable ? new SettlementDeferred() : error;
    }
    if (settled.kind === 'closed') throw holdClosed(hold);
    return settled;
  }

  /**
   * Gives the hold back in full (and frees its Idempotency-Key: a retry runs anew); false when it was
   * already closed. When the database cannot take it, the release is retried in the background.
   */
  async release(
    hold: Pick<Hold, 'holdId' | 'payerId'> & Partial<Pick<Hold, 'idempotencyKey' | 'action' | 'amount' | 'requestId' | 'limit'>>,
    outcome: HoldOutcome.Released | HoldOutcome.Expired = HoldOutcome.Released,
  ): Promise<boolean> {
    this.running.delete(hold.holdId);
    const { holdId, payerId, idempotencyKey, limit, amount } = hold;
    const release = {
      kind: 'release',
      payerId,
      holdId,
      ...(idempotencyKey ? { idempotencyKey } : {}),
      ...(limit && amount !== undefined && { limit: { ...limit, amount } }),
      outcome,
      entryId: randomUUID(),
    } as const;
    try {
      return (await this.batches.release(release)).kind === 'released';
    } catch (error) {
      if (outcome === HoldOutcome.Released) {
        this.deferOn(error, { kind: 'release', amount: hold.amount ?? 0, hold, run: () => this.batches.release(release) });
      }
      throw error;
    }
  }

  private deferOn(
    error: unknown,
    {
      kind,
      amount,
      hold,
      run,
    }: Pick<DeferredPosting, 'kind' | 'amount'> & { hold: Partial<Hold> & Pick<Hold, 'payerId'>; run: () => Promise<unknown> },
  ): void {
    if (!(error instanceof DatabaseUnavailable)) return;
    const { payerId, action = '', requestId = '' } = hold;
    this.retries.defer({ kind, payerId, action, amount, requestId, run: async () => void (await run()) });
  }

  /**
   * Moves the expiry of the holds of this process's running requests a whole TTL ahead, so a request
   * that runs longer than the TTL keeps its hold. Returns how many it renewed.
   */
  async renewRunning(): Promise<number> {
    const ids = [...this.running];
    const expiresAt = this.postings.expiryFrom(this.clock.now());
    let renewed = 0;
    for (let i = 0; i < ids.length; i += RENEWAL_BATCH) {
      const batch = ids.slice(i, i + RENEWAL_BATCH);
      renewed += await this.tx.run((em) =>
        execute(em, `UPDATE token_holds SET expires_at = ? WHERE id IN (${batch.map(() => '?').join(', ')}) AND closed_at IS NULL`, [
          expiresAt,
          ...batch,
        ]),
      );
    }
    return renewed;
  }

  /** Releases up to `limit` holds whose time ran out (their process died), together; returns how many. */
  async releaseExpired(limit: number): Promise<number> {
    const expired = await this.tx.manager.find(TokenHold, {
      select: { id: true, payerId: true, amount: true, limitId: true, createdAt: true },
      where: { closedAt: IsNull(), expiresAt: LessThanOrEqual(this.clock.now()) },
      order: { expiresAt: 'ASC' },
      take: limit,
    });
    const released = await Promise.all(
      expired.map(({ id, payerId, amount, limitId, createdAt }) =>
        this.release({ holdId: id, payerId, amount, ...(limitId && { limit: { limitId, countedAt: createdAt } }) }, HoldOutcome.Expired),
      ),
    );
    return released.filter(Boolean).length;
  }
}

/** A settlement the database could not take now: the work ran, and its price is charged once the database is back. */
export class SettlementDeferred extends DatabaseUnavailable {
  constructor() {
    super('The work ran, but the token ledger became unavailable while recording its price; it is charged as soon as the ledger is back');
    this.name = 'SettlementDeferred';
  }
}

function holdClosed(hold: Hold): TokensError {
  return new TokensError(TokensErrorCode.HOLD_CLOSED, `The hold ${hold.holdId} was already settled, released or expired`);
}
