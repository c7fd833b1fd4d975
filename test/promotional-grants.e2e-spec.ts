/**
 * Promotional grants: an admin grant with `expiresAt` (and `priority`) is spent after the period's
 * allowance and before purchased and permanent credits, by priority, then soonest expiry, then
 * oldest; what is left of it at `expiresAt` is removed by one `grant_expiry` entry, at the first
 * touch or by the background sweep, and from then on it is never spent. Time is a fake clock.
 */
import { Clock } from '@token-metering/database';
import { PeriodRolloverJob } from '@token-metering/tokens';
import { FakeClock } from './support/fake-clock.js';
import { loginAdmin, registerUser, sqlDate, type TestUser } from './support/factories.js';
import { expectLedgerConsistent, grantState } from './support/ledger-assertions.js';
import { createProbe } from './support/probe.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const clock = new FakeClock();
const probe = createProbe('test-grants', [
  { path: 'ten', action: 'test_grants_ten', cost: 10 },
  { path: 'fails', action: 'test_grants_fails', cost: 10, fails: 'provider failed' },
]);

interface GrantView {
  id: string;
  amount: number;
  remaining: number;
  priority: number;
  expiresAt: string;
  reason: string;
}

describe('promotional grants', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({
      controllers: [probe.controller],
      env: { PERIOD_ROLLOVER_INTERVAL_SECONDS: '0' },
      override: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
    admin = await loginAdmin(t.http);
  });
  afterAll(() => t.close());

  const balanceOf = async (user: TestUser) => (await t.http.get('/tokens/balance', { token: user.token })).body;
  const remainingOf = async (user: TestUser) =>
    Object.fromEntries(((await balanceOf(user)).grants as GrantView[]).map((grant) => [grant.reason, grant.remaining]));
  const spend = (user: TestUser, path = 'ten') => t.http.post(`/test-grants/${path}`, {}, { token: user.token });
  const entriesOf = async (user: TestUser, type: string) =>
    (await t.http.get(`/tokens/transactions?limit=100&type=${type}`, { token: user.token })).body.items;
  const grant = async (user: TestUser, body: Record<string, unknown>) => {
    const response = await t.http.post(`/admin/users/${user.id}/tokens/grant`, body, { token: admin });
    expect(response.status).toBe(201);
    return response.body;
  };
  const promote = (user: TestUser, amount: number, reason: string, expiresInMs: number, priority?: number) =>
    grant(user, { amount, reason, expiresAt: new Date(clock.now().getTime() + expiresInMs).toISOString(), ...(priority && { priority }) });
  /** A user whose free allowance (100) is spent: only credits are left to spend. */
  async function userWithoutAllowance(): Promise<TestUser> {
    const user = await registerUser(t.http);
    for (let i = 0; i < 10; i++) expect((await spend(user)).status).toBe(201);
    expect((await balanceOf(user)).allowance).toBe(0);
    return user;
  }

  it('spends the allowance, then grants by priority, then soonest expiry, then oldest, then permanent credits', async () => {
    const user = await registerUser(t.http);
    await grant(user, { amount: 1000, reason: 'permanent' });
    await promote(user, 30, 'later', 20 * DAY, 10);
    await promote(user, 30, 'sooner', 10 * DAY, 10);
    await promote(user, 20, 'first', 25 * DAY, 5);
    await promote(user, 20, 'sooner-twin', 10 * DAY, 10);
    const spendTimes = async (n: number) => {
      for (let i = 0; i < n; i++) expect((await spend(user)).status).toBe(201);
    };
    await spendTimes(10); // the allowance
    expect(await remainingOf(user)).toEqual({ first: 20, sooner: 30, 'sooner-twin': 20, later: 30 });
    await spendTimes(2);
    expect(await remainingOf(user)).toEqual({ first: 0, sooner: 30, 'sooner-twin': 20, later: 30 });
    await spendTimes(4); // `sooner` before its twin: granted earlier
    expect(await remainingOf(user)).toEqual({ first: 0, sooner: 0, 'sooner-twin': 10, later: 30 });
    await spendTimes(3);
    expect(await remainingOf(user)).toEqual({ first: 0, sooner: 0, 'sooner-twin': 0, later: 10 });
    await spendTimes(2);
    const balance = await balanceOf(user);
    expect(balance.grants.map((g: GrantView) => [g.reason, g.remaining, g.priority])).toEqual([
      ['first', 0, 5],
      ['sooner', 0, 10],
      ['sooner-twin', 0, 10],
      ['later', 0, 10],
    ]);
    expect([balance.allowance, balance.credits]).toEqual([0, 990]);
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('what is left at expiresAt is removed by one grant_expiry at the first touch, however many requests touch it at once', async () => {
    const user = await userWithoutAllowance();
    await grant(user, { amount: 500, reason: 'permanent' });
    const { metadata } = await promote(user, 100, 'promo', 2 * HOUR);
    for (let i = 0; i < 3; i++) expect((await spend(user)).status).toBe(201);
    expect(await remainingOf(user)).toEqual({ promo: 70 });
    clock.advance(2 * HOUR);
    const answers = await Promise.all(Array.from({ length: 20 }, () => spend(user)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(201));
    const expiries = await entriesOf(user, 'grant_expiry');
    expect(expiries.map((entry: any) => [entry.amount, entry.metadata.grantId])).toEqual([[-70, metadata.grantId]]);
    const balance = await balanceOf(user);
    expect([balance.credits, balance.grants]).toEqual([500 - 200, []]);
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('from expiresAt on a grant is never spent, even before its grant_expiry: the charge that finds it due is refused', async () => {
    const user = await userWithoutAllowance();
    await promote(user, 50, 'promo', HOUR);
    clock.advance(HOUR);
    const refused = await spend(user);
    expect(refused.status).toBe(402);
    expect(refused.body.code).toBe('INSUFFICIENT_TOKENS');
    expect((await entriesOf(user, 'grant_expiry')).map((entry: any) => entry.amount)).toEqual([-50]);
    expect((await balanceOf(user)).balance).toBe(0);
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('the background sweep expires the grants of an idle account, once', async () => {
    const user = await userWithoutAllowance();
    await grant(user, { amount: 40, reason: 'permanent' });
    await promote(user, 25, 'a', HOUR);
    await promote(user, 35, 'b', 3 * HOUR);
    clock.advance(HOUR);
    const job = t.app.get(PeriodRolloverJob);
    await job.run();
    await job.run();
    const rows = await t.dataSource.query("SELECT amount FROM token_ledger_entries WHERE user_id = ? AND type = 'grant_expiry'", [user.id]);
    expect(rows.map((row: any) => Number(row.amount))).toEqual([-25]);
    expect(await remainingOf(user)).toEqual({ b: 35 });
    clock.advance(2 * HOUR);
    await job.run();
    expect((await balanceOf(user)).credits).toBe(40);
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('a refunded charge gives back to the grant it took from', async () => {
    const user = await userWithoutAllowance();
    await grant(user, { amount: 100, reason: 'permanent' });
    await promote(user, 30, 'promo', DAY);
    expect((await spend(user, 'fails')).status).toBe(502);
    expect(await remainingOf(user)).toEqual({ promo: 30 });
    expect((await spend(user)).status).toBe(201);
    expect(await remainingOf(user)).toEqual({ promo: 20 });
    expect((await grantState(t.dataSource, user.id)).remaining).toEqual({ [(await balanceOf(user)).grants[0].id]: 20 });
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it("a completion's hold takes from the grant, and its settlement leaves it spent by the actual price only", async () => {
    const user = await userWithoutAllowance();
    await grant(user, { amount: 1000, reason: 'permanent' });
    await promote(user, 500, 'promo', DAY);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        t.http.post(
          '/v1/chat/completions',
          { model: 'local', messages: [{ role: 'user', content: 'spend my promotion' }] },
          { token: user.token },
        ),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    const charged = answers.reduce((sum, answer) => sum + Number(answer.headers.get('x-tokens-charged')), 0);
    expect(charged).toBeGreaterThan(0);
    expect(await remainingOf(user)).toEqual({ promo: 500 - charged });
    expect((await balanceOf(user)).credits).toBe(1500 - charged);
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('40 parallel charges and deducts never spend a grant twice or below 0; the integrity report agrees', async () => {
    const user = await userWithoutAllowance();
    await grant(user, { amount: 150, reason: 'permanent' });
    await promote(user, 120, 'promo', DAY, 1);
    const deduct = () => t.http.post(`/admin/users/${user.id}/tokens/deduct`, { amount: 10, reason: 'correction' }, { token: admin });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? deduct() : spend(user))));
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(27);
    expect(answers.filter((answer) => answer.status === 402)).toHaveLength(13);
    expect(await remainingOf(user)).toEqual({ promo: 0 });
    expect((await balanceOf(user)).credits).toBe(0);
    await expectLedgerConsistent(t.dataSource, user.id);
    const report = await t.http.get('/admin/tokens/integrity', { token: admin });
    expect(report.body.counts.grantMismatches).toBe(0);
  });

  it('the integrity report lists a grant its ledger never granted', async () => {
    const user = await userWithoutAllowance();
    const { seq } = await grant(user, { amount: 80, reason: 'permanent' });
    // A grant row whose entry is a permanent grant, not its own.
    await t.dataSource.query(
      'INSERT INTO token_grants (id, user_id, amount, priority, expires_at, reason, entry_seq, created_at) VALUES (?, ?, 5, 1, ?, ?, ?, ?)',
      [
        '00000000-0000-4000-8000-000000000001',
        user.id,
        sqlDate(new Date(clock.now().getTime() + DAY)),
        'forged',
        seq,
        sqlDate(clock.now()),
      ],
    );
    await t.dataSource.query('UPDATE token_accounts SET grants_expire_at = ? WHERE user_id = ?', [
      sqlDate(new Date(clock.now().getTime() + DAY)),
      user.id,
    ]);
    const report = (await t.http.get('/admin/tokens/integrity', { token: admin })).body;
    expect(report.grantMismatches).toContainEqual({
      userId: user.id,
      grantId: '00000000-0000-4000-8000-000000000001',
      amount: 5,
      remaining: 0,
      credits: 80,
    });
    expect(report.ok).toBe(false);
    await t.dataSource.query('DELETE FROM token_grants WHERE user_id = ?', [user.id]);
    await t.dataSource.query('UPDATE token_accounts SET grants_expire_at = NULL WHERE user_id = ?', [user.id]);
  });

  it.each([
    [{ expiresAt: 'tomorrow' }, 'expiresAt'],
    [{ expiresAt: new Date(0).toISOString() }, 'expiresAt'],
    [{ expiresAt: '3000-01-01T00:00:00.000Z' }, 'expiresAt'],
    [{ priority: 5 }, 'priority'],
    [{ expiresAt: 'FUTURE', priority: 0 }, 'priority'],
    [{ expiresAt: 'FUTURE', priority: 101 }, 'priority'],
    [{ expiresAt: 'FUTURE', priority: 1.5 }, 'priority'],
  ])('refuses %j with 400 naming %s, changing nothing', async (terms, field) => {
    const user = await registerUser(t.http);
    const body: Record<string, unknown> = { amount: 10, reason: 'promo', ...terms };
    if (body.expiresAt === 'FUTURE') body.expiresAt = new Date(clock.now().getTime() + DAY).toISOString();
    const response = await t.http.post(`/admin/users/${user.id}/tokens/grant`, body, { token: admin });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(response.body.details)).toContain(field);
    expect(await entriesOf(user, 'admin_grant')).toEqual([]);
  });
});
