import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { EntityManager } from 'typeorm';
import { Clock, execute, insertEntities } from '@token-metering/database';
import { AccountPeriods, type Refusal, refusalError } from './account-periods.js';
import { AccountPostings } from './account-postings.js';
import { IdempotencyKeys } from '../idempotency/idempotency-keys.js';
import { LedgerEvents } from './ledger-events.js';
import {
  debitOf,
  type QueuedHold,
  type QueuedRelease,
  type QueuedSettlement,
  type ReleaseOutcome,
  type SettlementOutcome,
} from './batch-items.js';
import { HoldOutcome, TokenHold } from '../entities/token-hold.entity.js';
import { LedgerEntryType, type TokenLedgerEntry } from '../entities/token-ledger-entry.entity.js';
import { type BucketSplit, chargeOf, type ChargeRequest, type Hold, type Posting } from './token-ledger.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from '../tokens-module-options.js';

export const DEFAULT_HOLD_TTL_SECONDS = 900;

/**
 * The statements of holds, inside a batch's transaction (PostingBatches): a hold is a debit like a
 * charge (the same conditional statement, so parallel requests whose holds exceed the balance do not
 * all start) plus its `token_holds` row; a settlement gives the hold back and charges the actual
 * price; a release gives it back in full. A hold is closed exactly once: its row is claimed by a
 * conditional UPDATE, whoever closes it (settlement, release or expiry).
 */
@Injectable()
export class HoldPostings {
  constructor(
    private readonly clock: Clock,
    private readonly postings: AccountPostings,
    private readonly periods: AccountPeriods,
    private readonly events: LedgerEvents,
    private readonly keys: IdempotencyKeys,
    @Inject(TOKENS_MODULE_OPTIONS) private readonly options: TokensModuleOptions,
  ) {}

  /** The hold a committed debit entry made, and its row (for `insertRows`, before anything else touches the account). */
  held(em: EntityManager, { request, holdId }: QueuedHold, entry: TokenLedgerEntry, now: Date): { hold: Hold; row: TokenHold } {
    this.events.posted(em, entry);
    const { userId, action, amount, requestId, clientRequestId, idempotency } = request;
    const buckets = { allowance: entry.allowanceAmount, credits: entry.creditsAmount };
    const row = Object.assign(new TokenHold(), {
      id: holdId,
      userId,
      action,
      amount,
      allowanceAmount: buckets.allowance,
      creditsAmount: buckets.credits,
      requestId,
      idempotencyKey: idempotency?.key ?? null,
      createdAt: now,
      expiresAt: this.expiryFrom(now),
      closedAt: null,
      outcome: null,
    });
    const hold: Hold = {
      kind: 'held',
      holdId,
      userId,
      action,
      amount,
      balanceAfter: entry.balanceAfter,
      buckets,
      requestId,
      clientRequestId,
      ...(idempotency ? { idempotencyKey: idempotency.key } : {}),
    };
    return { hold, row };
  }

  insertRows(em: EntityManager, rows: TokenHold[]): Promise<void> {
    return insertEntities(em, TokenHold, rows);
  }

  /** A hold on a statement of its own: the account is seeded or rolled first when needed, a short balance refuses it. */
  async holdAlone(em: EntityManager, item: QueuedHold): Promise<Hold | Refusal> {
    const { posting, held } = debitOf(item);
    const settled = await this.periods.settle(em, posting, { requireFunds: true, usedDelta: 0, heldDelta: held, entryId: item.entryId });
    if (settled.kind !== 'posted') return settled;
    const { hold, row } = this.held(em, item, settled.entry, this.clock.now());
    await this.insertRows(em, [row]);
    return hold;
  }

  /**
   * Closes the hold with the request's actual price: a `hold_release` of what the hold still holds and
   * a `usage` entry of `price`. The usage takes what the released hold and the balance cover; the rest
   * is owed (see OwedTokens). A hold already released or expired (its process stopped renewing it in
   * time) is charged all the same: the work was done. `closed` only when it was settled before.
   */
  async settleIn(em: EntityManager, { hold, price, metadata, started, entryId }: QueuedSettlement): Promise<SettlementOutcome> {
    const claimed = await this.claimForSettlement(em, hold);
    if (claimed.kind === 'closed') return claimed;
    const late = claimed.kind === 'late' && claimed.outcome;
    const { userId, action, requestId, clientRequestId } = hold;
    const usage: Posting = {
      userId,
      type: LedgerEntryType.Usage,
      amount: -price,
      action,
      requestId,
      clientRequestId,
      metadata: { holdId: hold.holdId, ...metadata, ...(late && { holdClosedBefore: late }) },
    };
    let charged: TokenLedgerEntry | undefined;
    if (claimed.kind === 'open') {
      const release = releaseOf({ ...claimed.held, clientRequestId }, 'settled');
      // Usually the balance with the hold given back covers the price: the release and the usage in one statement.
      const both = await this.postings.creditThenDebit(em, release, usage, {
        usedDelta: price,
        heldDelta: -claimed.held.amount,
        openAt: this.clock.now(),
        entryIds: [randomUUID(), entryId],
      });
      if (both) {
        this.events.posted(em, both[0]);
        charged = both[1];
      } else {
        await this.post(em, release, -claimed.held.amount);
      }
    }
    if (!charged) {
      const settled = await this.periods.collect(em, usage, { usedDelta: price, entryId }, { order: 'allowance_first' });
      // Never for an account that holds (a collection is not refused for a short balance): a broken ledger fails the batch.
      if (settled.kind !== 'posted') throw refusalError(settled);
      charged = settled.entry;
    }
    const request: ChargeRequest = {
      userId,
      action,
      price,
      requestId,
      clientRequestId,
      ...(hold.idempotencyKey ? { idempotency: { key: hold.idempotencyKey, requestHash: '' } } : {}),
    };
    this.events.charged(em, request, charged, performance.now() - started);
    return chargeOf(request, charged);
  }

  /** Gives the hold back in full and frees its Idempotency-Key (a retry runs anew); `closed` when it was closed before. */
  async releaseIn(em: EntityManager, { holdId, idempotencyKey, outcome, entryId }: QueuedRelease): Promise<ReleaseOutcome> {
    const row = await em.findOneBy(TokenHold, { id: holdId });
    if (!row || !(await this.claim(em, row.id, outcome))) return { kind: 'closed' };
    // An expired hold's request never answered: its key is freed too, so a retry runs anew.
    const key = idempotencyKey ?? row.idempotencyKey;
    if (key) await this.keys.release(em, row.userId, key);
    await this.post(em, { ...releaseOf(heldPartOf(row), outcome), entryId }, -row.amount);
    return { kind: 'released' };
  }

  expiryFrom(now: Date): Date {
    return new Date(now.getTime() + (this.options.holdTtlSeconds ?? DEFAULT_HOLD_TTL_SECONDS) * 1000);
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
      return (await this.claim(em, row.id, HoldOutcome.Settled)) ? { kind: 'open', held: heldPartOf(row) } : { kind: 'closed' };
    const settled = await execute(em, 'UPDATE token_holds SET outcome = ? WHERE id = ? AND outcome = ?', [
      HoldOutcome.Settled,
      row.id,
      row.outcome,
    ]);
    return settled === 1 && row.outcome ? { kind: 'late', outcome: row.outcome } : { kind: 'closed' };
  }

  /** A release (never refused: it brings tokens back), `heldDelta` off `held`. */
  private async post(em: EntityManager, { entryId, ...release }: Posting & { entryId?: string }, heldDelta: number): Promise<void> {
    const settled = await this.periods.settle(em, release, { requireFunds: false, usedDelta: 0, heldDelta, entryId });
    // Never for an account that holds: a broken ledger fails the batch.
    if (settled.kind !== 'posted') throw refusalError(settled);
    this.events.posted(em, settled.entry);
  }
}

type HeldPart = Pick<Hold, 'holdId' | 'userId' | 'action' | 'amount' | 'requestId' | 'buckets'>;

/** How a settlement found its hold: open (what it holds), released or expired before, or settled already. */
type SettlementClaim = { kind: 'open'; held: HeldPart } | { kind: 'late'; outcome: HoldOutcome } | { kind: 'closed' };

/** What a hold's row says it still holds (a period roll may have expired some of its allowance). */
function heldPartOf(row: TokenHold): HeldPart {
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

/** The entry that gives what a hold still holds back to the buckets it came from. */
function releaseOf(hold: HeldPart & { clientRequestId?: string | null }, reason: string): Posting & { buckets: BucketSplit } {
  return {
    userId: hold.userId,
    type: LedgerEntryType.HoldRelease,
    amount: hold.amount,
    action: hold.action,
    requestId: hold.requestId || null,
    clientRequestId: hold.clientRequestId ?? null,
    metadata: { holdId: hold.holdId, reason },
    buckets: { allowance: -hold.buckets.allowance, credits: -hold.buckets.credits },
  };
}
