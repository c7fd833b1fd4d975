/**
 * Monthly periods: expiry above the plan's rollover cap, the period grant, usedThisPeriod back
 * to 0, at the first request after the period ends and from the background job; never twice.
 * Time is driven by a fake clock.
 */
import { Clock } from '@token-metering/database';
import { PeriodRolloverJob } from '@token-metering/tokens';
import { FakeClock } from './support/fake-clock.js';
import { FakeOpenAi } from './support/fake-openai.js';
import { loginAdmin, registerUser, spendDownTo, TestUser } from './support/factories.js';
import { expectLedgerConsistent, ledgerState } from './support/ledger-assertions.js';
import { createProbe } from './support/probe.js';
import { startTestApp, TestApp } from './support/test-app.js';

const DAY = 24 * 3600 * 1000;
const clock = new FakeClock();

/** Fails after the period has ended under it: its refund lands in the next period. */
const periodEdge = createProbe('test-periods', [
  {
    path: 'fails-across-period-end',
    action: 'test_fails_across_period_end',
    cost: 5,
    work: () => clock.advance(40 * DAY),
    fails: 'provider failed',
  },
]);

describe('billing periods', () => {
  let t: TestApp;
  let adminToken: string;
  const upstream = new FakeOpenAi();

  beforeAll(async () => {
    t = await startTestApp({
      controllers: [periodEdge.controller],
      env: { PERIOD_ROLLOVER_INTERVAL_SECONDS: '0', LLM_BASE_URL: await upstream.start() },
      override: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
    adminToken = await loginAdmin(t.http);
    const model = { inputPer1k: 1000, outputPer1k: 1000, maxOutputTokens: 50 };
    expect((await t.http.put('/admin/models/fake-gpt', model, { token: adminToken })).status).toBe(200);
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  const balanceOf = async (user: TestUser) => (await t.http.get('/tokens/balance', { token: user.token })).body;
  const entriesOf = async (user: TestUser, type: string) =>
    (await t.http.get(`/tokens/transactions?type=${type}&limit=100`, { token: user.token })).body.items as {
      amount: number;
      allowanceAmount: number;
      creditsAmount: number;
      metadata: Record<string, unknown>;
    }[];
  const chat = (user: TestUser) => t.http.post('/services/chat', { message: 'hi' }, { token: user.token });

  async function subscribe(user: TestUser, planCode: string): Promise<void> {
    const response = await t.http.put(`/admin/users/${user.id}/subscription`, { planCode }, { token: adminToken });
    expect(response.status).toBe(200);
  }

  /** Moves the clock just past the user's current period end. */
  async function endPeriodOf(user: TestUser): Promise<{ periodStart: string; periodEnd: string }> {
    const { periodStart, periodEnd } = await balanceOf(user);
    clock.advance(new Date(periodEnd).getTime() - clock.now().getTime() + 1000);
    return { periodStart, periodEnd };
  }

  it('free plan: unused tokens expire (cap 0), the monthly 100 are granted, usage restarts at 0 (first request after the end)', async () => {
    const user = await registerUser(t.http);
    await spendDownTo(t.http, user, 70);
    expect((await balanceOf(user)).usedThisPeriod).toBe(30);
    const ended = await endPeriodOf(user);

    const response = await chat(user);
    expect(response.status).toBe(201);
    expect(response.headers.get('x-tokens-remaining')).toBe('99');

    const balance = await balanceOf(user);
    expect(balance).toMatchObject({ balance: 99, usedThisPeriod: 1, periodStart: ended.periodEnd });
    expect(new Date(balance.periodEnd).getTime()).toBeGreaterThan(clock.now().getTime());
    expect((await entriesOf(user, 'expiry')).map((e) => e.amount)).toEqual([-70]);
    const grants = await entriesOf(user, 'period_grant');
    expect(grants.map((e) => e.amount)).toEqual([100]);
    expect(grants[0].metadata).toMatchObject({ periodStart: ended.periodEnd, planCode: 'free' });
    const subscription = (await t.http.get('/subscriptions/me', { token: user.token })).body;
    expect({ periodStart: subscription.periodStart, periodEnd: subscription.periodEnd }).toEqual({
      periodStart: balance.periodStart,
      periodEnd: balance.periodEnd,
    });
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('paid plan: keeps up to one month of allowance, the rest of it expires; granted credits never do', async () => {
    const user = await registerUser(t.http);
    await subscribe(user, 'starter'); // 100 + 9,900 = 10,000
    await t.http.post(`/admin/users/${user.id}/tokens/grant`, { amount: 2500, reason: 'bonus' }, { token: adminToken });
    expect(await balanceOf(user)).toMatchObject({ balance: 12_500, allowance: 10_000, credits: 2500 });

    await endPeriodOf(user);
    expect(await balanceOf(user)).toMatchObject({ balance: 22_500, allowance: 20_000, credits: 2500 }); // 10,000 kept (the cap), plus 10,000
    expect(await entriesOf(user, 'expiry')).toEqual([]);

    await endPeriodOf(user);
    expect(await balanceOf(user)).toMatchObject({ balance: 22_500, allowance: 20_000, credits: 2500 });
    expect((await entriesOf(user, 'expiry')).map((e) => [e.amount, e.allowanceAmount, e.creditsAmount])).toEqual([[-10_000, -10_000, 0]]);
    expect((await entriesOf(user, 'period_grant')).map((e) => e.amount)).toEqual([10_000, 10_000]);
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('rolls each missed period of an idle account once', async () => {
    const user = await registerUser(t.http);
    await spendDownTo(t.http, user, 40);
    const { periodEnd } = await balanceOf(user);
    clock.advance(new Date(periodEnd).getTime() - clock.now().getTime() + 70 * DAY); // three periods have ended

    const balance = await balanceOf(user);
    expect(balance.balance).toBe(100);
    expect((await entriesOf(user, 'period_grant')).length).toBe(3);
    expect((await entriesOf(user, 'expiry')).map((e) => e.amount)).toEqual([-100, -100, -40]);
    expect(new Date(balance.periodStart).getTime()).toBeLessThanOrEqual(clock.now().getTime());
    expect(new Date(balance.periodEnd).getTime()).toBeGreaterThan(clock.now().getTime());
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('the job rolls idle accounts; running it again, or with requests in flight, changes nothing twice and loses no charge', async () => {
    const users = await Promise.all([registerUser(t.http), registerUser(t.http), registerUser(t.http)]);
    for (const user of users) await spendDownTo(t.http, user, 90);
    // Same registration period for all three (the clock did not move between registrations).
    await endPeriodOf(users[0]);
    const job = t.app.get(PeriodRolloverJob);

    const [first, second, responses] = await Promise.all([
      job.run(),
      job.run(),
      Promise.all(Array.from({ length: 30 }, () => chat(users[0]))),
    ]);
    expect(first).toBe(second); // overlapping calls share one run
    expect(responses.every((r) => r.status === 201)).toBe(true);
    expect(await job.run()).toBe(0);

    for (const user of users) {
      expect((await entriesOf(user, 'period_grant')).length).toBe(1);
      expect((await entriesOf(user, 'expiry')).map((e) => e.amount)).toEqual([-90]);
      await expectLedgerConsistent(t.dataSource, user.id);
    }
    expect((await balanceOf(users[0])).balance).toBe(70);
    expect((await balanceOf(users[0])).usedThisPeriod).toBe(30);
    expect((await balanceOf(users[1])).balance).toBe(100);
  });

  it('50 parallel requests at the first moment of a new period: one roll, every charge counted', async () => {
    const user = await registerUser(t.http);
    await subscribe(user, 'starter');
    await endPeriodOf(user);
    const responses = await Promise.all(Array.from({ length: 50 }, () => chat(user)));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.entries.filter((e) => e.type === 'period_grant').length).toBe(1);
    expect(state.entries.filter((e) => e.type === 'usage').length).toBe(50);
    expect(state.balance).toBe(20_000 - 50);
    expect((await balanceOf(user)).usedThisPeriod).toBe(50);
  });

  it('a request refused after the roll does not undo the roll', async () => {
    const user = await registerUser(t.http);
    await spendDownTo(t.http, user, 0);
    await endPeriodOf(user);
    const refused = await t.http.post('/services/seo-title', { text: 'Token metering for NestJS services' }, { token: user.token });
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ balance: 100, required: 300 });
    const state = await ledgerState(t.dataSource, user.id);
    expect(state.balance).toBe(100);
    expect(state.entries.filter((e) => e.type === 'period_grant').length).toBe(1);
  });

  it('the allowance a running completion holds expires with its period: on a plan that keeps nothing, never more than the grant after the roll', async () => {
    const user = await registerUser(t.http); // free: 100 tokens, rollover cap 0
    const key = (await t.http.post('/api-keys', { name: 'k' }, { token: user.token })).body.key as string;
    upstream.next({ kind: 'slow', delayMs: 300 });
    const answer = fetch(`${t.http.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-gpt', messages: [{ role: 'user', content: 'a b' }], max_tokens: 40, stream: true }),
    });
    while ((await balanceOf(user)).held === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const { held } = await balanceOf(user);
    await endPeriodOf(user);
    // The roll: the 100 - held left and the held allowance both expire; the new period grants 100.
    expect(await balanceOf(user)).toMatchObject({ balance: 100, allowance: 100, held: 0 });
    await (await answer).text();

    const after = await balanceOf(user);
    const [usage] = await entriesOf(user, 'usage');
    expect(after).toMatchObject({ allowance: 100 + usage.amount, held: 0, owed: 0 });
    const [expiry] = await entriesOf(user, 'expiry');
    expect(expiry).toMatchObject({ amount: -(100 - held), metadata: { rolloverCap: 0, heldExpired: held } });
    expect((await entriesOf(user, 'hold_release'))[0]).toMatchObject({ amount: 0 });
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('a refund that lands after the period ended is still paid back, in the new period', async () => {
    const user = await registerUser(t.http);
    const response = await t.http.post('/test-periods/fails-across-period-end', {}, { token: user.token });
    expect(response.body.code).toBe('SERVICE_FAILED');
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.entries.map((e) => e.type)).toEqual(['initial_grant', 'usage', 'expiry', 'period_grant', 'refund']);
    expect(state.balance).toBe(105); // the free plan's 100 for the new period, plus the refunded 5
    expect((await balanceOf(user)).usedThisPeriod).toBe(0);
  });
});
