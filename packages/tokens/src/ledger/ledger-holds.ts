import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type EntityManager, IsNull, LessThanOrEqual } from 'typeorm';
import { Clock } from '@token-metering/database';
import { execute } from '@token-metering/database';
import { again, done, retrying } from '@token-metering/database';
import { rollback, TransactionRunner } from '@token-metering/database';
import { AccountPeriods, type Refusal, refusalError } from './account-periods.js';
import { IdempotencyKeys, inProgress } from '../idempotency/idempotency-keys.js';
import { AccountPostings } from './account-postings.js';
import { LedgerEvents } from './ledger-events.js';
import { HoldOutcome, TokenHold } from '../entities/token-hold.entity.js';
import { LedgerEntryType, type LedgerMetadata } from '../entities/token-ledger-entry.entity.js';
import { type Charge, chargeOf, type Hold, type HoldRequest, type Posting, type Replay } from './token-ledger.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from '../tokens-module-options.js';
import { TokensError, TokensErrorCode } from '../tokens.errors.js';

export const DEFAULT_HOLD_TTL_SECONDS = 900;

/** Holds renewed by one statement. */
const RENEWAL_BATCH = 500;

/**
 * Holds, for requests whose price is known only after they ran: `hold` takes the most the request
 * can cost out of the balance (the same conditional statement as a charge: 402 when short, so
 * parallel requests whose holds exceed the balance do not all start); `settle` gives the hold back
 * and charges the actual price, in one transaction; `release` gives it back in full. A hold is
 * closed exactly once (its row is claimed by a conditional UPDATE), also when it expires. The
 * process keeps the holds of its running requests alive (`renewRunning`), so only the hold of a
 * process that stopped expires; a request whose hold was released anyway is still charged.
 */
@Injectable()
export class LedgerHolds {
  /** The holds of this process's requests that are still running. */
  private readonly running = new Set<string>();

  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly postings: AccountPostings,
    private readonly periods: AccountPeriods,
    private readonly events: LedgerEvents,
    private readonly keys: IdempotencyKeys,
    @Inject(TOKENS_MODULE_OPTIONS) private readonly options: TokensModuleOptions,
  ) {}

  async hold(request: HoldRequest): Promise<Hold | Replay> {
    return retrying(async () => {
      const outcome = await this.holdOnce(request);
      if (outcome.kind === 'held') {
        this.running.add(outcome.holdId);
        return done(outcome);
      }
      if (outcome.kind !== 'key_taken') throw refusalError(outcome);
      const taken = await this.keys.resolveTaken(request.userId, request.idempotency!);
      // Released (its request failed) or expired: the request runs as new.
      if (taken.kind === 'free') return again(inProgress);
      const { tokensCharged, tokensRemaining, responseBody } = taken.first;
      return done<Replay>({ kind: 'replay', tokensCharged: tokensCharged ?? 0, tokensRemaining: tokensRemaining ?? 0, responseBody });
    });
  }

  private async holdOnce(request: HoldRequest): Promise<Hold | Refusal | { kind: 'key_taken' }> {
    const holdId = randomUUID();
    const entryId = randomUUID();
    const { userId, action, amount, requestId, clientRequestId, idempotency } = request;
    return this.tx.run<Hold, Refusal | { kind: 'key_taken' }>(async (em) => {
      if (idempotency && !(await this.keys.claim(em, userId, idempotency))) return rollback({ kind: 'key_taken' });
      const posting: Posting = {
        userId,
        type: LedgerEntryType.Hold,
        amount: -amount,
        action,
        requestId,
        clientRequestId,
        metadata: { holdId },
      };
      const settled = await this.periods.settle(em, posting, { requireFunds: true, usedDelta: 0, heldDelta: amount, entryId });
      if (settled.kind !== 'posted') return rollback(settled);
      const { entry } = settled;
      const now = this.clock.now();
      await em.insert(TokenHold, {
        id: holdId,
        userId,
        action,
        amount,
        allowanceAmount: entry.allowanceAmount,
        creditsAmount: entry.creditsAmount,
        requestId,
        idempotencyKey: idempotency?.key ?? null,
        createdAt: now,
        expiresAt: this.expiryFrom(now),
        closedAt: null,
        outcome: null,
      });
      this.events.posted(em, entry);
      return {
        kind: 'held',
        holdId,
        userId,
        action,
        amount,
        balanceAfter: entry.balanceAfter,
        buckets: { allowance: entry.allowanceAmount, credits: entry.creditsAmount },
        requestId,
        clientRequestId,
        ...(idempotency ? { idempotencyKey: idempotency.key } : {}),
      } satisfies Hold;
    });
  }

  /**
   * Closes the hold with the request's actual price: a `hold_release` of what the hold still holds and
   * a `usage` entry of `price`, in one transaction. The usage takes what the released hold and the
   * balance cover; the rest is owed (see OwedTokens). A hold already released or expired (its
   * process stopped renewing it in time) is charged all the same: the work was done. 409 only when
   * it was settled before.
   */
  async settle(hold: Hold, price: number, metadata: LedgerMetadata): Promise<Charge> {
    if (!Number.isSafeInteger(price) || price < 0) throw new Error(`a hold cannot settle a price of ${price}`);
    const started = performance.now();
    const entryId = randomUUID();
    const request = {
      userId: hold.userId,
      action: hold.action,
      price,
      requestId: hold.requestId,
      clientRequestId: hold.clientRequestId,
      ...(hold.idempotencyKey ? { idempotency: { key: hold.idempotencyKey, requestHash: '' } } : {}),
    };
    try {
      const charged = await this.tx.run<Charge, 'closed'>(
        async (em) => {
          const claimed = await this.claimForSettlement(em, hold);
          if (claimed.kind === 'closed') return rollback('closed');
          if (claimed.kind === 'open') await this.releaseIn(em, { ...claimed.held, clientRequestId: hold.clientRequestId }, 'settled');
          const late = claimed.kind === 'late' && claimed.outcome;
          const usage: Posting = {
            userId: hold.userId,
            type: LedgerEntryType.Usage,
            amount: -price,
            action: hold.action,
            requestId: hold.requestId,
            clientRequestId: hold.clientRequestId,
            metadata: { holdId: hold.holdId, ...metadata, ...(late && { holdClosedBefore: late }) },
          };
          const settled = await this.periods.collect(em, usage, { usedDelta: price, entryId }, { order: 'allowance_first' });
          if (settled.kind !== 'posted') throw refusalError(settled);
          this.events.charged(em, request, settled.entry, performance.now() - started);
          return chargeOf(request, settled.entry);
        },
        {
          verifyCommit: async (em) => {
            const entry = await this.postings.committedEntry(em, hold.userId, entryId);
            return entry ? { committed: true, result: chargeOf(request, entry) } : { committed: false };
          },
        },
      );
      if (charged === 'closed') throw holdClosed(hold);
      return charged;
    } finally {
      this.running.delete(hold.holdId);
    }
  }

  /** Gives the hold back in full (and frees its Idempotency-Key: a retry runs anew); false when it was already closed. */
  async release(
    hold: Pick<Hold, 'holdId'> & Partial<Pick<Hold, 'idempotencyKey'>>,
    outcome: HoldOutcome.Released | HoldOutcome.Expired = HoldOutcome.Released,
  ): Promise<boolean> {
    this.running.delete(hold.holdId);
    return this.tx.run(async (em) => {
      const row = await em.findOneBy(TokenHold, { id: hold.holdId });
      if (!row || !(await this.claim(em, row.id, outcome))) return false;
      // An expired hold's request never answered: its key is freed too, so a retry runs anew.
      const key = hold.idempotencyKey ?? row.idempotencyKey;
      if (key) await this.keys.release(em, row.userId, key);
      await this.releaseIn(em, holdOf(row), outcome);
      return true;
    });
  }

  /**
   * Moves the expiry of the holds of this process's running requests a whole TTL ahead, so a request
   * that runs longer than the TTL keeps its hold. Returns how many it renewed.
   */
  async renewRunning(): Promise<number> {
    const ids = [...this.running];
    const expiresAt = this.expiryFrom(this.clock.now());
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

  /** Releases up to `limit` holds whose time ran out (their process died); returns how many. */
  async releaseExpired(limit: number): Promise<number> {
    const expired = await this.tx.manager.find(TokenHold, {
      select: { id: true },
      where: { closedAt: IsNull(), expiresAt: LessThanOrEqual(this.clock.now()) },
      order: { expiresAt: 'ASC' },
      take: limit,
    });
    let released = 0;
    for (const { id } of expired) if (await this.release({ holdId: id }, HoldOutcome.Expired)) released++;
    return released;
  }

  /** Closes a hold once: only the first claim of an open hold matches its row. */
  private async claim(em: EntityManager, holdId: string, outcome: HoldOutcome): Promise<boolean> {
    const claimed = await execute(em, 'UPDATE token_holds SET closed_at = ?, outcome = ? WHERE id = ? AND closed_at IS NULL', [
      this.clock.now(),
      outcome,
      holdId,
    ]);
    return claimed === 1;
  }

  /**
   * Claims a hold for its settlement, once: an open hold, with what it still holds (released here), or
   * one released or expired before its request finished (`late`: its release was written then).
   * 'closed' when it was settled already. A hold as it was taken is claimed without reading its row.
   */
  private async claimForSettlement(em: EntityManager, hold: Hold): Promise<SettlementClaim> {
    const unchanged = await execute(
      em,
      'UPDATE token_holds SET closed_at = ?, outcome = ? WHERE id = ? AND closed_at IS NULL AND amount = ?',
      [this.clock.now(), HoldOutcome.Settled, hold.holdId, hold.amount],
    );
    if (unchanged === 1) return { kind: 'open', held: hold };
    const row = await em.findOneBy(TokenHold, { id: hold.holdId });
    if (!row || row.outcome === HoldOutcome.Settled) return { kind: 'closed' };
    // Still open: a period roll expired part of it, and what it still holds is released.
    if (row.closedAt === null)
      return (await this.claim(em, row.id, HoldOutcome.Settled)) ? { kind: 'open', held: holdOf(row) } : { kind: 'closed' };
    const settled = await execute(em, 'UPDATE token_holds SET outcome = ? WHERE id = ? AND outcome = ?', [
      HoldOutcome.Settled,
      row.id,
      row.outcome,
    ]);
    return settled === 1 && row.outcome ? { kind: 'late', outcome: row.outcome } : { kind: 'closed' };
  }

  private expiryFrom(now: Date): Date {
    return new Date(now.getTime() + (this.options.holdTtlSeconds ?? DEFAULT_HOLD_TTL_SECONDS) * 1000);
  }

  private async releaseIn(
    em: EntityManager,
    hold: Pick<Hold, 'holdId' | 'userId' | 'action' | 'amount' | 'requestId' | 'buckets'> & { clientRequestId?: string | null },
    reason: string,
  ): Promise<void> {
    const posting: Posting = {
      userId: hold.userId,
      type: LedgerEntryType.HoldRelease,
      amount: hold.amount,
      action: hold.action,
      requestId: hold.requestId || null,
      clientRequestId: hold.clientRequestId ?? null,
      metadata: { holdId: hold.holdId, reason },
      buckets: { allowance: -hold.buckets.allowance, credits: -hold.buckets.credits },
    };
    const settled = await this.periods.settle(em, posting, { requireFunds: false, usedDelta: 0, heldDelta: -hold.amount });
    if (settled.kind !== 'posted') throw refusalError(settled);
    this.events.posted(em, settled.entry);
  }
}

type HeldPart = Pick<Hold, 'holdId' | 'userId' | 'action' | 'amount' | 'requestId' | 'buckets'>;

/** How a settlement found its hold: open (what it holds), released or expired before, or settled already. */
type SettlementClaim = { kind: 'open'; held: HeldPart } | { kind: 'late'; outcome: HoldOutcome } | { kind: 'closed' };

/** What a hold's row says it still holds (a period roll may have expired some of its allowance). */
function holdOf(row: TokenHold): HeldPart {
  const { id, userId, action, amount, requestId, allowanceAmount, creditsAmount } = row;
  return {
    holdId: id,
    userId,
    action,
    amount,
    requestId: requestId ?? '',
    buckets: { allowance: allowanceAmount, credits: creditsAmount },
  };
}

function holdClosed(hold: Hold): TokensError {
  return new TokensError(TokensErrorCode.HOLD_CLOSED, `The hold ${hold.holdId} was already settled, released or expired`);
}
