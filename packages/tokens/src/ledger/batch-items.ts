/** What a batch of postings (PostingBatches) takes and what each of its items comes to. */
import { again, type Attempt, done } from '@token-metering/database';
import type { DebitPostings } from './account-debits.js';
import type { Refusal } from './account-periods.js';
import type { AccountDebit } from './account-postings.js';
import { type IdempotencyKeys, inProgress } from '../idempotency/idempotency-keys.js';
import type { HoldOutcome } from '../entities/token-hold.entity.js';
import { LedgerEntryType, type LedgerMetadata } from '../entities/token-ledger-entry.entity.js';
import type {
  Charge,
  ChargeRequest,
  Hold,
  HoldRequest,
  IdempotencyClaim,
  LimitCount,
  LimitReached,
  Posting,
  PriceChanged,
  RefundReason,
  Replay,
} from './token-ledger.js';

/** A charge waiting for its batch; `entryId` is the id its entry has in the latest attempt (for a COMMIT whose answer was lost). */
export interface QueuedCharge {
  kind: 'charge';
  request: ChargeRequest;
  started: number;
  entryId: string;
  /** Set in its batch when its spend limit counted it (SpendLimitPostings). */
  counted?: LimitCount;
}

/** A hold waiting for its batch, with the ids its row and its entry get. */
export interface QueuedHold {
  kind: 'hold';
  request: HoldRequest;
  holdId: string;
  entryId: string;
  /** Set in its batch when its spend limit counted it (SpendLimitPostings). */
  counted?: LimitCount;
}

/** A refund waiting for its batch, with the id its entry has in every attempt (so it is written once). */
export interface QueuedRefund {
  kind: 'refund';
  charge: Charge;
  reason: RefundReason;
  entryId: string;
}

/** A hold closed with the actual price; `entryId` is its usage entry's. */
export interface QueuedSettlement {
  kind: 'settlement';
  hold: Hold;
  price: number;
  metadata: LedgerMetadata;
  started: number;
  entryId: string;
}

/** A hold given back in full (its request failed, or its process stopped renewing it); `entryId` is its release entry's. */
export interface QueuedRelease {
  kind: 'release';
  payerId: string;
  holdId: string;
  /** The key claimed with the hold, when the caller knows it; else the hold's row tells. */
  idempotencyKey?: string;
  outcome: HoldOutcome.Released | HoldOutcome.Expired;
  entryId: string;
  /** The spend limit the hold counted against, and what it counted there: given back with it. */
  limit?: LimitCount & { amount: number };
}

export type Queued = QueuedCharge | QueuedHold | QueuedRefund | QueuedSettlement | QueuedRelease;

/** The items that take from the balance alike (allowance first, refused when short): charges and holds. */
export type QueuedDebit = QueuedCharge | QueuedHold;

export type KeyTaken = { kind: 'key_taken' };

/** Committed, refused, its idempotency key already taken (resolved after the commit), or priced at prices no longer current. */
export type ChargeOutcome = Charge | Refusal | KeyTaken | PriceChanged | LimitReached;
export type HoldingOutcome = Hold | Refusal | KeyTaken | LimitReached;
export type RefundOutcome = { kind: 'refunded' } | Refusal;
/** `closed`: the hold was settled before. */
export type SettlementOutcome = Charge | { kind: 'closed' };
/** `closed`: the hold was settled, released or expired before. */
export type ReleaseOutcome = { kind: 'released' } | { kind: 'closed' };
export type Outcome = ChargeOutcome | HoldingOutcome | RefundOutcome | SettlementOutcome | ReleaseOutcome;

export function isDebit(item: Queued): item is QueuedDebit {
  return item.kind === 'charge' || item.kind === 'hold';
}

export function userIdOf(item: Queued): string {
  switch (item.kind) {
    case 'charge':
    case 'hold':
      return item.request.payerId;
    case 'refund':
      return item.charge.payerId;
    case 'settlement':
      return item.hold.payerId;
    case 'release':
      return item.payerId;
  }
}

/** The Idempotency-Key an item claims in its batch. */
export function claimOf(item: Queued): IdempotencyClaim | undefined {
  return isDebit(item) ? item.request.idempotency : undefined;
}

/** What a debit takes: its posting, and how much of it goes to `held` rather than to the period's use. */
export function debitOf(item: QueuedDebit): { posting: Posting; price: number; held: number } {
  const { payerId, action, requestId, clientRequestId } = item.request;
  if (item.kind === 'charge') {
    const { price, metadata } = item.request;
    const posting: Posting = {
      payerId,
      type: LedgerEntryType.Usage,
      amount: -price,
      action,
      requestId,
      clientRequestId,
      ...(metadata && { metadata }),
    };
    return { posting, price, held: 0 };
  }
  const { amount } = item.request;
  const metadata = { holdId: item.holdId };
  return {
    posting: { payerId, type: LedgerEntryType.Hold, amount: -amount, action, requestId, clientRequestId, metadata },
    price: amount,
    held: amount,
  };
}

/** What debits of one account take in one statement, and their postings (for their entries), in order. */
export function debitsOf(payerId: string, items: QueuedDebit[]): { debit: AccountDebit; postings: DebitPostings } {
  const each = items.map(debitOf);
  return {
    debit: {
      payerId,
      prices: each.map(({ price }) => price),
      usedDelta: each.reduce((sum, { price, held }) => sum + price - held, 0),
      heldDelta: each.reduce((sum, { held }) => sum + held, 0),
    },
    postings: { debits: items.map((item, n) => ({ posting: each[n].posting, entryId: item.entryId })) },
  };
}

/** Whether an item's outcome wrote the entry `entryId` names (what a COMMIT whose answer was lost is checked by). */
export function wroteEntry(item: Queued, outcome: Outcome | undefined): boolean {
  switch (item.kind) {
    case 'charge':
    case 'settlement':
      return outcome?.kind === 'charged';
    case 'hold':
      return outcome?.kind === 'held';
    case 'refund':
      return outcome?.kind === 'refunded' && item.charge.price > 0;
    case 'release':
      return outcome?.kind === 'released';
  }
}

/**
 * After a batch found an item's Idempotency-Key taken: the first request's answer to replay, or
 * another attempt when the key was freed meanwhile (its request failed, or it expired and was removed).
 */
export async function replayAfterKeyTaken(keys: IdempotencyKeys, payerId: string, claim: IdempotencyClaim): Promise<Attempt<Replay>> {
  const taken = await keys.resolveTaken(payerId, claim);
  if (taken.kind === 'free') return again(inProgress);
  const { tokensCharged, tokensRemaining, responseBody } = taken.first;
  return done({ kind: 'replay', tokensCharged: tokensCharged ?? 0, tokensRemaining: tokensRemaining ?? 0, responseBody });
}

/** What an account's postings take in one statement (AccountDebits), with the batch indexes of its items. */
export interface Plan {
  indexes: number[];
  debit: AccountDebit;
  postings: DebitPostings;
}

/** Indexes of `items`, ordered by `key` (stable). */
export function sortedIndexes<T>(items: T[], key: (item: T) => string): number[] {
  const keys = items.map(key);
  return items.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
}
