import type { EntityManager } from 'typeorm';
import type { LedgerEntryType, LedgerMetadata, TokenLedgerEntry } from '../entities/token-ledger-entry.entity.js';

export interface IdempotencyClaim {
  key: string;
  requestHash: string;
}

export interface ChargeRequest {
  payerId: string;
  action: string;
  price: number;
  /** The server's id of the request. */
  requestId: string;
  /** The caller's own X-Request-Id, kept beside the server's. */
  clientRequestId?: string | null;
  idempotency?: IdempotencyClaim;
  /** What the charge's `usage` entry records beside it (e.g. a model and its token counts). */
  metadata?: LedgerMetadata;
  /**
   * The revision of the prices `price` was computed at (TokenPrices.quote). The charge checks it in
   * its own transaction and answers `price_changed`, charging nothing, when the prices moved since.
   */
  priceRevision?: number;
  /** The spend limit the charge also counts against (e.g. its API key's); refused when it would pass it. */
  limitId?: string;
}

/** A debit counted against a spend limit: which, and when (the period it counts in). */
export interface LimitCount {
  limitId: string;
  countedAt: Date;
}

/** A debit that would pass its spend limit: nothing was taken. `resetsAt` is null for a limit of all time. */
export interface LimitReached {
  kind: 'limit_reached';
  limit: number;
  spent: number;
  required: number;
  resetsAt: Date | null;
}

/** The prices changed after the price was computed: nothing was charged; price the request again. */
export interface PriceChanged {
  kind: 'price_changed';
}

/** Why a charge is given back: `code` goes on the refund entry, `message` only to the log. */
export interface RefundReason {
  code: string;
  message: string;
}

/** Which bucket a debit takes from first. */
export type DebitOrder = 'allowance_first' | 'credits_first';

/** What a posting moved in each bucket (signed); their sum is the posting's amount. */
export interface BucketSplit {
  allowance: number;
  credits: number;
}

/** A committed charge: what the interceptor needs to report it, or to refund it. */
export interface Charge {
  kind: 'charged';
  payerId: string;
  action: string;
  price: number;
  balanceAfter: number;
  entryId: string | null;
  /** What the charge took from each bucket (negative); a refund gives exactly this back. */
  buckets: BucketSplit;
  requestId: string;
  clientRequestId?: string | null;
  idempotencyKey?: string;
  /** The spend limit it counted against: its refund gives it back there. */
  limit?: LimitCount;
}

/** The charge a committed usage entry records: what the interceptor needs to report it, or to refund it. */
export function chargeOf(
  request: ChargeRequest,
  entry: { id: string; balanceAfter: number; allowanceAmount: number; creditsAmount: number },
): Charge {
  const { payerId, action, price, requestId, clientRequestId, idempotency } = request;
  return {
    kind: 'charged',
    payerId,
    action,
    price,
    balanceAfter: entry.balanceAfter,
    entryId: entry.id,
    buckets: { allowance: entry.allowanceAmount, credits: entry.creditsAmount },
    requestId,
    clientRequestId,
    idempotencyKey: idempotency?.key,
  };
}

/** A request whose price is known only after it ran reserves `amount` (the most it can cost) first. */
export interface HoldRequest {
  payerId: string;
  action: string;
  amount: number;
  requestId: string;
  clientRequestId?: string | null;
  /** Claimed with the hold: a key already used answers its first answer (a Replay) instead of holding. */
  idempotency?: IdempotencyClaim;
  /** The spend limit the hold counts against in full while open (see ChargeRequest.limitId). */
  limitId?: string;
}

/** An open hold: `amount` is out of the balance (and in `held`) until it is settled or released. */
export interface Hold {
  kind: 'held';
  holdId: string;
  payerId: string;
  action: string;
  amount: number;
  balanceAfter: number;
  /** What the hold took from each bucket (negative); its release gives exactly this back. */
  buckets: BucketSplit;
  requestId: string;
  clientRequestId?: string | null;
  /** The Idempotency-Key claimed with the hold: freed by its release, closed with the answer after its settlement. */
  idempotencyKey?: string;
  /** The spend limit it counted against: its settlement moves it to the price, its release gives it back. */
  limit?: LimitCount;
}

/** The key was used before for the same request and finished: its first answer is replayed, with its X-Tokens-* values. */
export interface Replay {
  kind: 'replay';
  tokensCharged: number;
  tokensRemaining: number;
  /** The first answer's body, as JSON. */
  responseBody: string | null;
}

export interface Posting {
  payerId: string;
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
 * The writer of token balances for metered requests, in plain values: nothing here takes or returns
 * an ORM type, so the storage strategy (e.g. group commit of many charges in one transaction, or the
 * in-memory ledger of the module's own specs) can change behind it. Every implementation changes a
 * balance with one conditional step and records the matching ledger entry with it.
 */
export abstract class TokenLedger {
  /** Charges `price` (seeding a missing account first); 402 when the balance is short. */
  abstract charge(request: ChargeRequest): Promise<Charge | Replay | PriceChanged>;

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

  /** Brings an account up to date in a transaction of its own: seeds it if missing, rolls an ended period. */
  abstract ensureAccount(payerId: string): Promise<void>;

  /**
   * Takes `amount` out of the balance into `held` (seeding a missing account first); 402 when the
   * balance is short. With an Idempotency-Key that finished before: its first answer, nothing held.
   */
  abstract hold(request: HoldRequest): Promise<Hold | Replay>;

  /**
   * Closes a hold with the actual price: what it holds given back and a `usage` entry of `price`, in
   * one transaction. What the hold and the balance do not cover is owed (`metadata.uncollected`). A
   * hold released or expired before is charged all the same; 409 HOLD_CLOSED when it was settled before.
   */
  abstract settleHold(hold: Hold, price: number, metadata: LedgerMetadata): Promise<Charge>;

  /** Gives a hold back in full; false when it was already closed. */
  abstract releaseHold(hold: Hold): Promise<boolean>;

  /** Releases up to `limit` holds older than the hold TTL (their process died); returns how many. */
  abstract releaseExpiredHolds(limit: number): Promise<number>;

  /** Keeps the holds of this process's running requests from expiring (a TTL from now); returns how many. */
  abstract renewRunningHolds(): Promise<number>;

  /** Rolls the period of up to `limit` accounts whose period has ended; returns how many it rolled. */
  abstract rollDuePeriods(limit: number): Promise<number>;
}

/**
 * Postings that must commit or roll back with the caller's own TypeORM transaction (a registration,
 * a purchase, a plan change, an admin's idempotent write): explicitly bound to TypeORM.
 */
export abstract class TransactionalPostings {
  /**
   * Appends an entry inside the caller's transaction. With `requireFunds`, a negative amount
   * larger than the balance is refused with 402 and nothing changes.
   */
  abstract post(em: EntityManager, posting: Posting, options?: { requireFunds?: boolean }): Promise<TokenLedgerEntry>;

  /**
   * A debit that is never refused for a short balance, inside the caller's transaction: takes what the
   * balance has (from `order`'s bucket first), and the rest becomes `owed`, recorded on the entry as
   * `metadata.uncollected` (always, even 0).
   */
  abstract collect(em: EntityManager, posting: Posting, order: DebitOrder): Promise<TokenLedgerEntry>;

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

  /** Seeds a missing account and rolls an ended period, inside the caller's transaction. */
  abstract ensureAccountIn(em: EntityManager, payerId: string): Promise<void>;
}
