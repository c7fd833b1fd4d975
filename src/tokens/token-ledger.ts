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
  requestId: string;
  idempotency?: IdempotencyClaim;
}

/** A committed charge: what the interceptor needs to report it, or to refund it. */
export interface Charge {
  kind: 'charged';
  userId: string;
  action: string;
  cost: number;
  balanceAfter: number;
  entryId: string | null;
  requestId: string;
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
  actorId?: string | null;
  metadata?: LedgerMetadata | null;
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
  abstract refund(charge: Charge, reason: string): Promise<void>;

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

  /** Creates the account of a new user with its first entry, inside the caller's transaction. */
  abstract openAccount(em: EntityManager, posting: Posting, periodEnd: Date): Promise<TokenLedgerEntry>;

  /**
   * Brings an account up to date: seeds it from the active subscription if it is missing and
   * rolls its period if it has ended. A no-op for a current account.
   */
  abstract ensureAccount(userId: string): Promise<void>;

  /** Rolls the period of up to `limit` accounts whose period has ended; returns how many it rolled. */
  abstract rollDuePeriods(limit: number): Promise<number>;
}
