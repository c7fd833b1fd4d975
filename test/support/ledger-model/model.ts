/**
 * The model of the ledger property test (test/ledger-model.e2e-spec.ts): what each account's buckets,
 * owed tokens and purchases should hold, the base of its steps, and the check that app and model agree.
 */
import fc from 'fast-check';
import type { TestApp } from '../test-app.js';
import type { TestUser } from '../factories.js';
import { FakeClock } from '../fake-clock.js';
import type { FakeOpenAi } from '../fake-openai.js';
import type { FakeStripeApi } from '../fake-stripe.js';
import { expectLedgerConsistent } from '../ledger-assertions.js';

export const PLANS = {
  free: { monthly: 100, cap: 0 },
  starter: { monthly: 10_000, cap: 10_000 },
  pro: { monthly: 200_000, cap: 200_000 },
} as const;
export type PlanCode = keyof typeof PLANS;

export interface Account {
  user: TestUser;
  /** The plan's tokens of the period, spent first; only what exceeds the plan's cap expires. */
  allowance: number;
  /** Purchased and granted tokens: promotional grants' rests, and permanent credits. */
  credits: number;
  /** Promotional grants not yet expired, in the order they were granted. */
  grants: GrantModel[];
  /** What the account could not pay; tokens it receives repay it first. */
  owed: number;
  /** The highest monthly allowance granted in the current period. */
  granted: number;
  used: number;
  plan: PlanCode;
  /** Idempotency keys that succeeded, with the balance their first answer reported, for 24 hours. */
  keys: Map<string, { route: string; remaining: number; expiresAt: number }>;
  /** The account's Stripe purchases, as the refunds and disputes so far left them. */
  purchases: PurchaseModel[];
  /** Every ledger row of the account seen so far, as read after the previous step. */
  ledger: string[];
  /** The account's API key, and its spending limit with what it spent (see key-limits.ts). */
  apiKey: { id: string; key: string; limit: KeyLimitModel | null };
}

/** An API key's spending limit: `spent` counts in the period that starts at `periodStart`. */
export interface KeyLimitModel {
  tokens: number;
  period: 'day' | 'month' | 'total';
  spent: number;
  periodStart: number;
}

/** A promotional grant: spent after the allowance, before permanent credits, in spending order. */
export interface GrantModel {
  id: string;
  amount: number;
  remaining: number;
  priority: number;
  expiresAt: number;
}

export interface Model {
  accounts: Account[];
}

export interface Real {
  t: TestApp;
  adminToken: string;
  upstream: FakeOpenAi;
  stripe: FakeStripeApi;
}

/** A paid Stripe purchase and what its refunds and disputes took back so far. */
export interface PurchaseModel {
  tokens: number;
  priceCents: number;
  paymentIntent: string;
  /** Cents refunded so far (Stripe's cumulative amount_refunded). */
  refundedCents: number;
  /** Tokens taken back by refunds and the dispute together, and by the dispute alone. */
  reversed: number;
  disputed: number;
  dispute: 'none' | 'open' | 'won' | 'lost';
}

export const clock = new FakeClock();
export const DAY = 24 * 3600 * 1000;

/** A step of a sequence: changes the app and the model, then checks that they agree. */
export abstract class Step implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    await this.apply(model, real);
    await expectAgreement(model, real);
  }
  protected abstract apply(model: Model, real: Real): Promise<void>;
}

export const balanceOf = (account: Account) => account.allowance + account.credits;

/** The open grants in the order they are spent: priority (1 first), then soonest expiry, then oldest. */
const spendingOrder = (account: Account) =>
  account.grants
    .map((grant, index) => ({ grant, index }))
    .sort((a, b) => a.grant.priority - b.grant.priority || a.grant.expiresAt - b.grant.expiresAt || a.index - b.index);

/** Takes `amount` of credits: from the promotional grants in spending order first (the rest is permanent credits). */
function takeCredits(account: Account, amount: number, permanentFirst = false): void {
  account.credits -= amount;
  if (permanentFirst)
    amount -= Math.min(amount, account.credits + amount - account.grants.reduce((sum, grant) => sum + grant.remaining, 0));
  for (const { grant } of spendingOrder(account)) {
    const taken = Math.min(amount, grant.remaining);
    grant.remaining -= taken;
    amount -= taken;
  }
}

/** Takes `amount` from the allowance first, then from credits: false (nothing taken) when the balance is short. */
export function debit(account: Account, amount: number): boolean {
  if (balanceOf(account) < amount) return false;
  const fromAllowance = Math.min(account.allowance, amount);
  account.allowance -= fromAllowance;
  takeCredits(account, amount - fromAllowance);
  return true;
}

/** What is left of the grants whose `expiresAt` has come is removed. */
export function expireGrants(account: Account, now: number): void {
  for (const grant of account.grants.filter((each) => each.expiresAt <= now)) account.credits -= grant.remaining;
  account.grants = account.grants.filter((grant) => grant.expiresAt > now);
}

/** Tokens arrive in `bucket`: what the account owes is repaid from them first. */
export function receive(account: Account, bucket: 'allowance' | 'credits', amount: number): void {
  const repaid = Math.min(account.owed, amount);
  account[bucket] += amount - repaid;
  account.owed -= repaid;
}

/** A debit that is never refused: what the balance covers is taken (from `first`'s bucket first), the rest is owed. */
export function collect(account: Account, amount: number, first: 'allowance' | 'credits' = 'allowance'): void {
  const taken = Math.min(amount, balanceOf(account));
  if (first === 'allowance') debit(account, taken);
  else {
    // A reversal takes back purchased tokens: permanent credits first, then grants, then the allowance.
    const fromCredits = Math.min(taken, account.credits);
    takeCredits(account, fromCredits, true);
    account.allowance -= taken - fromCredits;
  }
  account.owed += amount - taken;
}

/** The model's view of a charge of `cost`: true when it succeeds. */
export function charge(account: Account, cost: number): boolean {
  if (!debit(account, cost)) return false;
  account.used += cost;
  return true;
}

/** The account's ledger rows, every column, oldest first. */
async function ledgerRows(real: Real, userId: string): Promise<string[]> {
  const rows = await real.t.dataSource.query(
    'SELECT id, seq, type, action, amount, allowance_amount, credits_amount, balance_after, request_id, client_request_id, actor_id, metadata, created_at FROM token_ledger_entries WHERE user_id = ? ORDER BY seq',
    [userId],
  );
  return rows.map((row: Record<string, unknown>) =>
    JSON.stringify(Object.values(row).map((v) => (v instanceof Date ? v.toISOString() : v === null ? null : String(v)))),
  );
}

/**
 * After every step: the app agrees with the model, the ledger invariants hold (balance == sum,
 * balance >= 0, balanceAfter chain), and the rows seen before are still there, unchanged (rows are
 * only ever appended).
 */
export async function expectAgreement(model: Model, real: Real): Promise<void> {
  for (const account of model.accounts) {
    const rows = await ledgerRows(real, account.user.id);
    expect(rows.slice(0, account.ledger.length)).toEqual(account.ledger);
    account.ledger = rows;
    const balance = (await real.t.http.get('/tokens/balance', { token: account.user.token })).body;
    expect({
      balance: balance.balance,
      allowance: balance.allowance,
      credits: balance.credits,
      owed: balance.owed,
      usedThisPeriod: balance.usedThisPeriod,
      plan: balance.plan,
      grants: Object.fromEntries(balance.grants.map((grant: { id: string; remaining: number }) => [grant.id, grant.remaining])),
    }).toEqual({
      balance: balanceOf(account),
      allowance: account.allowance,
      credits: account.credits,
      owed: account.owed,
      usedThisPeriod: account.used,
      plan: account.plan,
      grants: Object.fromEntries(account.grants.map((grant) => [grant.id, grant.remaining])),
    });
    await expectLedgerConsistent(real.t.dataSource, account.user.id);
    const keys = (await real.t.http.get('/api-keys', { token: account.user.token })).body as Array<{
      id: string;
      limit: unknown;
      spent: number;
    }>;
    const { limit } = account.apiKey;
    expect(keys.find((key) => key.id === account.apiKey.id)).toMatchObject({
      limit: limit && { tokens: limit.tokens, period: limit.period },
      spent: limit ? keySpentNow(limit) : 0,
    });
  }
}

/** The start (ms, UTC) of the limit period of `period` that `at` is in. */
export function keyPeriodStart(period: KeyLimitModel['period'], at: Date): number {
  if (period === 'day') return Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  if (period === 'month') return Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1);
  return 0;
}

/** What the key spent in the limit's current period: nothing once the period it counted in ended. */
export function keySpentNow(limit: KeyLimitModel): number {
  return keyPeriodStart(limit.period, clock.now()) > limit.periodStart ? 0 : limit.spent;
}
