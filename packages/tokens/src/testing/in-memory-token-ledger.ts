import { randomUUID } from 'node:crypto';
import {
  type BucketSplit,
  type Charge,
  type ChargeRequest,
  chargeOf,
  type Hold,
  type HoldRequest,
  type RefundReason,
  type Replay,
  TokenLedger,
} from '../ledger/token-ledger.js';
import { TokensError, TokensErrorCode } from '../tokens.errors.js';

/** One entry of the in-memory ledger, as a spec reads it back. */
export interface InMemoryEntry {
  id: string;
  payerId: string;
  type: 'initial_grant' | 'usage' | 'refund' | 'hold' | 'hold_release';
  amount: number;
  balanceAfter: number;
  action: string | null;
  requestId: string | null;
  reason?: string;
}

interface Account {
  allowance: number;
  credits: number;
  owed: number;
}

interface StoredKey {
  requestHash: string;
  status: 'in_progress' | 'completed' | 'answer_unavailable';
  tokensCharged: number;
  tokensRemaining: number;
  responseBody: string | null;
}

/**
 * The ledger port in memory, for the module's own specs and a host's (as @nestjs/throttler ships
 * its in-memory storage): the same outcomes as the database ledger (402 with balance and required,
 * seeding from an opening balance, idempotent replays, refunds of exactly what a charge took, spend
 * limits), without a database. One process only, nothing durable, no periods (a spend limit counts
 * all time).
 */
export class InMemoryTokenLedger extends TokenLedger {
  private readonly accounts = new Map<string, Account>();
  private readonly keys = new Map<string, StoredKey>();
  readonly entries: InMemoryEntry[] = [];
  private readonly openHolds = new Map<string, Hold>();
  private readonly limits = new Map<string, { tokens: number; spent: number }>();

  /** `openingBalance`: what a missing account is seeded with; null means nobody pays for this payer (402). */
  constructor(private readonly openingBalance: (payerId: string) => number | null = () => null) {
    super();
  }

  /** Sets the spend limit `limitId` (null removes it); what it spent so far is kept. */
  setSpendLimit(limitId: string, tokens: number | null): void {
    if (tokens === null) this.limits.delete(limitId);
    else this.limits.set(limitId, { tokens, spent: this.limits.get(limitId)?.spent ?? 0 });
  }

  spentThrough(limitId: string): number | undefined {
    return this.limits.get(limitId)?.spent;
  }

  balanceOf(payerId: string): number | null {
    const account = this.accounts.get(payerId);
    return account ? account.allowance + account.credits : null;
  }

  async charge(request: ChargeRequest): Promise<Charge | Replay> {
    const { payerId, action, price: cost, requestId, idempotency } = request;
    const keyId = idempotency && `${payerId}\n${idempotency.key}`;
    if (keyId && idempotency) {
      const stored = this.keys.get(keyId);
      if (stored) return this.replay(stored, idempotency.requestHash);
    }
    const limit = this.limitWithin(request.limitId, cost);
    const split = this.debit(payerId, cost);
    const counted = this.count(limit, request.limitId, cost);
    const entry = this.append(payerId, 'usage', -cost, action, requestId);
    if (keyId && idempotency) {
      this.keys.set(keyId, {
        requestHash: idempotency.requestHash,
        status: 'in_progress',
        tokensCharged: 0,
        tokensRemaining: 0,
        responseBody: null,
      });
    }
    return { ...chargeOf(request, { ...entry, allowanceAmount: split.allowance, creditsAmount: split.credits }), ...counted };
  }

  async hold(request: HoldRequest): Promise<Hold> {
    const { payerId, action, amount, requestId, clientRequestId } = request;
    const limit = this.limitWithin(request.limitId, amount);
    const buckets = this.debit(payerId, amount);
    const counted = this.count(limit, request.limitId, amount);
    const entry = this.append(payerId, 'hold', -amount, action, requestId);
    const hold: Hold = {
      kind: 'held',
      holdId: randomUUID(),
      payerId,
      action,
      amount,
      balanceAfter: entry.balanceAfter,
      buckets,
      requestId,
      clientRequestId,
      ...counted,
    };
    this.openHolds.set(hold.holdId, hold);
    return hold;
  }

  /** The actual price is charged as far as the released hold and the balance go; the rest is owed. */
  async settleHold(hold: Hold, price: number): Promise<Charge> {
    if (!(await this.releaseHold(hold))) {
      throw new TokensError(TokensErrorCode.HOLD_CLOSED, `The hold ${hold.holdId} was already settled, released or expired`);
    }
    const { payerId, action, requestId, clientRequestId } = hold;
    const account = this.seeded(payerId);
    const taken = Math.min(price, account.allowance + account.credits);
    const split = this.debit(payerId, taken);
    account.owed += price - taken;
    const entry = this.append(payerId, 'usage', -taken, action, requestId);
    this.giveBack(hold.limit?.limitId, -price);
    return chargeOf(
      { payerId, action, price, requestId, clientRequestId },
      { ...entry, allowanceAmount: split.allowance, creditsAmount: split.credits },
    );
  }

  owedBy(payerId: string): number {
    return this.accounts.get(payerId)?.owed ?? 0;
  }

  async releaseHold(hold: Hold): Promise<boolean> {
    if (!this.openHolds.delete(hold.holdId)) return false;
    const account = this.seeded(hold.payerId);
    account.allowance -= hold.buckets.allowance;
    account.credits -= hold.buckets.credits;
    this.append(hold.payerId, 'hold_release', hold.amount, hold.action, hold.requestId);
    this.giveBack(hold.limit?.limitId, hold.amount);
    return true;
  }

  /** Holds do not expire here: there is no clock and no process to die. */
  async releaseExpiredHolds(): Promise<number> {
    return 0;
  }

  async renewRunningHolds(): Promise<number> {
    return 0;
  }

  /** Takes `cost` from the allowance first, then credits; 402 when the balance is short. */
  private debit(payerId: string, cost: number): BucketSplit {
    const account = this.seeded(payerId);
    const balance = account.allowance + account.credits;
    if (balance < cost) {
      throw new TokensError(
        TokensErrorCode.INSUFFICIENT_TOKENS,
        `Insufficient tokens: this request costs ${cost}, the balance is ${balance}`,
        {
          balance,
          required: cost,
        },
      );
    }
    const fromAllowance = Math.min(account.allowance, cost);
    account.allowance -= fromAllowance;
    account.credits -= cost - fromAllowance;
    return { allowance: 0 - fromAllowance, credits: fromAllowance - cost };
  }

  /** The limit a debit of `cost` counts against; 402 SPEND_LIMIT_REACHED when it would pass it. */
  private limitWithin(limitId: string | undefined, cost: number): { tokens: number; spent: number } | undefined {
    const limit = limitId === undefined ? undefined : this.limits.get(limitId);
    if (limit && limit.spent + cost > limit.tokens) {
      throw new TokensError(
        TokensErrorCode.SPEND_LIMIT_REACHED,
        `Spend limit reached: this request costs ${cost}, ${limit.spent} of the limit of ${limit.tokens} is spent`,
        { limit: limit.tokens, spent: limit.spent, required: cost, resetsAt: null },
      );
    }
    return limit;
  }

  private count(limit: { spent: number } | undefined, limitId: string | undefined, cost: number): Pick<Charge, 'limit'> {
    if (!limit || limitId === undefined) return {};
    limit.spent += cost;
    return { limit: { limitId, countedAt: new Date() } };
  }

  /** Gives `amount` back to a limit (a negative amount counts more), never below 0. */
  private giveBack(limitId: string | undefined, amount: number): void {
    const limit = limitId === undefined ? undefined : this.limits.get(limitId);
    if (limit) limit.spent = Math.max(0, limit.spent - amount);
  }

  async refund(charge: Charge, reason: RefundReason): Promise<void> {
    const account = this.seeded(charge.payerId);
    account.allowance -= charge.buckets.allowance;
    account.credits -= charge.buckets.credits;
    this.append(charge.payerId, 'refund', charge.price, charge.action, charge.requestId, reason.code);
    this.giveBack(charge.limit?.limitId, charge.price);
    if (charge.idempotencyKey) this.keys.delete(`${charge.payerId}\n${charge.idempotencyKey}`);
  }

  async completeIdempotent(charge: Charge, responseBody: unknown): Promise<void> {
    this.finish(charge, 'completed', JSON.stringify(responseBody ?? null));
  }

  async completeWithoutAnswer(charge: Charge): Promise<void> {
    const stored = charge.idempotencyKey && this.keys.get(`${charge.payerId}\n${charge.idempotencyKey}`);
    if (stored && stored.status === 'in_progress') this.finish(charge, 'answer_unavailable', null);
  }

  async ensureAccount(payerId: string): Promise<void> {
    if (this.openingBalance(payerId) !== null) this.seeded(payerId);
  }

  async rollDuePeriods(): Promise<number> {
    return 0;
  }

  private replay(stored: StoredKey, requestHash: string): Replay {
    if (stored.requestHash !== requestHash) {
      throw new TokensError(TokensErrorCode.IDEMPOTENCY_KEY_REUSED, 'This Idempotency-Key was used with a different request');
    }
    if (stored.status === 'in_progress')
      throw new TokensError(TokensErrorCode.IDEMPOTENCY_IN_PROGRESS, 'A request with this Idempotency-Key is in progress');
    if (stored.status === 'answer_unavailable') {
      throw new TokensError(
        TokensErrorCode.IDEMPOTENCY_ANSWER_UNAVAILABLE,
        'The first request with this Idempotency-Key succeeded, but its answer was not kept',
      );
    }
    return {
      kind: 'replay',
      tokensCharged: stored.tokensCharged,
      tokensRemaining: stored.tokensRemaining,
      responseBody: stored.responseBody,
    };
  }

  private finish(charge: Charge, status: StoredKey['status'], responseBody: string | null): void {
    const keyId = charge.idempotencyKey && `${charge.payerId}\n${charge.idempotencyKey}`;
    const stored = keyId && this.keys.get(keyId);
    if (!stored) return;
    Object.assign(stored, { status, responseBody, tokensCharged: charge.price, tokensRemaining: charge.balanceAfter });
  }

  private seeded(payerId: string): Account {
    const existing = this.accounts.get(payerId);
    if (existing) return existing;
    const opening = this.openingBalance(payerId);
    if (opening === null) {
      throw new TokensError(
        TokensErrorCode.NO_OPENING_TERMS,
        'No token account, and the account policy has no terms to open one with; the request was not served',
      );
    }
    const account = { allowance: opening, credits: 0, owed: 0 };
    this.accounts.set(payerId, account);
    this.append(payerId, 'initial_grant', opening, null, null);
    return account;
  }

  private append(
    payerId: string,
    type: InMemoryEntry['type'],
    amount: number,
    action: string | null,
    requestId: string | null,
    reason?: string,
  ): InMemoryEntry {
    const entry: InMemoryEntry = {
      id: randomUUID(),
      payerId,
      type,
      amount,
      balanceAfter: this.balanceOf(payerId) ?? 0,
      action,
      requestId,
      reason,
    };
    this.entries.push(entry);
    return entry;
  }
}
