/**
 * Model-based property test: random sequences of charges, failed (refunded) charges, admin
 * grants and deducts, Stripe purchases and their refunds and disputes, plan changes (flips up and
 * down), period rolls, idempotent retries and AI completions (held, then settled at their actual
 * usage, also above the hold; lowered to the balance without an explicit limit), embeddings (charged
 * before the work at the input's tokens) run against the real app and against a small in-memory model of what
 * each bucket (allowance, credits) and `owed` should hold (test/support/ledger-model/): what a
 * reversal or a completion cannot take is owed, and tokens received repay it first. After every step
 * the two agree and the ledger invariants hold. Each account also charges through an API key whose
 * spending limit is set, changed and removed (what the key spent in the limit's period, which the
 * clock starts over). A failing sequence shrinks to a minimal one.
 */
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { Clock } from '@token-metering/database';
import { PeriodRolloverJob } from '@token-metering/tokens';
import { FakeOpenAi } from './support/fake-openai.js';
import { FakeStripeApi } from './support/fake-stripe.js';
import { loginAdmin, registerUser } from './support/factories.js';
import { CompletionCommand, EmbeddingCommand, UPSTREAM_MODEL, UpstreamCompletionCommand } from './support/ledger-model/completions.js';
import {
  type Account,
  balanceOf,
  charge,
  clock,
  DAY,
  debit,
  expireGrants,
  keyPeriodStart,
  type Model,
  PLANS,
  type PlanCode,
  type Real,
  receive,
  Step,
} from './support/ledger-model/model.js';
import { KeyChargeCommand, type KeyRouteName, SetKeyLimitCommand } from './support/ledger-model/key-limits.js';
import { DisputeCommand, RefundCommand, StripePurchaseCommand } from './support/ledger-model/payments.js';
import { PromotionalGrantCommand } from './support/ledger-model/grants.js';
import { createProbe } from './support/probe.js';
import { startTestApp } from './support/test-app.js';

/** Metered routes the model drives, with their price. */
const ROUTES = {
  chat: { path: '/services/chat', body: { message: 'model' }, cost: 1 },
  post: { path: '/services/social-posts', body: { text: 'Token metering, modelled', platforms: ['linkedin'] }, cost: 10 },
  title: { path: '/services/seo-title', body: { text: 'Token metering for NestJS services' }, cost: 300 },
  failing: { path: '/model/fails', body: {}, cost: 7 },
} as const;
type RouteName = keyof typeof ROUTES;

const failing = createProbe('model', [{ path: 'fails', action: 'model_failing', cost: 7, fails: 'the provider failed' }]);

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
      expireGrants(account, clock.now().getTime());
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
    fc
      .tuple(who, fc.integer({ min: 1, max: 400 }), fc.constantFrom(1, 50, 100), fc.integer({ min: 1, max: 45 }))
      .map(([w, a, p, d]) => new PromotionalGrantCommand(w, a, p, d)),
    who.map((w) => new StripePurchaseCommand(w)),
    fc.tuple(who, fc.nat(3), fc.integer({ min: 1, max: 500 })).map(([w, p, c]) => new RefundCommand(w, p, c)),
    fc.tuple(who, fc.nat(3), fc.constantFrom<'won' | 'lost'>('won', 'lost')).map(([w, p, r]) => new DisputeCommand(w, p, r)),
    fc.constantFrom<'job' | 'request'>('job', 'request').map((by) => new EndPeriodCommand(by)),
    fc.tuple(who, fc.constantFrom<number | undefined>(undefined, 8, 400, 1024)).map(([w, m]) => new CompletionCommand(w, m)),
    fc.tuple(who, fc.integer({ min: 1, max: 3000 })).map(([w, p]) => new UpstreamCompletionCommand(w, p)),
    fc.tuple(who, fc.integer({ min: 1, max: 3 })).map(([w, n]) => new EmbeddingCommand(w, n)),
    fc.tuple(who, fc.constantFrom<KeyRouteName>('chat', 'post', 'failing')).map(([w, r]) => new KeyChargeCommand(w, r)),
    fc.tuple(who, fc.constantFrom<KeyRouteName>('chat', 'post', 'failing')).map(([w, r]) => new KeyChargeCommand(w, r)),
    fc
      .tuple(who, fc.constantFrom(null, 1, 5, 12, 30), fc.constantFrom<'day' | 'month' | 'total'>('day', 'month', 'total'))
      .map(([w, tokens, period]) => new SetKeyLimitCommand(w, tokens, period)),
  ];
}

describe('the ledger against a model', () => {
  let real: Real;

  beforeAll(async () => {
    const upstream = new FakeOpenAi();
    const stripe = new FakeStripeApi();
    const t = await startTestApp({
      controllers: [failing.controller],
      env: {
        PERIOD_ROLLOVER_INTERVAL_SECONDS: '0',
        JWT_SECRET: randomBytes(32).toString('hex'),
        LLM_BASE_URL: await upstream.start(),
        ...stripe.env(await stripe.start()),
      },
      override: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
    real = { t, adminToken: await loginAdmin(t.http), upstream, stripe };
    expect((await t.http.put('/admin/models/fake-gpt', UPSTREAM_MODEL, { token: real.adminToken })).status).toBe(200);
  });
  afterAll(async () => {
    await real.t.close();
    await real.upstream.stop();
    await real.stripe.stop();
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
          const user = await registerUser(real.t.http);
          const created = await real.t.http.post('/api-keys', { name: 'model' }, { token: user.token });
          // The first account's key starts with a daily limit, so its charges meet it from the first step.
          const limit =
            i === 0 ? ({ tokens: 12, period: 'day', spent: 0, periodStart: keyPeriodStart('day', clock.now()) } as const) : null;
          if (limit) await real.t.http.put(`/api-keys/${created.body.id}/limit`, { tokens: 12, period: 'day' }, { token: user.token });
          accounts.push({
            user,
            apiKey: { id: created.body.id, key: created.body.key, limit: limit && { ...limit } },
            allowance: monthly,
            credits: 0,
            grants: [],
            owed: 0,
            granted: monthly,
            used: 0,
            plan: 'free',
            keys: new Map(),
            purchases: [],
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
    // 30 sequences of up to 25 steps, each step checked through the API: minutes on a busy machine.
  }, 360_000);
});
