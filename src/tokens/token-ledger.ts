import type { EntityManager } from 'typeorm';
import type { IdempotencyKey } from './idempotency-key.entity.js';
import type { LedgerEntryType, LedgerMetadata, TokenLedgerEntry } from './token-ledger-entry.entity.js';

export interface IdempotencyClaim {
  key: string;
  requestHash: string;
}

export interface ChargeRequest {
  userId: string;
  action: string;
  cost: number;
  /** The server's id of the request. */
  requestId: string;
  /** The caller's own X-Request-Id, kept beside the server's. */
  clientRequestId?: string | null;
  idempotency?: IdempotencyClaim;
}

/** Why a charge is given back: `code` goes on the refund entry, `message` only to the log. */
export interface RefundReason {
  code: string;
  message: string;
}

/** What a posting moved in each bucket (signed); their sum is the posting's amount. */
export interface BucketSplit {
  allowance: number;
  credits: number;
}

/** A committed charge: what the interceptor needs to report it, or to refund it. */
export interface Charge {
  kind: 'charged';
  userId: string;
  action: string;
  cost: number;
  balanceAfter: number;
  entryId: string | null;
  /** What the charge took from each bucket (negative); a refund gives exactly this back. */
  buckets: BucketSplit;
  requestId: string;
  clientRequestId?: string | null;
  idempotencyKey?: string;
}

/** The key was used before for the same request and finished: its first answer is replayed. */
export interface Replay {
  kind: 'replay';
  record: IdempotencyKey;
}

export interface Posting {
  userId: string;
  type: LedgerEntryType;
  /** Signed change of the balance. */
  amount: number;
  action?: string | null;
  requestId?: string | null;
  clientRequestId?: string | null;
  actorId?: string | null;
  metadata?: LedgerMetadata | null;
  /**
   * The buckets it moves. Without it, the type decides: purchases and admin grants add credits,
   * other grants add allowance, debits take the allowance first, then credits.
   */
  buckets?: BucketSplit;
}

/**
 * The only writer of token balances. Every method changes a balance with one conditional
 * statement and appends the matching ledger row in the same transaction. Guards, interceptors
 * and other modules go through this port, so the storage strategy (e.g. group commit of many
 * charges in one transaction) can change behind it.
 */
export abstract class TokenLedger {
  /** Charges `cost` (seeding a missing account first); 402 when the balance is short. */
  abstract charge(request: ChargeRequest): Promise<Charge | Replay>;

  /**
   * Gives a charge back with a compensating `refund` row and frees its idempotency key. When the
   * database cannot take it (503 LEDGER_UNAVAILABLE), the refund is also retried in the
   * background until it can.
   */
  abstract refund(charge: Charge, reason: RefundReason): Promise<void>;

  /** Stores the answer of a successful idempotent request for replays. */
  abstract completeIdempotent(charge: Charge, responseBody: unknown): Promise<void>;

  /**
   * Closes the key of a successful idempotent request whose answer could not be stored: a retry
   * gets 409 IDEMPOTENCY_ANSWER_UNAVAILABLE, neither runs nor charges. Leaves a stored answer alone.
   */
  abstract completeWithoutAnswer(charge: Charge): Promise<void>;

  /**
   * Appends an entry inside the caller's transaction. With `requireFunds`, a negative amount
   * larger than the balance is refused with 402 and nothing changes.
   */
  abstract post(em: EntityManager, posting: Posting, options?: { requireFunds?: boolean }): Promise<TokenLedgerEntry>;

  /**
   * A plan change, inside the caller's transaction: raises this period's allowance to the plan's
   * `monthlyTokens` by what they exceed the highest allowance already granted this period (an
   * `amount` of 0 when they do not, e.g. a downgrade), so a period's plan tokens are granted once.
   */
  abstract grantPlanAllowance(
    em: EntityManager,
    posting: Omit<Posting, 'amount' | 'buckets'>,
    monthlyTokens: number,
  ): Promise<TokenLedgerEntry>;

  /** Creates the account of a new user with its first entry, inside the caller's transaction. */
  abstract openAccount(em: EntityManager, posting: Posting, periodEnd: Date): Promise<TokenLedgerEntry>;

  /**
   * Brings an account up to date: seeds it from the active subscription if it is missing and
   * rolls its period if it has ended. A no-op for a current account. With `em`, inside that
   * transaction; otherwise in one of its own.
   */
  abstract ensureAccount(userId: string, em?: EntityManager): Promise<void>;

  /** Rolls the period of up to `limit` accounts whose period has ended; returns how many it rolled. */
  abstract rollDuePeriods(limit: number): Promise<number>;
}
