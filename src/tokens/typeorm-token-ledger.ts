import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { EntityManager, LessThanOrEqual } from 'typeorm';
import { TokensError, TokensErrorCode } from './tokens.errors.js';
import { Clock } from '../common/clock.js';
import { execute, isCheckViolation } from '../database/sql.js';
import { CommitCheck, CommitUnconfirmed, DatabaseUnavailable, TransactionRunner } from '../database/transaction-runner.js';
import { AccountPolicy } from './account-policy.js';
import { IdempotencyKeys, IdempotencyKeyTaken, inProgress } from './idempotency-keys.js';
import { SettlementRetries } from './settlement-retries.js';
import { TokenAccount } from './token-account.entity.js';
import {
  RefusalReason,
  TokenEvents,
  TokensChargedEvent,
  TokensPostedEvent,
  TokensRefundedEvent,
  TokensRefusedEvent,
  TokensSeededEvent,
} from './token-events.js';
import { LedgerEntryType, TokenLedgerEntry } from './token-ledger-entry.entity.js';
import { BucketSplit, Charge, ChargeRequest, Posting, RefundReason, Replay, TokenLedger, TransactionalPostings } from './token-ledger.js';

const UNCONFIRMED_CHARGE: RefundReason = {
  code: 'CHARGE_UNCONFIRMED',
  message: 'the charge could not be confirmed; the request was answered 503 and did not run',
};
/** Enough for an account idle for a century; stops a runaway loop on a corrupt period. */
const MAX_PERIODS_PER_ROLL = 1200;

/**
 * Raised inside the charge transaction when the account's period has ended. The period is rolled
 * in a transaction of its own, so a charge refused afterwards does not undo the roll.
 */
class PeriodEnded extends Error {}

export function insufficientTokens(balance: number, required: number): TokensError {
  return new TokensError(
    TokensErrorCode.INSUFFICIENT_TOKENS,
    `Insufficient tokens: this request costs ${required}, the balance is ${balance}`,
    {
      balance,
      required,
    },
  );
}

/** Entry types that add to the credits bucket (never expire); every other grant adds to the allowance. */
const CREDIT_TYPES: ReadonlySet<LedgerEntryType> = new Set([LedgerEntryType.Purchase, LedgerEntryType.AdminGrant]);

/** How one balance statement moves the two buckets. */
type Movement =
  /** A known amount in each bucket. */
  | { kind: 'split'; split: BucketSplit }
  /** `cost` taken from the allowance first, then from credits. */
  | { kind: 'debit'; cost: number }
  /** The period's allowance raised to a plan's monthly tokens, by what they exceed what was granted. */
  | { kind: 'plan'; monthlyTokens: number };

/** The movement a posting makes: its explicit buckets, else what its type and sign imply. */
function movementOf(posting: Posting): Movement {
  if (posting.buckets) return { kind: 'split', split: posting.buckets };
  if (posting.amount < 0) return { kind: 'debit', cost: -posting.amount };
  const toCredits = CREDIT_TYPES.has(posting.type);
  return { kind: 'split', split: { allowance: toCredits ? 0 : posting.amount, credits: toCredits ? posting.amount : 0 } };
}

/**
 * The SET clauses of a movement. MySQL and MariaDB assign left to right, each seeing the columns
 * already assigned, while SQLite sees the old row: so every expression reads only columns that are
 * assigned after it (allowance and period_allowance_granted come last).
 */
function assignmentsOf(movement: Movement): { sql: string; parameters: number[] } {
  switch (movement.kind) {
    case 'split': {
      const { allowance, credits } = movement.split;
      return {
        sql: 'balance = balance + ?, credits = credits + ?, allowance = allowance + ?',
        parameters: [allowance + credits, credits, allowance],
      };
    }
    case 'debit': {
      const c = movement.cost;
      return {
        sql: `balance = balance + ?,
              credits = credits - CASE WHEN allowance >= ? THEN 0 ELSE ? - allowance END,
              last_allowance_change = CASE WHEN allowance >= ? THEN ? ELSE 0 - allowance END,
              allowance = CASE WHEN allowance >= ? THEN allowance - ? ELSE 0 END`,
        parameters: [-c, c, c, c, -c, c, c],
      };
    }
    case 'plan': {
      const m = movement.monthlyTokens;
      const raise = 'CASE WHEN period_allowance_granted < ? THEN ? - period_allowance_granted ELSE 0 END';
      return {
        sql: `balance = balance + ${raise}, last_allowance_change = ${raise}, allowance = allowance + ${raise},
              period_allowance_granted = CASE WHEN period_allowance_granted < ? THEN ? ELSE period_allowance_granted END`,
        parameters: [m, m, m, m, m, m, m, m],
      };
    }
  }
}

/** What a movement did, from the account row read right after its statement. */
function splitAfter(movement: Movement, account: TokenAccount): BucketSplit {
  switch (movement.kind) {
    case 'split':
      return movement.split;
    case 'debit':
      return { allowance: account.lastAllowanceChange, credits: -movement.cost - account.lastAllowanceChange };
    case 'plan':
      return { allowance: account.lastAllowanceChange, credits: 0 };
  }
}

interface ApplyOptions {
  /** Refuse (match no row) when a negative amount exceeds the balance. */
  requireFunds: boolean;
  /** Defaults to movementOf(posting). */
  movement?: Movement;
  /** Change of used_this_period; never takes it below 0. */
  usedDelta: number;
  /** Match only an account whose period is still running at this time. */
  openAt?: Date;
  /** Id of the ledger row, chosen before the transaction so a COMMIT whose answer was lost can be checked. */
  entryId?: string;
}

@Injectable()
export class TypeormTokenLedger extends TokenLedger implements TransactionalPostings {
  private readonly logger = new Logger('TokenLedger');

  constructor(
    private readonly tx: TransactionRunner,
    private readonly policy: AccountPolicy,
    private readonly clock: Clock,
    private readonly events: EventEmitter2,
    private readonly retries: SettlementRetries,
    private readonly keys: IdempotencyKeys,
  ) {
    super();
  }

  async charge(request: ChargeRequest): Promise<Charge | Replay> {
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      const entryId = randomUUID();
      try {
        return await this.tx.run((em) => this.chargeIn(em, request, started, entryId), {
          verifyCommit: async (em): Promise<CommitCheck<Charge>> => {
            const entry = await this.committedEntry(em, request.userId, entryId);
            return entry ? { committed: true, result: this.chargeOf(request, entry) } : { committed: false };
          },
        });
      } catch (error) {
        if (error instanceof PeriodEnded && attempt < 3) {
          await this.tx.run((em) => this.rollIn(em, request.userId));
          continue;
        }
        if (error instanceof CommitUnconfirmed) this.deferUnconfirmedCharge(request, entryId);
        if (error instanceof DatabaseUnavailable)
          throw this.refused(request, new TokensError(TokensErrorCode.LEDGER_UNAVAILABLE, error.message));
        if (error instanceof TokensError) throw this.refused(request, error);
        if (!(error instanceof IdempotencyKeyTaken)) throw this.refused(request, this.unrecorded(request, error));
        const first = await this.keys.resolveTaken(request.userId, request.idempotency!);
        // Released or expired (and removed): the request runs as new, once.
        if (first === 'retry' && attempt === 0) continue;
        if (first === 'retry') throw inProgress();
        return {
          kind: 'replay',
          tokensCharged: first.tokensCharged ?? 0,
          tokensRemaining: first.tokensRemaining ?? 0,
          responseBody: first.responseBody,
        };
      }
    }
  }

  async refund(charge: Charge, reason: RefundReason): Promise<void> {
    const entryId = randomUUID();
    try {
      await this.writeRefund(charge, reason, entryId);
    } catch (error) {
      if (error instanceof DatabaseUnavailable) {
        const { userId, action, cost, requestId } = charge;
        this.retries.defer({
          kind: 'refund',
          userId,
          action,
          amount: cost,
          requestId,
          run: () => this.writeRefundOnce(charge, reason, entryId),
        });
      }
      throw error;
    }
  }

  /**
   * A charge whose COMMIT went unanswered was answered 503 and its work did not run. If it did
   * commit after all, it is refunded as soon as the database can tell.
   */
  private deferUnconfirmedCharge(request: ChargeRequest, entryId: string): void {
    const refundEntryId = randomUUID();
    const { userId, action, cost, requestId } = request;
    this.retries.defer({
      kind: 'unconfirmed_charge',
      userId,
      action,
      amount: cost,
      requestId,
      run: async () => {
        const entry = await this.tx.run((em) => this.committedEntry(em, userId, entryId));
        if (entry) await this.writeRefundOnce(this.chargeOf(request, entry), UNCONFIRMED_CHARGE, refundEntryId);
      },
    });
  }

  /** The refund with this entry id, unless an earlier attempt whose answer was lost committed it. */
  private async writeRefundOnce(charge: Charge, reason: RefundReason, entryId: string): Promise<void> {
    if (await this.tx.run((em) => this.refundCommitted(em, charge, entryId))) return;
    await this.writeRefund(charge, reason, entryId);
  }

  /**
   * Whether the refund row with this id committed. A refund of 0 tokens writes no row and only
   * deletes the idempotency key, which is harmless to run again: it never counts as committed.
   */
  private async refundCommitted(em: EntityManager, charge: Charge, entryId: string): Promise<boolean> {
    return charge.cost > 0 && (await this.committedEntry(em, charge.userId, entryId)) !== null;
  }

  private async writeRefund(charge: Charge, reason: RefundReason, entryId: string): Promise<void> {
    const verifyCommit = async (em: EntityManager): Promise<CommitCheck<void>> =>
      (await this.refundCommitted(em, charge, entryId)) ? { committed: true, result: undefined } : { committed: false };
    await this.tx.run(
      async (em) => {
        if (charge.cost > 0) {
          const posting: Posting = {
            userId: charge.userId,
            type: LedgerEntryType.Refund,
            amount: charge.cost,
            action: charge.action,
            requestId: charge.requestId,
            clientRequestId: charge.clientRequestId,
            metadata: { refundOf: charge.entryId, reason: reason.code },
            buckets: { allowance: -charge.buckets.allowance, credits: -charge.buckets.credits },
          };
          const entry = await this.settle(em, posting, { requireFunds: false, usedDelta: -charge.cost, entryId });
          this.emitAfterCommit<TokensRefundedEvent>(em, TokenEvents.Refunded, {
            userId: charge.userId,
            action: charge.action,
            amount: charge.cost,
            balanceBefore: entry.balanceAfter - charge.cost,
            balanceAfter: entry.balanceAfter,
            requestId: charge.requestId,
            reasonCode: reason.code,
            reason: reason.message,
          });
        }
        if (charge.idempotencyKey) await this.keys.release(em, charge.userId, charge.idempotencyKey);
      },
      { verifyCommit },
    );
  }

  async completeIdempotent(charge: Charge, responseBody: unknown): Promise<void> {
    if (charge.idempotencyKey) await this.keys.finish(charge.userId, charge.idempotencyKey, tokensOf(charge), { body: responseBody });
  }

  async completeWithoutAnswer(charge: Charge): Promise<void> {
    if (charge.idempotencyKey) await this.keys.finish(charge.userId, charge.idempotencyKey, tokensOf(charge));
  }

  async post(em: EntityManager, posting: Posting, options: { requireFunds?: boolean } = {}): Promise<TokenLedgerEntry> {
    const entry = await this.settle(em, posting, { requireFunds: options.requireFunds ?? false, usedDelta: 0 }, 'roll');
    this.emitPosted(em, entry);
    return entry;
  }

  async grantPlanAllowance(
    em: EntityManager,
    posting: Omit<Posting, 'amount' | 'buckets'>,
    monthlyTokens: number,
  ): Promise<TokenLedgerEntry> {
    const entry = await this.settle(
      em,
      { ...posting, amount: 0 },
      { requireFunds: false, usedDelta: 0, movement: { kind: 'plan', monthlyTokens } },
    );
    this.emitPosted(em, entry);
    return entry;
  }

  async openAccount(em: EntityManager, posting: Posting, periodEnd: Date): Promise<TokenLedgerEntry> {
    const now = this.clock.now();
    const { amount } = posting;
    await em.insert(TokenAccount, {
      userId: posting.userId,
      balance: amount,
      allowance: amount,
      credits: 0,
      periodAllowanceGranted: amount,
      usedThisPeriod: 0,
      ledgerSeq: 1,
      periodEnd,
      updatedAt: now,
    });
    return this.appendEntry(em, posting, { allowance: amount, credits: 0 }, 1, amount, now);
  }

  ensureAccount(userId: string): Promise<void> {
    return this.bringUpToDate(userId);
  }

  ensureAccountIn(em: EntityManager, userId: string): Promise<void> {
    return this.bringUpToDate(userId, em);
  }

  private async bringUpToDate(userId: string, em?: EntityManager): Promise<void> {
    const account = await (em ?? this.tx.manager).findOneBy(TokenAccount, { userId });
    if (account && account.periodEnd.getTime() > this.clock.now().getTime()) return;
    const bringUpToDate = async (em: EntityManager) => {
      if (await this.seedIfMissing(em, userId)) await this.rollIn(em, userId);
    };
    await (em ? bringUpToDate(em) : this.tx.run(bringUpToDate));
  }

  async rollDuePeriods(limit: number): Promise<number> {
    const due = await this.tx.manager.find(TokenAccount, {
      select: { userId: true },
      where: { periodEnd: LessThanOrEqual(this.clock.now()) },
      order: { periodEnd: 'ASC' },
      take: limit,
    });
    let rolled = 0;
    for (const { userId } of due) {
      if (await this.tx.run((em) => this.rollIn(em, userId))) rolled++;
    }
    return rolled;
  }

  private async chargeIn(em: EntityManager, request: ChargeRequest, started: number, entryId: string): Promise<Charge> {
    const { userId, action, cost, requestId, clientRequestId, idempotency } = request;
    if (idempotency) await this.keys.claim(em, userId, idempotency);
    const posting: Posting = { userId, type: LedgerEntryType.Usage, amount: -cost, action, requestId, clientRequestId };
    const entry = await this.settle(em, posting, { requireFunds: true, usedDelta: cost, entryId }, 'signal');
    this.tx.afterCommit(em, () =>
      this.events.emit(TokenEvents.Charged, {
        userId,
        action,
        amount: cost,
        balanceBefore: entry.balanceAfter + cost,
        balanceAfter: entry.balanceAfter,
        requestId,
        durationMs: performance.now() - started,
      } satisfies TokensChargedEvent),
    );
    return this.chargeOf(request, entry);
  }

  private chargeOf(request: ChargeRequest, entry: TokenLedgerEntry): Charge {
    const { userId, action, cost, requestId, clientRequestId, idempotency } = request;
    return {
      kind: 'charged',
      userId,
      action,
      cost,
      balanceAfter: entry.balanceAfter,
      entryId: entry.id,
      buckets: { allowance: entry.allowanceAmount, credits: entry.creditsAmount },
      requestId,
      clientRequestId,
      idempotencyKey: idempotency?.key,
    };
  }

  /**
   * For a transaction whose COMMIT went unanswered: the ledger row it wrote, if it committed. The
   * locking read of the account waits until that transaction has ended (its conditional UPDATE
   * held the row lock), so the answer cannot change afterwards.
   */
  private async committedEntry(em: EntityManager, userId: string, entryId: string): Promise<TokenLedgerEntry | null> {
    await em.findOne(TokenAccount, { where: { userId }, lock: { mode: 'pessimistic_write' } });
    return em.findOneBy(TokenLedgerEntry, { userId, id: entryId });
  }

  /**
   * Applies a posting to a current account. When no row matched, finds out why: a missing account
   * is seeded, an ended period is rolled (or signalled, for charges), a short balance is a 402.
   */
  private async settle(
    em: EntityManager,
    posting: Posting,
    options: Omit<ApplyOptions, 'openAt'>,
    onPeriodEnd: 'roll' | 'signal' = 'roll',
  ): Promise<TokenLedgerEntry> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const now = this.clock.now();
      const entry = await this.apply(em, posting, { ...options, openAt: now });
      if (entry) return entry;
      const account = await em.findOneBy(TokenAccount, { userId: posting.userId });
      if (!account) {
        if (!(await this.seedIfMissing(em, posting.userId))) throw noBillableAccount();
      } else if (account.periodEnd.getTime() <= now.getTime()) {
        if (onPeriodEnd === 'signal') throw new PeriodEnded();
        await this.rollIn(em, posting.userId);
      } else {
        throw insufficientTokens(account.balance, -posting.amount);
      }
    }
    throw new Error(`The token account of ${posting.userId} could not be brought up to date`);
  }

  /**
   * The single place a balance changes: one conditional UPDATE whose affected-row count is
   * checked, then the ledger row carrying the balance it produced. Returns null when no row
   * matched (account missing, period ended, or short of funds with `requireFunds`).
   */
  private async apply(em: EntityManager, posting: Posting, options: ApplyOptions): Promise<TokenLedgerEntry | null> {
    const now = this.clock.now();
    const movement = options.movement ?? movementOf(posting);
    const buckets = assignmentsOf(movement);
    const conditions = ['user_id = ?'];
    const parameters: unknown[] = [...buckets.parameters, options.usedDelta, options.usedDelta, now, posting.userId];
    if (options.requireFunds && posting.amount < 0) {
      conditions.push('balance >= ?');
      parameters.push(-posting.amount);
    }
    if (options.openAt) {
      conditions.push('period_end > ?');
      parameters.push(options.openAt);
    }
    let changed: number;
    try {
      changed = await execute(
        em,
        `UPDATE token_accounts
            SET ${buckets.sql},
                used_this_period = CASE WHEN used_this_period + ? < 0 THEN 0 ELSE used_this_period + ? END,
                ledger_seq = ledger_seq + 1,
                updated_at = ?
          WHERE ${conditions.join(' AND ')}`,
        parameters,
      );
    } catch (error) {
      // The CHECK (balance >= 0) constraint is the last line of defence against an overdraft.
      if (isCheckViolation(error)) return null;
      throw error;
    }
    if (changed === 0) return null;
    const account = await em.findOneByOrFail(TokenAccount, { userId: posting.userId });
    return this.appendEntry(em, posting, splitAfter(movement, account), account.ledgerSeq, account.balance, now, options.entryId);
  }

  private async appendEntry(
    em: EntityManager,
    posting: Posting,
    split: BucketSplit,
    seq: number,
    balanceAfter: number,
    now: Date,
    id: string = randomUUID(),
  ): Promise<TokenLedgerEntry> {
    const entry = em.create(TokenLedgerEntry, {
      id,
      userId: posting.userId,
      seq,
      type: posting.type,
      action: posting.action ?? null,
      amount: split.allowance + split.credits,
      allowanceAmount: split.allowance,
      creditsAmount: split.credits,
      balanceAfter,
      requestId: posting.requestId ?? null,
      clientRequestId: posting.clientRequestId ?? null,
      actorId: posting.actorId ?? null,
      metadata: posting.metadata ?? null,
      createdAt: now,
    });
    // updateEntity(false): on MySQL, TypeORM would otherwise read back the columns that have defaults (one more round trip).
    await em.createQueryBuilder().insert().into(TokenLedgerEntry).values(entry).updateEntity(false).execute();
    return entry;
  }

  /**
   * Creates a missing account from the account policy's opening terms, with its initial_grant row.
   * The insert ignores an existing row, so concurrent first requests seed once. A zero balance
   * is an existing account and is never re-seeded. Returns true when the account exists afterwards.
   */
  private async seedIfMissing(em: EntityManager, userId: string): Promise<boolean> {
    if (await em.existsBy(TokenAccount, { userId })) return true;
    const terms = await this.policy.openingTerms(userId, em);
    if (!terms) return false;
    const now = this.clock.now();
    const tokens = terms.allowance;
    const ignore = this.tx.isMysql ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    const inserted = await execute(
      em,
      `${ignore} INTO token_accounts (user_id, balance, allowance, credits, period_allowance_granted, used_this_period, ledger_seq, period_end, updated_at)
       VALUES (?, ?, ?, 0, ?, 0, 1, ?, ?)`,
      [userId, tokens, tokens, tokens, terms.periodEnd, now],
    );
    if (inserted === 1) {
      const posting = {
        userId,
        type: LedgerEntryType.InitialGrant,
        amount: tokens,
        metadata: { seededFrom: 'subscription', planCode: terms.tier },
      };
      await this.appendEntry(em, posting, { allowance: tokens, credits: 0 }, 1, tokens, now);
      this.emitAfterCommit<TokensSeededEvent>(em, TokenEvents.Seeded, {
        userId,
        amount: tokens,
        planCode: terms.tier,
        balanceAfter: tokens,
      });
    }
    return true;
  }

  /**
   * Rolls every ended period of the account, one period at a time: what exceeds the policy's
   * rollover cap expires, the period's grant is added, used_this_period restarts.
   * Each period is claimed by moving period_end from its old value, so a period is rolled
   * once however many requests, jobs or instances try at the same time; the claim also holds
   * the account's row lock, so the balance read for the expiry cannot change underneath.
   * Returns true when it rolled at least one period.
   */
  private async rollIn(em: EntityManager, userId: string): Promise<boolean> {
    const now = this.clock.now();
    const terms = await this.policy.periodTerms(userId, em);
    let rolled = false;
    for (let i = 0; i < MAX_PERIODS_PER_ROLL; i++) {
      const account = await em.findOneBy(TokenAccount, { userId });
      if (!account || account.periodEnd.getTime() > now.getTime()) break;
      const periodStart = account.periodEnd;
      const periodEnd = this.policy.nextPeriodEnd(periodStart);
      const { grant } = terms;
      const claimed = await execute(
        em,
        'UPDATE token_accounts SET period_end = ?, used_this_period = 0, period_allowance_granted = ?, updated_at = ? WHERE user_id = ? AND period_end = ?',
        [periodEnd, grant, now, userId, periodStart],
      );
      if (claimed === 0) continue;
      rolled = true;

      // Only the allowance expires, above the plan's cap; credits are kept whole.
      const { allowance } = await em.findOneByOrFail(TokenAccount, { userId });
      const cap = terms.rolloverCap;
      const period = { periodStart: periodStart.toISOString(), periodEnd: periodEnd.toISOString() };
      if (allowance > cap) {
        const expired = cap - allowance;
        const posting: Posting = {
          userId,
          type: LedgerEntryType.Expiry,
          amount: expired,
          metadata: { ...period, rolloverCap: cap },
          buckets: { allowance: expired, credits: 0 },
        };
        const expiry = await this.apply(em, posting, { requireFunds: false, usedDelta: 0 });
        this.emitPosted(em, expiry!);
      }
      if (grant > 0) {
        const entry = await this.apply(
          em,
          { userId, type: LedgerEntryType.PeriodGrant, amount: grant, metadata: { ...period, planCode: terms.tier } },
          { requireFunds: false, usedDelta: 0 },
        );
        this.emitPosted(em, entry!);
      }
      await this.policy.periodRolled(em, userId, periodStart, periodEnd);
    }
    return rolled;
  }

  /** A charge the database refused to record: the request must not run (fail closed), 503. */
  private unrecorded(request: ChargeRequest, error: unknown): TokensError {
    this.logger.error(`charge of ${request.cost} for ${request.userId} (${request.action}) not recorded: ${String(error)}`);
    return new TokensError(
      TokensErrorCode.LEDGER_UNAVAILABLE,
      'The token ledger could not record the charge; nothing was charged and the request did not run',
    );
  }

  /** Reports a refused charge to listeners and hands the error back to be thrown. */
  private refused(request: ChargeRequest, error: TokensError): TokensError {
    const reasons: Partial<Record<TokensErrorCode, RefusalReason>> = {
      [TokensErrorCode.INSUFFICIENT_TOKENS]: 'insufficient_tokens',
      [TokensErrorCode.NO_ACTIVE_SUBSCRIPTION]: 'no_active_subscription',
      [TokensErrorCode.LEDGER_UNAVAILABLE]: 'ledger_unavailable',
    };
    const reason = reasons[error.code];
    if (reason) {
      const balance = typeof error.details.balance === 'number' ? error.details.balance : null;
      this.events.emit(TokenEvents.Refused, {
        userId: request.userId,
        action: request.action,
        required: request.cost,
        balance,
        requestId: request.requestId,
        reason,
      } satisfies TokensRefusedEvent);
    }
    return error;
  }

  private emitPosted(em: EntityManager, entry: TokenLedgerEntry): void {
    this.emitAfterCommit<TokensPostedEvent>(em, TokenEvents.Posted, {
      userId: entry.userId,
      type: entry.type,
      amount: entry.amount,
      balanceBefore: entry.balanceAfter - entry.amount,
      balanceAfter: entry.balanceAfter,
      actorId: entry.actorId,
      entryId: entry.id,
    });
  }

  private emitAfterCommit<T>(em: EntityManager, event: string, payload: T): void {
    this.tx.afterCommit(em, () => this.events.emit(event, payload));
  }
}

/** What a charge reports in its answer's X-Tokens-* headers, kept with its idempotency key for replays. */
function tokensOf(charge: Charge): { tokensCharged: number; tokensRemaining: number } {
  return { tokensCharged: charge.cost, tokensRemaining: charge.balanceAfter };
}

function noBillableAccount(): TokensError {
  return new TokensError(
    TokensErrorCode.NO_ACTIVE_SUBSCRIPTION,
    'No token account and no active subscription to seed one from; the request was not served',
  );
}
