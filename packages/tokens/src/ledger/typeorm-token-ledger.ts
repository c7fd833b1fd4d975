import { Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { EntityManager } from 'typeorm';
import { again, done, retrying } from '@token-metering/database';
import { CommitUnconfirmed, DatabaseUnavailable } from '@token-metering/database';
import { AccountPeriods, periodNotCurrent, refusalError } from './account-periods.js';
import { AccountPostings } from './account-postings.js';
import { type QueuedCharge, replayAfterKeyTaken } from './batch-items.js';
import { PostingBatches } from './posting-batches.js';
import { IdempotencyKeys } from '../idempotency/idempotency-keys.js';
import { LedgerEvents } from './ledger-events.js';
import { LedgerHolds } from './ledger-holds.js';
import { LedgerRefunds } from './ledger-refunds.js';
import type { LedgerMetadata, TokenLedgerEntry } from '../entities/token-ledger-entry.entity.js';
import {
  Charge,
  ChargeRequest,
  DebitOrder,
  Hold,
  HoldRequest,
  Posting,
  PriceChanged,
  RefundReason,
  Replay,
  TokenLedger,
  TransactionalPostings,
} from './token-ledger.js';
import { TokensError, TokensErrorCode } from '../tokens.errors.js';

/**
 * The ledger on TypeORM: the charge orchestration (what each outcome of a charge leads to, retries)
 * over the parts that do the work: PostingBatches (charges, refunds, holds, settlements and releases
 * committed together), AccountPostings (the balance statement and its entry), AccountPeriods (seeding
 * and period rolls), LedgerRefunds (refunds and deferred settlements), LedgerHolds (holds),
 * LedgerEvents (every event, built from its ledger entry).
 */
@Injectable()
export class TypeormTokenLedger extends TokenLedger implements TransactionalPostings {
  private readonly logger = new Logger('TokenLedger');

  constructor(
    private readonly batches: PostingBatches,
    private readonly postings: AccountPostings,
    private readonly periods: AccountPeriods,
    private readonly refunds: LedgerRefunds,
    private readonly keys: IdempotencyKeys,
    private readonly events: LedgerEvents,
    private readonly holds: LedgerHolds,
  ) {
    super();
  }

  async charge(request: ChargeRequest): Promise<Charge | Replay | PriceChanged> {
    const queued: QueuedCharge = { kind: 'charge', request, started: performance.now(), entryId: '' };
    try {
      return await retrying(async () => {
        const outcome = await this.batches.charge(queued);
        switch (outcome.kind) {
          case 'charged':
          case 'price_changed':
            return done(outcome);
          case 'period_ended':
            await this.periods.bringUpToDate(request.payerId);
            return again(periodNotCurrent);
          case 'key_taken':
            return replayAfterKeyTaken(this.keys, request.payerId, request.idempotency!);
          default:
            throw refusalError(outcome);
        }
      });
    } catch (error) {
      if (error instanceof CommitUnconfirmed) this.refunds.deferUnconfirmedCharge(request, queued.entryId);
      if (error instanceof DatabaseUnavailable)
        throw this.refused(request, new TokensError(TokensErrorCode.LEDGER_UNAVAILABLE, error.message));
      if (error instanceof TokensError) throw this.refused(request, error);
      throw this.refused(request, this.unrecorded(request, error));
    }
  }

  async completeIdempotent(charge: Charge, responseBody: unknown): Promise<void> {
    if (charge.idempotencyKey) await this.keys.finish(charge.payerId, charge.idempotencyKey, tokensOf(charge), { body: responseBody });
  }

  async completeWithoutAnswer(charge: Charge): Promise<void> {
    if (charge.idempotencyKey) await this.keys.finish(charge.payerId, charge.idempotencyKey, tokensOf(charge));
  }

  async post(em: EntityManager, posting: Posting, options: { requireFunds?: boolean } = {}): Promise<TokenLedgerEntry> {
    const settled = await this.periods.settle(em, posting, { requireFunds: options.requireFunds ?? false, usedDelta: 0 });
    if (settled.kind !== 'posted') throw refusalError(settled);
    this.events.posted(em, settled.entry);
    return settled.entry;
  }

  async collect(em: EntityManager, posting: Posting, order: DebitOrder): Promise<TokenLedgerEntry> {
    const settled = await this.periods.collect(em, posting, { usedDelta: 0 }, { order, recordFullCollection: true });
    if (settled.kind !== 'posted') throw refusalError(settled);
    this.events.posted(em, settled.entry);
    return settled.entry;
  }

  async grantPlanAllowance(
    em: EntityManager,
    posting: Omit<Posting, 'amount' | 'buckets'>,
    monthlyTokens: number,
  ): Promise<TokenLedgerEntry> {
    const settled = await this.periods.settle(
      em,
      { ...posting, amount: 0 },
      { requireFunds: false, usedDelta: 0, movement: { kind: 'plan', monthlyTokens } },
    );
    if (settled.kind !== 'posted') throw refusalError(settled);
    this.events.posted(em, settled.entry);
    return settled.entry;
  }

  ensureAccount(payerId: string): Promise<void> {
    return this.periods.bringUpToDate(payerId);
  }

  ensureAccountIn(em: EntityManager, payerId: string): Promise<void> {
    return this.periods.bringUpToDate(payerId, em);
  }

  rollDuePeriods(limit: number): Promise<number> {
    return this.periods.rollDuePeriods(limit);
  }

  hold(request: HoldRequest): Promise<Hold | Replay> {
    return this.holds.hold(request);
  }

  settleHold(hold: Hold, price: number, metadata: LedgerMetadata): Promise<Charge> {
    return this.holds.settle(hold, price, metadata);
  }

  releaseHold(hold: Hold): Promise<boolean> {
    return this.holds.release(hold);
  }

  releaseExpiredHolds(limit: number): Promise<number> {
    return this.holds.releaseExpired(limit);
  }

  renewRunningHolds(): Promise<number> {
    return this.holds.renewRunning();
  }

  /** A charge the database refused to record: the request must not run (fail closed), 503. */
  private unrecorded(request: ChargeRequest, error: unknown): TokensError {
    this.logger.error(`charge of ${request.price} for ${request.payerId} (${request.action}) not recorded: ${String(error)}`);
    return new TokensError(
      TokensErrorCode.LEDGER_UNAVAILABLE,
      'The token ledger could not record the charge; nothing was charged and the request did not run',
    );
  }

  /** Reports a refused charge to listeners and hands the error back to be thrown. */
  private refused(request: ChargeRequest, error: TokensError): TokensError {
    this.events.refused(request, error);
    return error;
  }

  refund(charge: Charge, reason: RefundReason): Promise<void> {
    return this.refunds.refund(charge, reason);
  }

  openAccount(em: EntityManager, posting: Posting, periodEnd: Date): Promise<TokenLedgerEntry> {
    return this.postings.openAccount(em, posting, periodEnd);
  }
}

/** What a charge reports in its answer's X-Tokens-* headers, kept with its idempotency key for replays. */
function tokensOf(charge: Charge): { tokensCharged: number; tokensRemaining: number } {
  return { tokensCharged: charge.price, tokensRemaining: charge.balanceAfter };
}
