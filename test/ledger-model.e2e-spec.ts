/**
 * Model-based property test: random sequences of charges, failed (refunded) charges, admin
 * grants and deducts, purchases, plan changes (flips up and down), period rolls, idempotent
 * retries and AI completions (held, then settled at their actual usage, also above the hold: what the
 * balance cannot cover is owed) run against the real app and against a small in-memory model of what
 * each bucket (allowance, credits) and `owed` should hold; tokens received repay owed first. After
 * every step the two agree and the ledger invariants hold. A failing sequence shrinks to a minimal one.
 */
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { Clock } from '../src/common/clock.js';
import { estimatePromptTokens, maxPriceOf, priceOf } from '../src/completions/index.js';
import { PeriodRolloverJob } from '../src/tokens/index.js';
import { FakeClock } from './support/fake-clock.js';
import { FakeOpenAi } from './support/fake-openai.js';
import { buyTokens, loginAdmin, registerUser, TestUser } from './support/factories.js';
import { expectLedgerConsistent } from './support/ledger-assertions.js';
import { createProbe } from './support/probe.js';
import { startTestApp, TestApp } from './support/test-app.js';

const PLANS = {
  free: { monthly: 100, cap: 0 },
  starter: { monthly: 10_000, cap: 10_000 },
  pro: { monthly: 200_000, cap: 200_000 },
} as const;
type PlanCode = keyof typeof PLANS;

/** Metered routes the model drives, with their price. */
const ROUTES = {
  chat: { path: '/services/chat', body: { message: 'model' }, cost: 1 },
  post: { path: '/services/social-posts', body: { text: 'Token metering, modelled', platforms: ['linkedin'] }, cost: 10 },
  title: { path: '/services/seo-title', body: { text: 'Token metering for NestJS services' }, cost: 300 },
  failing: { path: '/model/fails', body: {}, cost: 7 },
} as const;
type RouteName = keyof typeof ROUTES;

const failing = createProbe('model', [{ path: 'fails', action: 'model_failing', cost: 7, fails: 'the provider failed' }]);

interface Account {
  user: TestUser;
  /** The plan's tokens of the period, spent first; only what exceeds the plan's cap expires. */
  allowance: number;
  /** Purchased and granted tokens; they never expire. */
  credits: number;
  /** What the account could not pay; tokens it receives repay it first. */
  owed: number;
  /** The highest monthly allowance granted in the current period. */
  granted: number;
  used: number;
  plan: PlanCode;
  /** Idempotency keys that succeeded, with the balance their first answer reported, for 24 hours. */
  keys: Map<string, { route: RouteName; remaining: number; expiresAt: number }>;
  /** Every ledger row of the account seen so far, as read after the previous step. */
  ledger: string[];
}

interface Model {
  accounts: Account[];
}

interface Real {
  t: TestApp;
  adminToken: string;
  upstream: FakeOpenAi;
}

const clock = new FakeClock();
const DAY = 24 * 3600 * 1000;

/** A step of a sequence: changes the app and the model, then checks that they agree. */
abstract class Step implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    await this.apply(model, real);
    await expectAgreement(model, real);
  }
  protected abstract apply(model: Model, real: Real): Promise<void>;
}

const balanceOf = (account: Account) => account.allowance + account.credits;

/** Takes `amount` from the allowance first, then from credits: false (nothing taken) when the balance is short. */
function debit(account: Account, amount: number): boolean {
  if (balanceOf(account) < amount) return false;
  const fromAllowance = Math.min(account.allowance, amount);
  account.allowance -= fromAllowance;
  account.credits -= amount - fromAllowance;
  return true;
}

/** Tokens arrive in `bucket`: what the account owes is repaid from them first. */
function receive(account: Account, bucket: 'allowance' | 'credits', amount: number): void {
  const repaid = Math.min(account.owed, amount);
  account[bucket] += amount - repaid;
  account.owed -= repaid;
}

/** A debit that is never refused: what the balance covers is taken (allowance first), the rest is owed. */
function collect(account: Account, amount: number): void {
  const taken = Math.min(amount, balanceOf(account));
  debit(account, taken);
  account.owed += amount - taken;
}

/** The model's view of a charge of `cost`: true when it succeeds. */
function charge(account: Account, cost: number): boolean {
  if (!debit(account, cost)) return false;
  account.used += cost;
  return true;
}

class ChargeCommand extends Step {
  constructor(
    readonly who: number,
    readonly route: RouteName,
  ) {
    super();
  }
  protected async apply(model: Model, real: Real): Promise<void> {
    const account = model.accounts[this.who];
    const { path, body, cost } = ROUTES[this.route];
    const response = await real.t.http.post(path, body, { token: account.user.token });
    const affordable = balanceOf(account) >= cost;
    if (this.route === 'failing') {
      // Charged, the handler fails, refunded: the balance ends where it was.
      expect(response.status).toBe(affordable ? 502 : 402);
    } else {
      expect(response.status).toBe(charge(account, cost) ? 201 : 402);
      if (response.status === 201) expect(Number(response.headers.get('x-tokens-remaining'))).toBe(balanceOf(account));
    }
    if (response.status === 402) expect(response.body).toMatchObject({ balance: balanceOf(account), required: cost });
  }
  override toString(): string {
    return `charge(${this.who}, ${this.route})`;
  }
}

class IdempotentChargeCommand extends Step {
  constructor(
    readonly who: number,
    readonly route: Exclude<RouteName, 'failing'>,
    readonly key: string,
  ) {
    super();
  }
  protected async apply(model: Model, real: Real): Promise<void> {
    const account = model.accounts[this.who];
    const { path, body, cost } = ROUTES[this.route];
    const response = await real.t.http.post(path, body, { token: account.user.token, headers: { 'Idempotency-Key': this.key } });
    const stored = account.keys.get(this.key);
    const earlier = stored && stored.expiresAt > clock.now().getTime() ? stored : undefined;
    if (earlier && earlier.route !== this.route) {
      expect([response.status, response.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    } else if (earlier) {
      expect(response.status).toBe(201);
      expect(response.headers.get('idempotent-replayed')).toBe('true');
      expect(Number(response.headers.get('x-tokens-remaining'))).toBe(earlier.remaining);
    } else if (charge(account, cost)) {
      expect(response.status).toBe(201);
      account.keys.set(this.key, { route: this.route, remaining: balanceOf(account), expiresAt: clock.now().getTime() + DAY });
    } else {
      expect(response.status).toBe(402); // a refused request leaves its key unused
    }
  }
  override toString(): string {
    return `idempotent(${this.who}, ${this.route}, ${this.key})`;
  }
}

/** The built-in completion model's prices, as seeded. */
const LOCAL_MODEL = { inputPer1k: 10, outputPer1k: 30, maxOutputTokens: 1024 };
const COMPLETION_MESSAGES = [{ role: 'user' as const, content: 'model the ledger, please' }];

/**
 * A completion of the built-in model, metered by its actual usage: it holds its most expensive outcome
 * first (402 when the balance cannot cover it, nothing changed), then is charged what its usage costs.
 */
class CompletionCommand extends Step {
  constructor(
    readonly who: number,
    readonly maxTokens: number | undefined,
  ) {
    super();
  }
  protected async apply(model: Model, real: Real): Promise<void> {
    const account = model.accounts[this.who];
    const limit = Math.min(this.maxTokens ?? LOCAL_MODEL.maxOutputTokens, LOCAL_MODEL.maxOutputTokens);
    const hold = maxPriceOf(LOCAL_MODEL, estimatePromptTokens(COMPLETION_MESSAGES), limit);
    const response = await real.t.http.post(
      '/v1/chat/completions',
      { model: 'local', messages: COMPLETION_MESSAGES, ...(this.maxTokens === undefined ? {} : { max_tokens: this.maxTokens }) },
      { token: account.user.token },
    );
    if (balanceOf(account) < hold) {
      expect([response.status, response.body.error?.code]).toEqual([402, 'INSUFFICIENT_TOKENS']);
      return;
    }
    expect(response.status).toBe(200);
    const { prompt_tokens, completion_tokens } = response.body.usage;
    const price = priceOf(LOCAL_MODEL, prompt_tokens, completion_tokens);
    expect(price).toBeLessThanOrEqual(hold);
    // Hold, release and usage together move the buckets exactly as a charge of the actual price would.
    expect(charge(account, price)).toBe(true);
    expect([Number(response.headers.get('x-tokens-charged')), Number(response.headers.get('x-tokens-remaining'))]).toEqual([
      price,
      balanceOf(account),
    ]);
  }
  override toString(): string {
    return `completion(${this.who}, ${this.maxTokens ?? 'default'})`;
  }
}

/** A model of an upstream whose usage may exceed what the service estimated (e.g. another tokenizer). */
const UPSTREAM_MODEL = { inputPer1k: 1000, outputPer1k: 1000, maxOutputTokens: 5 };
const UPSTREAM_MESSAGES = [{ role: 'user' as const, content: 'a b c' }];

/**
 * A completion on the upstream that reports `promptTokens`: charged its actual price whatever the hold
 * was, the balance never below 0, the rest owed.
 */
class UpstreamCompletionCommand extends Step {
  constructor(
    readonly who: number,
    readonly promptTokens: number,
  ) {
    super();
  }
  protected async apply(model: Model, real: Real): Promise<void> {
    const account = model.accounts[this.who];
    const hold = maxPriceOf(UPSTREAM_MODEL, estimatePromptTokens(UPSTREAM_MESSAGES), UPSTREAM_MODEL.maxOutputTokens);
    const affordable = balanceOf(account) >= hold;
    real.upstream.reset();
    if (affordable) real.upstream.next({ kind: 'usage', promptTokens: this.promptTokens });
    const response = await real.t.http.post(
      '/v1/chat/completions',
      { model: 'fake-gpt', messages: UPSTREAM_MESSAGES, max_tokens: UPSTREAM_MODEL.maxOutputTokens },
      { token: account.user.token },
    );
    if (!affordable) return expect([response.status, response.body.error?.code]).toEqual([402, 'INSUFFICIENT_TOKENS']);
    expect(response.status).toBe(200);
    const price = priceOf(UPSTREAM_MODEL, this.promptTokens, response.body.usage.completion_tokens);
    collect(account, price);
    account.used += price;
    expect([Number(response.headers.get('x-tokens-charged')), Number(response.headers.get('x-tokens-remaining'))]).toEqual([
      price,
      balanceOf(account),
    ]);
  }
  override toString(): string {
    return `upstreamCompletion(${this.who}, ${this.promptTokens})`;
  }
}

class AdjustCommand extends Step {
  constructor(
    readonly who: number,
    readonly kind: 'grant' | 'deduct',
    readonly amount: number,
  ) {
    super();
  }
  protected async apply(model: Model, real: Real): Promise<void> {
    const account = model.accounts[this.who];
    const response = await real.t.http.post(
      `/admin/users/${account.user.id}/tokens/${this.kind}`,
      { amount: this.amount, reason: 'model' },
      { token: real.adminToken },
    );
    if (this.kind === 'grant') receive(account, 'credits', this.amount);
    else if (!debit(account, this.amount)) return expect(response.status).toBe(402);
    expect(response.status).toBe(201);
    // The entry's own balance; a repayment of owed tokens may follow it.
    if (this.kind === 'deduct') expect(response.body.balanceAfter).toBe(balanceOf(account));
  }
  override toString(): string {
    return `${this.kind}(${this.who}, ${this.amount})`;
  }
}

class ChangePlanCommand extends Step {
  constructor(
    readonly who: number,
    readonly plan: PlanCode,
  ) {
    super();
  }
  protected async apply(model: Model, real: Real): Promise<void> {
    const account = model.accounts[this.who];
    const response = await real.t.http.put(
      `/admin/users/${account.user.id}/subscription`,
      { planCode: this.plan },
      { token: real.adminToken },
    );
    expect(response.status).toBe(200);
    const { monthly } = PLANS[this.plan];
    receive(account, 'allowance', Math.max(0, monthly - account.granted));
    account.granted = Math.max(account.granted, monthly);
    account.plan = this.plan;
  }
  override toString(): string {
    return `plan(${this.who}, ${this.plan})`;
  }
}

class PurchaseCommand extends Step {
  constructor(readonly who: number) {
    super();
  }
  protected async apply(model: Model, real: Real): Promise<void> {
    const account = model.accounts[this.who];
    await buyTokens(real.t.http, account.user, 'tokens_1k');
    receive(account, 'credits', 1000);
  }
  override toString(): string {
    return `purchase(${this.who})`;
  }
}

/** Ends the current period of every account (they share one) and lets the job or a request roll it. */
class EndPeriodCommand extends Step {
  constructor(readonly rolledBy: 'job' | 'request') {
    super();
  }
  protected async apply(model: Model, real: Real): Promise<void> {
    const { periodEnd } = (await real.t.http.get('/tokens/balance', { token: model.accounts[0].user.token })).body;
    clock.advance(new Date(periodEnd).getTime() - clock.now().getTime() + 1000);
    if (this.rolledBy === 'job') await real.t.app.get(PeriodRolloverJob).run();
    for (const account of model.accounts) {
      const { monthly, cap } = PLANS[account.plan];
      account.allowance = Math.min(account.allowance, cap);
      receive(account, 'allowance', monthly);
      account.granted = monthly;
      account.used = 0;
    }
  }
  override toString(): string {
    return `endPeriod(${this.rolledBy})`;
  }
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
async function expectAgreement(model: Model, real: Real): Promise<void> {
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
    }).toEqual({
      balance: balanceOf(account),
      allowance: account.allowance,
      credits: account.credits,
      owed: account.owed,
      usedThisPeriod: account.used,
      plan: account.plan,
    });
    await expectLedgerConsistent(real.t.dataSource, account.user.id);
  }
}

function commandsFor(users: number) {
  const who = fc.nat({ max: users - 1 });
  const key = fc.constantFrom('k1', 'k2', 'k3');
  return [
    fc.tuple(who, fc.constantFrom<RouteName>('chat', 'chat', 'post', 'title', 'failing')).map(([w, r]) => new ChargeCommand(w, r)),
    fc
      .tuple(who, fc.constantFrom<Exclude<RouteName, 'failing'>>('chat', 'post', 'title'), key)
      .map(([w, r, k]) => new IdempotentChargeCommand(w, r, k)),
    fc
      .tuple(who, fc.constantFrom<'grant' | 'deduct'>('grant', 'deduct'), fc.integer({ min: 1, max: 400 }))
      .map(([w, k, a]) => new AdjustCommand(w, k, a)),
    fc.tuple(who, fc.constantFrom<PlanCode>('free', 'starter', 'pro')).map(([w, p]) => new ChangePlanCommand(w, p)),
    who.map((w) => new PurchaseCommand(w)),
    fc.constantFrom<'job' | 'request'>('job', 'request').map((by) => new EndPeriodCommand(by)),
    fc.tuple(who, fc.constantFrom<number | undefined>(undefined, 8, 400, 1024)).map(([w, m]) => new CompletionCommand(w, m)),
    fc.tuple(who, fc.integer({ min: 1, max: 3000 })).map(([w, p]) => new UpstreamCompletionCommand(w, p)),
  ];
}

describe('the ledger against a model', () => {
  let real: Real;

  beforeAll(async () => {
    const upstream = new FakeOpenAi();
    const t = await startTestApp({
      controllers: [failing.controller],
      env: { PERIOD_ROLLOVER_INTERVAL_SECONDS: '0', JWT_SECRET: randomBytes(32).toString('hex'), LLM_BASE_URL: await upstream.start() },
      override: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
    real = { t, adminToken: await loginAdmin(t.http), upstream };
    expect((await t.http.put('/admin/models/fake-gpt', UPSTREAM_MODEL, { token: real.adminToken })).status).toBe(200);
  });
  afterAll(async () => {
    await real.t.close();
    await real.upstream.stop();
  });

  it('agrees with the model after every step of random operation sequences', async () => {
    const USERS = 2;
    await fc.assert(
      fc.asyncProperty(fc.commands(commandsFor(USERS), { maxCommands: 25 }), async (commands) => {
        // Fresh accounts for every sequence; registered at the same instant, so they share a period.
        clock.advance(DAY);
        const accounts: Account[] = [];
        for (let i = 0; i < USERS; i++) {
          const { monthly } = PLANS.free;
          accounts.push({
            user: await registerUser(real.t.http),
            allowance: monthly,
            credits: 0,
            owed: 0,
            granted: monthly,
            used: 0,
            plan: 'free',
            keys: new Map(),
            ledger: [],
          });
        }
        const model: Model = { accounts };
        await fc.asyncModelRun(() => ({ model, real }), commands);
      }),
      {
        numRuns: Number(process.env.MODEL_RUNS ?? 30),
        seed: process.env.MODEL_SEED ? Number(process.env.MODEL_SEED) : undefined,
        endOnFailure: false,
      },
    );
  });
});
