import { Inject, Injectable, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { EntityManager } from 'typeorm';
import { TransactionRunner } from '@token-metering/database';
import {
  RefusalReason,
  TokenEvents,
  TokensBatchCommittedEvent,
  TokensChargedEvent,
  TokensPostedEvent,
  TokensRefundedEvent,
  TokensRefusedEvent,
  TokensSeededEvent,
} from '../token-events.js';
import type { TokenLedgerEntry } from '../entities/token-ledger-entry.entity.js';
import type { Charge, ChargeRequest, RefundReason } from './token-ledger.js';
import { TokensError, TokensErrorCode } from '../tokens.errors.js';

const REFUSAL_REASONS: Partial<Record<TokensErrorCode, RefusalReason>> = {
  [TokensErrorCode.INSUFFICIENT_TOKENS]: 'insufficient_tokens',
  [TokensErrorCode.NO_OPENING_TERMS]: 'no_opening_terms',
  [TokensErrorCode.LEDGER_UNAVAILABLE]: 'ledger_unavailable',
};

/**
 * Every event of the ledger, its payload built here from the ledger entry that caused it. Events of
 * a write are emitted once its transaction committed (never for a rolled-back one); a refusal at once.
 */
@Injectable()
export class LedgerEvents {
  constructor(
    @Optional() @Inject(EventEmitter2) private readonly events: EventEmitter2 | undefined,
    private readonly tx: TransactionRunner,
  ) {}

  charged(em: EntityManager, request: ChargeRequest, entry: TokenLedgerEntry, durationMs: number): void {
    this.afterCommit<TokensChargedEvent>(em, TokenEvents.Charged, {
      payerId: entry.payerId,
      action: request.action,
      amount: -entry.amount,
      balanceBefore: entry.balanceAfter - entry.amount,
      balanceAfter: entry.balanceAfter,
      requestId: request.requestId,
      durationMs,
    });
  }

  refunded(em: EntityManager, charge: Charge, entry: TokenLedgerEntry, reason: RefundReason): void {
    this.afterCommit<TokensRefundedEvent>(em, TokenEvents.Refunded, {
      payerId: entry.payerId,
      action: charge.action,
      amount: entry.amount,
      balanceBefore: entry.balanceAfter - entry.amount,
      balanceAfter: entry.balanceAfter,
      requestId: charge.requestId,
      reasonCode: reason.code,
      reason: reason.message,
    });
  }

  batchCommitted(em: EntityManager, batch: TokensBatchCommittedEvent): void {
    this.afterCommit<TokensBatchCommittedEvent>(em, TokenEvents.BatchCommitted, batch);
  }

  seeded(em: EntityManager, entry: TokenLedgerEntry, planCode: string): void {
    this.afterCommit<TokensSeededEvent>(em, TokenEvents.Seeded, {
      payerId: entry.payerId,
      amount: entry.amount,
      planCode,
      balanceAfter: entry.balanceAfter,
    });
  }

  posted(em: EntityManager, entry: TokenLedgerEntry): void {
    this.afterCommit<TokensPostedEvent>(em, TokenEvents.Posted, {
      payerId: entry.payerId,
      type: entry.type,
      amount: entry.amount,
      balanceBefore: entry.balanceAfter - entry.amount,
      balanceAfter: entry.balanceAfter,
      actorId: entry.actorId,
      entryId: entry.id,
    });
  }

  /** A charge refused for a reason listeners count (a short balance, nobody to bill, the database away). */
  refused(request: ChargeRequest, error: TokensError): void {
    const reason = REFUSAL_REASONS[error.code];
    if (!reason) return;
    const balance = typeof error.details.balance === 'number' ? error.details.balance : null;
    this.events?.emit(TokenEvents.Refused, {
      payerId: request.payerId,
      action: request.action,
      required: request.price,
      balance,
      requestId: request.requestId,
      reason,
    } satisfies TokensRefusedEvent);
  }

  private afterCommit<T>(em: EntityManager, event: string, payload: T): void {
    this.tx.afterCommit(em, () => this.events?.emit(event, payload));
  }
}
