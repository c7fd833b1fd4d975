import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type EntityManager, IsNull, LessThanOrEqual } from 'typeorm';
import { Clock } from '../common/clock.js';
import { execute } from '../database/sql.js';
import { again, done, retrying } from '../database/retrying.js';
import { rollback, TransactionRunner } from '../database/transaction-runner.js';
import { AccountPeriods, type Refusal, refusalError } from './account-periods.js';
import { IdempotencyKeys, inProgress } from './idempotency-keys.js';
import { AccountPostings } from './account-postings.js';
import { LedgerEvents } from './ledger-events.js';
import { HoldOutcome, TokenHold } from './token-hold.entity.js';
import { LedgerEntryType, type LedgerMetadata } from './token-ledger-entry.entity.js';
import { type Charge, chargeOf, type Hold, type HoldRequest, type Posting, type Replay } from './token-ledger.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from './tokens-module-options.js';
import { TokensError, TokensErrorCode } from './tokens.errors.js';

export const DEFAULT_HOLD_TTL_SECONDS = 900;

/**
 * Holds, for requests whose price is known only after they ran: `hold` takes the most the request
 * can cost out of the balance (the same conditional statement as a charge: 402 when short, so
 * parallel requests whose holds exceed the balance do not all start); `settle` gives the hold back
 * and charges the actual price, in one transaction; `release` gives it back in full. A hold is
 * closed exactly once (its row is claimed by a conditional UPDATE), also when it expires.
 */
@Injectable()
export class LedgerHolds {
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
      if (outcome.kind === 'held') return done(outcome);
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
      const ttl = (this.options.holdTtlSeconds ?? DEFAULT_HOLD_TTL_SECONDS) * 1000;
      await em.insert(TokenHold, {
        id: holdId,
        userId,
        action,
        amount,
        allowanceAmount: entry.allowanceAmount,
        creditsAmount: entry.creditsAmount,
        requestId,
        createdAt: now,
        expiresAt: new Date(now.getTime() + ttl),
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
   * Closes the hold with the request's actual price (at most the hold): a `hold_release` of the whole
   * hold and a `usage` entry of `cost`, in one transaction. 409 when the hold was already closed.
   */
  async settle(hold: Hold, cost: number, metadata: LedgerMetadata): Promise<Charge> {
    if (!Number.isSafeInteger(cost) || cost < 0 || cost > hold.amount) throw new Error(`a hold of ${hold.amount} cannot settle ${cost}`);
    const started = performance.now();
    const entryId = randomUUID();
    const request = {
      userId: hold.userId,
      action: hold.action,
      cost,
      requestId: hold.requestId,
      clientRequestId: hold.clientRequestId,
      ...(hold.idempotencyKey ? { idempotency: { key: hold.idempotencyKey, requestHash: '' } } : {}),
    };
    const charged = await this.tx.run<Charge, 'closed'>(
      async (em) => {
        if (!(await this.claim(em, hold.holdId, HoldOutcome.Settled))) return rollback('closed');
        await this.releaseIn(em, hold, 'settled');
        const usage: Posting = {
          userId: hold.userId,
          type: LedgerEntryType.Usage,
          amount: -cost,
          action: hold.action,
          requestId: hold.requestId,
          clientRequestId: hold.clientRequestId,
          metadata: { holdId: hold.holdId, ...metadata },
        };
        const settled = await this.periods.settle(em, usage, { requireFunds: true, usedDelta: cost, entryId });
        // The release just gave back at least `cost`: a refusal here is a broken invariant, not a 402.
        if (settled.kind !== 'posted') throw new Error(`the settlement of hold ${hold.holdId} was refused: ${settled.kind}`);
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
  }

  /** Gives the hold back in full (and frees its Idempotency-Key: a retry runs anew); false when it was already closed. */
  async release(
    hold: Pick<Hold, 'holdId'> & Partial<Pick<Hold, 'idempotencyKey'>>,
    outcome: HoldOutcome.Released | HoldOutcome.Expired = HoldOutcome.Released,
  ): Promise<boolean> {
    return this.tx.run(async (em) => {
      const row = await em.findOneBy(TokenHold, { id: hold.holdId });
      if (!row || !(await this.claim(em, row.id, outcome))) return false;
      if (hold.idempotencyKey) await this.keys.release(em, row.userId, hold.idempotencyKey);
      const { userId, action, amount, requestId, allowanceAmount, creditsAmount } = row;
      await this.releaseIn(
        em,
        {
          holdId: row.id,
          userId,
          action,
          amount,
          requestId: requestId ?? '',
          buckets: { allowance: allowanceAmount, credits: creditsAmount },
        },
        outcome,
      );
      return true;
    });
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

function holdClosed(hold: Hold): TokensError {
  return new TokensError(TokensErrorCode.HOLD_CLOSED, `The hold ${hold.holdId} was already settled, released or expired`);
}
