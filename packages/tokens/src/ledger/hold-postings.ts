import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock, execute, insertEntities } from '@token-metering/database';
import { AccountPeriods, type Refusal, refusalError } from './account-periods.js';
import { IdempotencyKeys } from '../idempotency/idempotency-keys.js';
import { LedgerEvents } from './ledger-events.js';
import { debitOf, type QueuedHold, type QueuedRelease, type ReleaseOutcome } from './batch-items.js';
import { HoldOutcome, TokenHold } from '../entities/token-hold.entity.js';
import { LedgerEntryType, type TokenLedgerEntry } from '../entities/token-ledger-entry.entity.js';
import type { BucketSplit, Hold, Posting } from './token-ledger.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from '../tokens-module-options.js';

export const DEFAULT_HOLD_TTL_SECONDS = 900;

/**
 * The statements of holds, inside a batch's transaction (PostingBatches): a hold is a debit like a
 * charge (the same conditional statement, so parallel requests whose holds exceed the balance do not
 * all start) plus its `token_holds` row; a release gives it back in full (settlements:
 * SettlementPostings). A hold is closed exactly once: its row is claimed by a conditional UPDATE,
 * whoever closes it (settlement, release or expiry).
 */
@Injectable()
export class HoldPostings {
  constructor(
    private readonly clock: Clock,
    private readonly periods: AccountPeriods,
    private readonly events: LedgerEvents,
    private readonly keys: IdempotencyKeys,
    @Inject(TOKENS_MODULE_OPTIONS) private readonly options: TokensModuleOptions,
  ) {}

  /** The hold a committed debit entry made, and its row (for `insertRows`, before anything else touches the account). */
  held(em: EntityManager, { request, holdId, counted }: QueuedHold, entry: TokenLedgerEntry, now: Date): { hold: Hold; row: TokenHold } {
    this.events.posted(em, entry);
    const { payerId, action, amount, requestId, clientRequestId, idempotency } = request;
    const buckets = { allowance: entry.allowanceAmount, credits: entry.creditsAmount };
    const row = Object.assign(new TokenHold(), {
      id: holdId,
      payerId,
      action,
      amount,
      allowanceAmount: buckets.allowance,
      creditsAmount: buckets.credits,
      requestId,
      idempotencyKey: idempotency?.key ?? null,
      limitId: counted?.limitId ?? null,
      createdAt: now,
      expiresAt: this.expiryFrom(now),
      closedAt: null,
      outcome: null,
    });
    const hold: Hold = {
      kind: 'held',
      holdId,
      payerId,
      action,
      amount,
      balanceAfter: entry.balanceAfter,
      buckets,
      requestId,
      clientRequestId,
      ...(idempotency ? { idempotencyKey: idempotency.key } : {}),
      ...(counted && { limit: counted }),
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

  /** Gives the hold back in full and frees its Idempotency-Key (a retry runs anew); `closed` when it was closed before. */
  async releaseIn(em: EntityManager, { holdId, idempotencyKey, outcome, entryId }: QueuedRelease): Promise<ReleaseOutcome> {
    const row = await em.findOneBy(TokenHold, { id: holdId });
    if (!row || !(await this.claim(em, row.id, outcome))) return { kind: 'closed' };
    // An expired hold's request never answered: its key is freed too, so a retry runs anew.
    const key = idempotencyKey ?? row.idempotencyKey;
    if (key) await this.keys.release(em, row.payerId, key);
    await this.postRelease(em, { ...releaseOf(heldPartOf(row), outcome), entryId }, -row.amount);
    return { kind: 'released' };
  }

  expiryFrom(now: Date): Date {
    return new Date(now.getTime() + (this.options.holdTtlSeconds ?? DEFAULT_HOLD_TTL_SECONDS) * 1000);
  }

  /** Closes a hold once: only the first claim of an open hold matches its row. */
  async claim(em: EntityManager, holdId: string, outcome: HoldOutcome): Promise<boolean> {
    const claimed = await execute(em, 'UPDATE token_holds SET closed_at = ?, outcome = ? WHERE id = ? AND closed_at IS NULL', [
      this.clock.now(),
      outcome,
      holdId,
    ]);
    return claimed === 1;
  }

  /** Posts a release (never refused: it brings tokens back), taking `heldDelta` off `held`. */
  async postRelease(em: EntityManager, { entryId, ...release }: Posting & { entryId?: string }, heldDelta: number): Promise<void> {
    const settled = await this.periods.settle(em, release, { requireFunds: false, usedDelta: 0, heldDelta, entryId });
    // Never for an account that holds: a broken ledger fails the batch.
    if (settled.kind !== 'posted') throw refusalError(settled);
    this.events.posted(em, settled.entry);
  }
}

export type HeldPart = Pick<Hold, 'holdId' | 'payerId' | 'action' | 'amount' | 'requestId' | 'buckets'>;

/** What a hold's row says it still holds (a period roll may have expired some of its allowance). */
export function heldPartOf(row: TokenHold): HeldPart {
  const { id, payerId, action, amount, requestId, allowanceAmount, creditsAmount } = row;
  return {
    holdId: id,
    payerId,
    action,
    amount,
    requestId: requestId ?? '',
    buckets: { allowance: allowanceAmount, credits: creditsAmount },
  };
}

/** The entry that gives what a hold still holds back to the buckets it came from. */
export function releaseOf(hold: HeldPart & { clientRequestId?: string | null }, reason: string): Posting & { buckets: BucketSplit } {
  return {
    payerId: hold.payerId,
    type: LedgerEntryType.HoldRelease,
    amount: hold.amount,
    action: hold.action,
    requestId: hold.requestId || null,
    clientRequestId: hold.clientRequestId ?? null,
    metadata: { holdId: hold.holdId, reason },
    buckets: { allowance: -hold.buckets.allowance, credits: -hold.buckets.credits },
  };
}
