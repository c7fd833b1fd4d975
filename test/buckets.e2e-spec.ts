/**
 * Two buckets per account: the allowance (the plan's tokens of the period, of which only what
 * exceeds the rollover cap expires) and credits (purchases and admin grants, which never expire).
 * Charges and deducts take the allowance first, in one conditional statement; refunds give back
 * to the buckets their charge took from; a period grants its plan's tokens once, however the plan
 * moves up and down. Time is driven by a fake clock.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '@token-metering/database';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { MIGRATIONS } from '../src/database/migrations/index.js';
import { FakeClock } from './support/fake-clock.js';
import { bearerTokenFor, buyTokens, loginAdmin, registerUser, spendDownTo, TestUser } from './support/factories.js';
import { bucketState, expectLedgerConsistent } from './support/ledger-assertions.js';
import { createProbe } from './support/probe.js';
import { startTestApp, TestApp } from './support/test-app.js';
import { createTestDatabase } from './support/test-database.js';

const DAY = 24 * 3600 * 1000;
const clock = new FakeClock();

interface Entry {
  type: string;
  amount: number;
  allowanceAmount: number;
  creditsAmount: number;
  metadata: Record<string, unknown> | null;
}

const failing = createProbe('test-buckets', [{ path: 'fails', action: 'test_buckets_fails', cost: 10, fails: 'provider failed' }]);

describe('allowance and credits', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp({
      controllers: [failing.controller],
      env: { PERIOD_ROLLOVER_INTERVAL_SECONDS: '0' },
      override: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
    adminToken = await loginAdmin(t.http);
    // A paid plan that carries nothing over, beside the shipped ones.
    await t.dataSource.query(
      'INSERT INTO plans (code, name, monthly_tokens, price_cents, rollover_cap, is_default) VALUES (?, ?, ?, ?, ?, ?)',
      ['monthly_only', 'Monthly only', 5000, 900, 0, false],
    );
  });
  afterAll(() => t.close());

  const balanceOf = async (user: TestUser) => (await t.http.get('/tokens/balance', { token: user.token })).body;
  const bucketsOf = async (user: TestUser) => {
    const { balance, allowance, credits } = await balanceOf(user);
    return { balance, allowance, credits };
  };
  const entries = async (user: TestUser, type?: string): Promise<Entry[]> =>
    (await t.http.get(`/tokens/transactions?limit=100${type ? `&type=${type}` : ''}`, { token: user.token })).body.items;
  const post = (user: TestUser) =>
    t.http.post('/services/social-posts', { text: 'Two buckets', platforms: ['linkedin'] }, { token: user.token });

  async function subscribe(user: TestUser, planCode: string): Promise<Entry> {
    const response = await t.http.put(`/admin/users/${user.id}/subscription`, { planCode }, { token: adminToken });
    expect(response.status).toBe(200);
    return (await entries(user, 'plan_change'))[0];
  }
  async function grant(user: TestUser, amount: number): Promise<void> {
    expect((await t.http.post(`/admin/users/${user.id}/tokens/grant`, { amount, reason: 'credits' }, { token: adminToken })).status).toBe(
      201,
    );
  }
  async function endPeriodOf(user: TestUser): Promise<void> {
    const { periodEnd } = await balanceOf(user);
    clock.advance(new Date(periodEnd).getTime() - clock.now().getTime() + 1000);
  }

  describe('the end of a month with a purchase', () => {
    it('free plan (no rollover): the unused allowance expires, the purchased tokens stay', async () => {
      const user = await registerUser(t.http);
      await buyTokens(t.http, user, 'tokens_1k');
      expect(await bucketsOf(user)).toEqual({ balance: 1100, allowance: 100, credits: 1000 });
      await spendDownTo(t.http, user, 1070); // 30 from the allowance, which is spent first
      expect(await bucketsOf(user)).toEqual({ balance: 1070, allowance: 70, credits: 1000 });

      await endPeriodOf(user);
      expect(await bucketsOf(user)).toEqual({ balance: 1100, allowance: 100, credits: 1000 });
      expect((await entries(user, 'expiry')).map((e) => [e.amount, e.allowanceAmount, e.creditsAmount])).toEqual([[-70, -70, 0]]);
      expect((await entries(user, 'purchase')).map((e) => [e.amount, e.allowanceAmount, e.creditsAmount])).toEqual([[1000, 0, 1000]]);

      // Several idle months later the credits are still whole.
      clock.advance(95 * DAY);
      expect(await bucketsOf(user)).toEqual({ balance: 1100, allowance: 100, credits: 1000 });
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it('paid plan without rollover: the same; a month spent into the credits leaves what remains of them', async () => {
      const user = await registerUser(t.http);
      await subscribe(user, 'monthly_only'); // 100 + 4,900 = 5,000 allowance
      await buyTokens(t.http, user, 'tokens_1k');
      await grant(user, 500);
      expect(await bucketsOf(user)).toEqual({ balance: 6500, allowance: 5000, credits: 1500 });

      await endPeriodOf(user);
      expect(await bucketsOf(user)).toEqual({ balance: 6500, allowance: 5000, credits: 1500 });
      expect((await entries(user, 'expiry')).map((e) => e.amount)).toEqual([-5000]);

      await t.http.put(`/admin/costs/social_media_post`, { cost: 1000, userId: user.id }, { token: adminToken });
      for (let i = 0; i < 6; i++) expect((await post(user)).status).toBe(201); // 5,000 allowance, then 1,000 of credits
      expect(await bucketsOf(user)).toEqual({ balance: 500, allowance: 0, credits: 500 });
      await endPeriodOf(user);
      expect(await bucketsOf(user)).toEqual({ balance: 5500, allowance: 5000, credits: 500 });
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it('paid plan with rollover: up to the cap of allowance carries over, credits in full', async () => {
      const user = await registerUser(t.http);
      await subscribe(user, 'starter'); // 10,000 allowance, cap 10,000
      await buyTokens(t.http, user, 'tokens_10k');
      expect(await bucketsOf(user)).toEqual({ balance: 20_000, allowance: 10_000, credits: 10_000 });

      await endPeriodOf(user);
      expect(await bucketsOf(user)).toEqual({ balance: 30_000, allowance: 20_000, credits: 10_000 });
      await endPeriodOf(user);
      expect(await bucketsOf(user)).toEqual({ balance: 30_000, allowance: 20_000, credits: 10_000 });
      expect((await entries(user, 'expiry')).map((e) => [e.amount, e.allowanceAmount, e.creditsAmount])).toEqual([[-10_000, -10_000, 0]]);
      await expectLedgerConsistent(t.dataSource, user.id);
    });
  });

  describe("a period's plan tokens are granted once", () => {
    it('free -> professional -> free -> professional ... adds 1,999,900 once', async () => {
      const user = await registerUser(t.http);
      const changes: number[] = [];
      for (const plan of ['professional', 'free', 'professional', 'free', 'professional', 'free', 'professional']) {
        changes.push((await subscribe(user, plan)).amount);
      }
      expect(changes).toEqual([1_999_900, 0, 0, 0, 0, 0, 0]);
      expect(await bucketsOf(user)).toEqual({ balance: 2_000_000, allowance: 2_000_000, credits: 0 });

      // A step up that stays under what was granted adds nothing either; one above it adds the rest.
      expect((await subscribe(user, 'pro')).amount).toBe(0);
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it('upgrading adds what the new plan exceeds the highest allowance granted this period', async () => {
      const user = await registerUser(t.http);
      expect((await subscribe(user, 'starter')).amount).toBe(9_900);
      expect((await subscribe(user, 'free')).amount).toBe(0);
      expect((await subscribe(user, 'pro')).amount).toBe(190_000);
      expect((await subscribe(user, 'professional')).amount).toBe(1_800_000);
      expect((await bucketsOf(user)).allowance).toBe(2_000_000);
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it('the next period grants the current plan, and an upgrade in it counts from that grant', async () => {
      const user = await registerUser(t.http);
      await subscribe(user, 'professional');
      await subscribe(user, 'free');
      await endPeriodOf(user);
      // Free now: its 100 are granted (the professional allowance above free's cap of 0 expired).
      expect(await bucketsOf(user)).toEqual({ balance: 100, allowance: 100, credits: 0 });
      expect((await entries(user, 'period_grant'))[0]).toMatchObject({
        amount: 100,
        metadata: expect.objectContaining({ planCode: 'free' }),
      });
      expect((await subscribe(user, 'professional')).amount).toBe(1_999_900);
      expect((await subscribe(user, 'free')).amount).toBe(0);
      expect((await subscribe(user, 'professional')).amount).toBe(0);
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it('parallel upgrades of one account grant the difference once', async () => {
      const user = await registerUser(t.http);
      const responses = await Promise.all(
        Array.from({ length: 8 }, () =>
          t.http.put(`/admin/users/${user.id}/subscription`, { planCode: 'professional' }, { token: adminToken }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect((await entries(user, 'plan_change')).map((e) => e.amount).sort((a, b) => b - a)).toEqual([1_999_900, 0, 0, 0, 0, 0, 0, 0]);
      expect((await bucketsOf(user)).allowance).toBe(2_000_000);
      await expectLedgerConsistent(t.dataSource, user.id);
    });
  });

  describe('spending order', () => {
    it('concurrent charges that cross from allowance into credits: exact split, each bucket consistent', async () => {
      const user = await registerUser(t.http);
      await spendDownTo(t.http, user, 95); // allowance 95
      await grant(user, 50); // credits 50: balance 145
      const responses = await Promise.all(Array.from({ length: 20 }, () => post(user))); // 10 each
      expect(responses.filter((r) => r.status === 201)).toHaveLength(14);
      expect(responses.filter((r) => r.status === 402)).toHaveLength(6);
      expect(await bucketsOf(user)).toEqual({ balance: 5, allowance: 0, credits: 5 });

      const usage = (await entries(user, 'usage')).filter((e) => e.amount === -10);
      expect(usage).toHaveLength(14);
      expect(usage.reduce((sum, e) => sum + e.allowanceAmount, 0)).toBe(-95);
      expect(usage.reduce((sum, e) => sum + e.creditsAmount, 0)).toBe(-45);
      // Nine charges from the allowance, one split 5/5 across the boundary, four from credits.
      const shapes = usage.map((e) => `${e.allowanceAmount}/${e.creditsAmount}`).sort();
      expect(shapes).toEqual([...Array(4).fill('0/-10'), '-5/-5', ...Array(9).fill('-10/0')].sort());
      for (const e of usage) expect(e.allowanceAmount + e.creditsAmount).toBe(e.amount);
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it('a refund gives back to the buckets its charge took from', async () => {
      const user = await registerUser(t.http);
      await spendDownTo(t.http, user, 5);
      await grant(user, 100);
      expect((await t.http.post('/test-buckets/fails', {}, { token: user.token })).status).toBe(502);
      const [refund] = await entries(user, 'refund');
      const [usage] = (await entries(user, 'usage')).filter((e) => e.amount === -10);
      expect([usage.allowanceAmount, usage.creditsAmount]).toEqual([-5, -5]);
      expect([refund.amount, refund.allowanceAmount, refund.creditsAmount]).toEqual([10, 5, 5]);
      expect(refund.metadata).toMatchObject({ reason: 'SERVICE_FAILED' });
      expect(await bucketsOf(user)).toEqual({ balance: 105, allowance: 5, credits: 100 });
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it('an admin deduct takes the allowance first, then credits; one larger than the balance changes nothing', async () => {
      const user = await registerUser(t.http);
      await grant(user, 300);
      const deduct = (amount: number) =>
        t.http.post(`/admin/users/${user.id}/tokens/deduct`, { amount, reason: 'correction' }, { token: adminToken });
      const first = await deduct(150);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ amount: -150, allowanceAmount: -100, creditsAmount: -50, balanceAfter: 250 });
      expect((await deduct(251)).status).toBe(402);
      expect(await bucketsOf(user)).toEqual({ balance: 250, allowance: 0, credits: 250 });
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it('the admin account view shows both buckets', async () => {
      const user = await registerUser(t.http);
      await grant(user, 40);
      const view = await t.http.get(`/admin/users/${user.id}/tokens`, { token: adminToken });
      expect(view.body).toMatchObject({ balance: 140, allowance: 100, credits: 40 });
      expect(view.body.recentEntries[0]).toMatchObject({ type: 'admin_grant', amount: 40, allowanceAmount: 0, creditsAmount: 40 });
    });
  });

  it('the integrity report finds a bucket that does not follow from its movements', async () => {
    const user = await registerUser(t.http);
    await grant(user, 20);
    // Moves 5 tokens from credits to allowance behind the ledger's back: the balance still matches.
    await t.dataSource.query('UPDATE token_accounts SET allowance = allowance + 5, credits = credits - 5 WHERE user_id = ?', [user.id]);
    const report = (await t.http.get('/admin/tokens/integrity', { token: adminToken })).body;
    expect(report.ok).toBe(false);
    expect(report.mismatches.some((m: { userId: string }) => m.userId === user.id)).toBe(false);
    expect(report.bucketMismatches).toContainEqual({
      userId: user.id,
      balance: 120,
      allowance: 105,
      credits: 15,
      ledgerAllowance: 100,
      ledgerCredits: 20,
    });
    await t.dataSource.query('UPDATE token_accounts SET allowance = allowance - 5, credits = credits + 5 WHERE user_id = ?', [user.id]);
    expect((await t.http.get('/admin/tokens/integrity', { token: adminToken })).body.bucketMismatches).toEqual([]);
  });
});

describe('the migration to two buckets', () => {
  /** 'YYYY-MM-DD HH:MM:SS' in UTC: what both databases accept for a datetime column. */
  const sqlDate = (date: Date) => date.toISOString().slice(0, 19).replace('T', ' ');

  it('splits existing balances without changing any, and leaves the integrity report ok', async () => {
    const database = await createTestDatabase();
    const beforeBuckets = MIGRATIONS.findIndex((m) => m.name.startsWith('TwoBuckets'));
    const legacy = new DataSource({
      ...dataSourceOptions({ SQLITE_PATH: 'unused', MIGRATIONS_RUN: false, ...database.env }),
      migrations: MIGRATIONS.slice(0, beforeBuckets),
    });
    await legacy.initialize();
    await legacy.runMigrations();

    // Rows as the one-balance ledger wrote them.
    const now = new Date();
    const periodEnd = new Date(now.getTime() + 10 * DAY);
    const users = { plain: randomUUID(), buyer: randomUUID() };
    for (const id of Object.values(users)) {
      await legacy.query('INSERT INTO users (id, email, name, password_hash, role, created_at) VALUES (?, ?, NULL, ?, ?, ?)', [
        id,
        `${id}@tokens.test`,
        'x',
        'user',
        sqlDate(now),
      ]);
      await legacy.query(
        'INSERT INTO subscriptions (user_id, plan_code, tokens_limit, status, period_start, period_end, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [id, 'starter', 10_000, 'active', sqlDate(now), sqlDate(periodEnd), sqlDate(now), sqlDate(now)],
      );
    }
    const usageId = randomUUID();
    const history: Record<string, [string, number, string | null, string?][]> = {
      plain: [
        ['initial_grant', 100, null],
        ['usage', -30, null],
        ['plan_change', 9_900, null],
      ],
      buyer: [
        ['initial_grant', 100, null],
        ['purchase', 1000, null],
        ['usage', -150, null, usageId], // 100 of allowance, then 50 of credits
        ['refund', 150, JSON.stringify({ refundOf: usageId, reason: 'provider failed' })],
        ['usage', -120, null],
        ['expiry', -80, null], // the old period end, which took purchased tokens as well
        ['period_grant', 100, null],
        ['admin_grant', 40, null],
      ],
    };
    for (const [who, rows] of Object.entries(history)) {
      const userId = users[who as keyof typeof users];
      let balance = 0;
      for (const [index, [type, amount, metadata, id]] of rows.entries()) {
        balance += amount;
        await legacy.query(
          'INSERT INTO token_ledger_entries (user_id, seq, id, type, action, amount, balance_after, request_id, actor_id, metadata, created_at) VALUES (?, ?, ?, ?, NULL, ?, ?, NULL, NULL, ?, ?)',
          [userId, index + 1, id ?? randomUUID(), type, amount, balance, metadata, sqlDate(now)],
        );
      }
      await legacy.query(
        'INSERT INTO token_accounts (user_id, balance, used_this_period, ledger_seq, period_end, updated_at) VALUES (?, ?, 0, ?, ?, ?)',
        [userId, balance, rows.length, sqlDate(periodEnd), sqlDate(now)],
      );
    }
    await legacy.destroy();

    const t = await startTestApp({ database });
    try {
      const admin = await loginAdmin(t.http);
      const report = (await t.http.get('/admin/tokens/integrity', { token: admin })).body;
      expect(report).toMatchObject({ ok: true, mismatches: [], bucketMismatches: [], brokenChains: [] });

      // plain: everything was allowance. buyer, replayed: allowance 100, credits 1000; the usage of 150 takes
      // 100 + 50 and its refund gives both back; the usage of 120 takes 100 + 20; the expiry of 80 (of an
      // empty allowance) takes credits; then 100 of allowance and 40 of credits: allowance 100, credits 940.
      expect(await bucketState(t.dataSource, users.plain)).toEqual({
        allowance: 9970,
        credits: 0,
        ledgerAllowance: 9970,
        ledgerCredits: 0,
      });
      expect(await bucketState(t.dataSource, users.buyer)).toEqual({
        allowance: 100,
        credits: 940,
        ledgerAllowance: 100,
        ledgerCredits: 940,
      });
      const buyer = await t.http.get('/tokens/balance', { token: await bearerTokenFor(t.app, users.buyer) });
      expect(buyer.body).toMatchObject({ balance: 1040, allowance: 100, credits: 940 });
      const split = await t.dataSource.query<{ type: string; allowance_amount: unknown; credits_amount: unknown }[]>(
        'SELECT type, allowance_amount, credits_amount FROM token_ledger_entries WHERE user_id = ? ORDER BY seq',
        [users.buyer],
      );
      expect(split.map((r) => `${r.type} ${Number(r.allowance_amount)}/${Number(r.credits_amount)}`)).toEqual([
        'initial_grant 100/0',
        'purchase 0/1000',
        'usage -100/-50',
        'refund 100/50',
        'usage -100/-20',
        'expiry 0/-80',
        'period_grant 100/0',
        'admin_grant 0/40',
      ]);
      for (const userId of Object.values(users)) await expectLedgerConsistent(t.dataSource, userId);

      // The period's granted allowance starts at the plan's tokens: an upgrade to the same plan grants nothing.
      const change = await t.http.put(`/admin/users/${users.plain}/subscription`, { planCode: 'starter' }, { token: admin });
      expect(change.status).toBe(200);
      const [entry] = await t.dataSource.query<{ amount: unknown }[]>(
        "SELECT amount FROM token_ledger_entries WHERE user_id = ? AND type = 'plan_change' ORDER BY seq DESC",
        [users.plain],
      );
      expect(Number(entry.amount)).toBe(0);
      // The ledger is append-only again after the migration filled the new columns.
      await expect(t.dataSource.query('UPDATE token_ledger_entries SET amount = 1 WHERE user_id = ?', [users.plain])).rejects.toThrow(
        /append-only/,
      );
    } finally {
      await t.close();
    }
  });
});
