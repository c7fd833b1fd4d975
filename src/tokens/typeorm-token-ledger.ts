import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { execute, isCheckViolation, isUniqueViolation } from '../database/sql.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { SubscriptionsService } from '../subscriptions/subscriptions.service.js';
import { IdempotencyKey, IdempotencyStatus } from './idempotency-key.entity.js';
import { TokenAccount } from './token-account.entity.js';
import { LedgerEntryType, TokenLedgerEntry } from './token-ledger-entry.entity.js';
import { Charge, ChargeRequest, Posting, Replay, TokenLedger } from './token-ledger.js';

const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** Raised inside the charge transaction when the idempotency key already exists; resolved after rollback. */
class IdempotencyKeyTaken extends Error {}

export function insufficientTokens(balance: number, required: number): AppError {
  return new AppError(ErrorCode.INSUFFICIENT_TOKENS, `Insufficient tokens: this request costs ${required}, the balance is ${balance}`, {
    balance,
    required,
  });
}

@Injectable()
export class TypeormTokenLedger extends TokenLedger {
  private readonly logger = new Logger('TokenLedger');

  constructor(
    private readonly tx: TransactionRunner,
    private readonly subscriptions: SubscriptionsService,
    private readonly clock: Clock,
  ) {
    super();
  }

  async charge(request: ChargeRequest): Promise<Charge | Replay> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.tx.run((em) => this.chargeIn(em, request));
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (!(error instanceof IdempotencyKeyTaken)) throw this.unrecorded(request, error);
        const outcome = await this.resolveTakenKey(request);
        // An expired key was removed: the request runs as new, once.
        if (outcome === 'retry' && attempt === 0) continue;
        if (outcome === 'retry') throw new AppError(ErrorCode.IDEMPOTENCY_IN_PROGRESS, 'A request with this Idempotency-Key is in progress');
        return outcome;
      }
    }
  }

  /** A charge the database refused to record: the request must not run (fail closed), 503. */
  private unrecorded(request: ChargeRequest, error: unknown): AppError {
    this.logger.error(JSON.stringify({ event: 'charge_failed', userId: request.userId, action: request.action, amount: request.cost, requestId: request.requestId, error: String(error) }));
    return new AppError(ErrorCode.LEDGER_UNAVAILABLE, 'The token ledger could not record the charge; nothing was charged and the request did not run');
  }

  async refund(charge: Charge, reason: string): Promise<void> {
    await this.tx.run(async (em) => {
      if (charge.cost > 0) {
        await this.apply(
          em,
          {
            userId: charge.userId,
            type: LedgerEntryType.Refund,
            amount: charge.cost,
            action: charge.action,
            requestId: charge.requestId,
            metadata: { refundOf: charge.entryId, reason },
          },
          { requireFunds: false, usedDelta: -charge.cost },
        );
      }
      if (charge.idempotencyKey) await em.delete(IdempotencyKey, { userId: charge.userId, key: charge.idempotencyKey });
    });
  }

  async completeIdempotent(charge: Charge, responseBody: unknown): Promise<void> {
    if (!charge.idempotencyKey) return;
    await this.tx.run((em) =>
      em.update(
        IdempotencyKey,
        { userId: charge.userId, key: charge.idempotencyKey },
        {
          status: IdempotencyStatus.Completed,
          responseBody: JSON.stringify(responseBody ?? null),
          tokensCharged: charge.cost,
          tokensRemaining: charge.balanceAfter,
        },
      ),
    );
  }

  async post(em: EntityManager, posting: Posting, options: { requireFunds?: boolean } = {}): Promise<TokenLedgerEntry> {
    const requireFunds = options.requireFunds ?? false;
    let entry = await this.apply(em, posting, { requireFunds, usedDelta: 0 });
    if (!entry && (await this.seedIfMissing(em, posting.userId))) {
      entry = await this.apply(em, posting, { requireFunds, usedDelta: 0 });
    }
    if (entry) return entry;
    const balance = await this.balanceOf(em, posting.userId);
    if (balance === null) throw noBillableAccount();
    throw insufficientTokens(balance, -posting.amount);
  }

  async openAccount(em: EntityManager, posting: Posting): Promise<TokenLedgerEntry> {
    const now = this.clock.now();
    await em.insert(TokenAccount, { userId: posting.userId, balance: posting.amount, usedThisPeriod: 0, ledgerSeq: 1, updatedAt: now });
    return this.appendEntry(em, posting, 1, posting.amount, now);
  }

  async ensureAccount(userId: string): Promise<void> {
    if ((await this.balanceOf(this.tx.manager, userId)) !== null) return;
    await this.tx.run((em) => this.seedIfMissing(em, userId));
  }

  private async chargeIn(em: EntityManager, request: ChargeRequest): Promise<Charge> {
    const { userId, action, cost, requestId, idempotency } = request;
    if (idempotency) await this.claimKey(em, userId, idempotency.key, idempotency.requestHash);
    const posting: Posting = { userId, type: LedgerEntryType.Usage, amount: -cost, action, requestId };

    let entry = await this.apply(em, posting, { requireFunds: true, usedDelta: cost });
    if (!entry) {
      const seeded = await this.seedIfMissing(em, userId);
      if (seeded) entry = await this.apply(em, posting, { requireFunds: true, usedDelta: cost });
      if (!entry) {
        const balance = await this.balanceOf(em, userId);
        if (balance === null) throw noBillableAccount();
        throw insufficientTokens(balance, cost);
      }
    }
    return { kind: 'charged', userId, action, cost, balanceAfter: entry.balanceAfter, entryId: entry.id, requestId, idempotencyKey: idempotency?.key };
  }

  /**
   * The single place a balance changes: one conditional UPDATE whose affected-row count is
   * checked, then the ledger row carrying the balance it produced. Returns null when no row
   * matched (account missing, or short of funds with `requireFunds`).
   */
  private async apply(
    em: EntityManager,
    posting: Posting,
    options: { requireFunds: boolean; usedDelta: number },
  ): Promise<TokenLedgerEntry | null> {
    const now = this.clock.now();
    const guard = options.requireFunds && posting.amount < 0 ? ' AND balance >= ?' : '';
    const parameters: unknown[] = [posting.amount, options.usedDelta, now, posting.userId];
    if (guard) parameters.push(-posting.amount);
    let changed: number;
    try {
      changed = await execute(
        em,
        `UPDATE token_accounts
            SET balance = balance + ?, used_this_period = used_this_period + ?, ledger_seq = ledger_seq + 1, updated_at = ?
          WHERE user_id = ?${guard}`,
        parameters,
      );
    } catch (error) {
      // The CHECK (balance >= 0) constraint is the last line of defence against an overdraft.
      if (isCheckViolation(error)) return null;
      throw error;
    }
    if (changed === 0) return null;
    const account = await em.findOneByOrFail(TokenAccount, { userId: posting.userId });
    return this.appendEntry(em, posting, account.ledgerSeq, account.balance, now);
  }

  private async appendEntry(em: EntityManager, posting: Posting, seq: number, balanceAfter: number, now: Date): Promise<TokenLedgerEntry> {
    const entry = em.create(TokenLedgerEntry, {
      id: randomUUID(),
      userId: posting.userId,
      seq,
      type: posting.type,
      action: posting.action ?? null,
      amount: posting.amount,
      balanceAfter,
      requestId: posting.requestId ?? null,
      actorId: posting.actorId ?? null,
      metadata: posting.metadata ?? null,
      createdAt: now,
    });
    await em.insert(TokenLedgerEntry, entry);
    return entry;
  }

  /**
   * Creates a missing account from the active subscription's limit, with its initial_grant row.
   * The insert ignores an existing row, so concurrent first requests seed once. A zero balance
   * is an existing account and is never re-seeded. Returns true when the account exists afterwards.
   */
  private async seedIfMissing(em: EntityManager, userId: string): Promise<boolean> {
    if ((await this.balanceOf(em, userId)) !== null) return true;
    const subscription = await this.subscriptions.findActive(userId, em);
    if (!subscription) return false;
    const now = this.clock.now();
    const ignore = this.tx.isMysql ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    const inserted = await execute(
      em,
      `${ignore} INTO token_accounts (user_id, balance, used_this_period, ledger_seq, updated_at) VALUES (?, ?, 0, 1, ?)`,
      [userId, subscription.tokensLimit, now],
    );
    if (inserted === 1) {
      const posting = { userId, type: LedgerEntryType.InitialGrant, amount: subscription.tokensLimit, metadata: { seededFrom: 'subscription', planCode: subscription.planCode } };
      await this.appendEntry(em, posting, 1, subscription.tokensLimit, now);
      this.logger.log(JSON.stringify({ event: 'account_seeded', userId, balance: subscription.tokensLimit, planCode: subscription.planCode }));
    }
    return true;
  }

  private async balanceOf(em: EntityManager, userId: string): Promise<number | null> {
    const account = await em.findOneBy(TokenAccount, { userId });
    return account?.balance ?? null;
  }

  private async claimKey(em: EntityManager, userId: string, key: string, requestHash: string): Promise<void> {
    const now = this.clock.now();
    try {
      await em.insert(IdempotencyKey, {
        userId,
        key,
        requestHash,
        status: IdempotencyStatus.InProgress,
        createdAt: now,
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new IdempotencyKeyTaken();
      throw error;
    }
  }

  /** Decides what a request whose idempotency key already exists gets. */
  private async resolveTakenKey(request: ChargeRequest): Promise<Replay | 'retry'> {
    const { userId } = request;
    const { key, requestHash } = request.idempotency!;
    const existing = await this.tx.run((em) => em.findOneBy(IdempotencyKey, { userId, key }));
    if (!existing) return 'retry'; // released by a failed first attempt meanwhile
    if (existing.expiresAt.getTime() <= this.clock.now().getTime()) {
      await this.tx.run((em) => em.delete(IdempotencyKey, { userId, key, expiresAt: existing.expiresAt }));
      return 'retry';
    }
    if (existing.requestHash !== requestHash) {
      throw new AppError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'This Idempotency-Key was used with a different request');
    }
    if (existing.status !== IdempotencyStatus.Completed) {
      throw new AppError(ErrorCode.IDEMPOTENCY_IN_PROGRESS, 'A request with this Idempotency-Key is in progress');
    }
    return { kind: 'replay', record: existing };
  }
}

function noBillableAccount(): AppError {
  return new AppError(ErrorCode.NO_ACTIVE_SUBSCRIPTION, 'No token account and no active subscription to seed one from; the request was not served');
}
