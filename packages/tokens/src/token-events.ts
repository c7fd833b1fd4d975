/**
 * Events the tokens module emits (through @nestjs/event-emitter) after the change they describe
 * has committed. Logging, metrics and low-balance notifications listen to these; none of them
 * can slow down or fail a charge.
 */
export const TokenEvents = {
  /** A metered request was charged. */
  Charged: 'tokens.charged',
  /** A charge was given back because its handler failed. */
  Refunded: 'tokens.refunded',
  /** A missing account was opened with the account policy's opening terms. */
  Seeded: 'tokens.seeded',
  /** A metered request was refused: short of tokens, no account to charge, or the ledger was down. */
  Refused: 'tokens.refused',
  /** Any other ledger entry: admin grant/deduct, plan change, period grant, expiry, purchase. */
  Posted: 'tokens.posted',
  /** A refund, or the check of a charge whose COMMIT went unanswered, waits for the database. */
  PostingDeferred: 'tokens.posting_deferred',
  /** A deferred posting was written (or found unnecessary), or abandoned at shutdown. */
  PostingEnded: 'tokens.posting_ended',
  /** A batch of charges committed in one transaction (group commit). */
  BatchCommitted: 'tokens.batch_committed',
} as const;

export interface TokensChargedEvent {
  payerId: string;
  action: string;
  amount: number;
  balanceBefore: number;
  balanceAfter: number;
  requestId: string;
  /** From the start of the charge to its commit. */
  durationMs: number;
}

export interface TokensRefundedEvent {
  payerId: string;
  action: string;
  amount: number;
  balanceBefore: number;
  balanceAfter: number;
  requestId: string;
  /** The stable code recorded on the refund entry (e.g. SERVICE_FAILED). */
  reasonCode: string;
  /** What went wrong, for the log only: never stored in the ledger. */
  reason: string;
}

export interface TokensSeededEvent {
  payerId: string;
  amount: number;
  planCode: string;
  balanceAfter: number;
}

export type RefusalReason = 'insufficient_tokens' | 'no_opening_terms' | 'ledger_unavailable';

export interface TokensRefusedEvent {
  payerId: string;
  action: string;
  required: number;
  /** The balance when refused; null when unknown (no account, database down). */
  balance: number | null;
  requestId: string;
  reason: RefusalReason;
}

export interface TokensPostedEvent {
  payerId: string;
  type: string;
  amount: number;
  balanceBefore: number;
  balanceAfter: number;
  actorId: string | null;
  entryId: string;
}

/**
 * refund: the refund of a failed request. unconfirmed_charge: a charge whose COMMIT went
 * unanswered; it is refunded if it turns out to have committed. settlement, release: the closing of a
 * hold its request settled (at the actual price) or released, when the database could not take it.
 */
export type DeferredPostingKind = 'refund' | 'unconfirmed_charge' | 'settlement' | 'release';

export interface TokensPostingDeferredEvent {
  kind: DeferredPostingKind;
  payerId: string;
  action: string;
  /** Tokens the posting moves: given back (refund, unconfirmed charge, release) or charged (settlement). */
  amount: number;
  requestId: string;
}

export interface TokensPostingEndedEvent extends TokensPostingDeferredEvent {
  outcome: 'settled' | 'abandoned';
  attempts: number;
}

export interface TokensBatchCommittedEvent {
  /** Charges in the batch, refused ones included. */
  charges: number;
  /** Of them, charged. */
  charged: number;
  /** Accounts the batch touched. */
  accounts: number;
}
