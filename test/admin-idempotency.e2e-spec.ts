/**
 * Admin grants, deducts and plan changes with an Idempotency-Key (per admin, 24 hours): a retry
 * replays the first answer and never applies the change twice, even when the retries arrive at
 * the same time; the same key with another request is 409; a refused change leaves the key unused.
 */
import { bearerTokenFor, loginAdmin, registerUser, TestUser } from './support/factories.js';
import { expectLedgerConsistent, ledgerState } from './support/ledger-assertions.js';
import { startTestApp, TestApp } from './support/test-app.js';

describe('idempotent admin writes', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    adminToken = await loginAdmin(t.http);
  });
  afterAll(() => t.close());

  const adjust = (user: TestUser, kind: 'grant' | 'deduct', amount: number, key?: string, token = adminToken) =>
    t.http.post(
      `/admin/users/${user.id}/tokens/${kind}`,
      { amount, reason: 'support ticket 42' },
      { token, headers: key ? { 'idempotency-key': key } : {} },
    );
  const changePlan = (user: TestUser, planCode: string, key?: string) =>
    t.http.put(`/admin/users/${user.id}/subscription`, { planCode }, { token: adminToken, headers: key ? { 'idempotency-key': key } : {} });
  const rowsOf = async (user: TestUser, type: string) => (await ledgerState(t.dataSource, user.id)).entries.filter((e) => e.type === type);

  it('a retried grant replays the first answer and grants once', async () => {
    const user = await registerUser(t.http);
    const first = await adjust(user, 'grant', 500, 'grant-1');
    const retry = await adjust(user, 'grant', 500, 'grant-1');
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await rowsOf(user, 'admin_grant')).toHaveLength(1);
    expect((await expectLedgerConsistent(t.dataSource, user.id)).balance).toBe(600);
  });

  it('concurrent retries of a grant with one key: every answer is the same entry, granted once', async () => {
    const user = await registerUser(t.http);
    const responses = await Promise.all(Array.from({ length: 12 }, () => adjust(user, 'grant', 250, 'burst')));
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(await rowsOf(user, 'admin_grant')).toHaveLength(1);
    expect((await expectLedgerConsistent(t.dataSource, user.id)).balance).toBe(350);
  });

  it('the same key with another body or another user is 409 IDEMPOTENCY_KEY_REUSED and changes nothing', async () => {
    const [user, other] = [await registerUser(t.http), await registerUser(t.http)];
    expect((await adjust(user, 'grant', 100, 'reused')).status).toBe(201);
    for (const response of [
      await adjust(user, 'grant', 101, 'reused'),
      await adjust(other, 'grant', 100, 'reused'),
      await adjust(user, 'deduct', 100, 'reused'),
    ]) {
      expect([response.status, response.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    }
    expect((await ledgerState(t.dataSource, user.id)).balance).toBe(200);
    expect((await ledgerState(t.dataSource, other.id)).balance).toBe(100);
  });

  it('a deduct refused with 402 leaves its key unused: the retry after a top-up deducts once', async () => {
    const user = await registerUser(t.http);
    expect((await adjust(user, 'deduct', 150, 'deduct-1')).status).toBe(402);
    expect(await rowsOf(user, 'admin_deduct')).toHaveLength(0);
    expect((await adjust(user, 'grant', 100)).status).toBe(201);
    const deducted = await adjust(user, 'deduct', 150, 'deduct-1');
    const replayed = await adjust(user, 'deduct', 150, 'deduct-1');
    expect([deducted.status, replayed.status]).toEqual([201, 201]);
    expect(replayed.body).toEqual(deducted.body);
    expect(await rowsOf(user, 'admin_deduct')).toHaveLength(1);
    expect((await expectLedgerConsistent(t.dataSource, user.id)).balance).toBe(50);
  });

  it('a retried plan change replays the subscription and grants the plan once', async () => {
    const user = await registerUser(t.http);
    const responses = await Promise.all(Array.from({ length: 6 }, () => changePlan(user, 'pro', 'upgrade-1')));
    expect(responses.map((r) => r.status)).toEqual(Array(6).fill(200));
    for (const response of responses) expect(response.body).toEqual(responses[0].body);
    expect(responses[0].body.plan.code).toBe('pro');
    expect(await rowsOf(user, 'plan_change')).toHaveLength(1);
    expect((await expectLedgerConsistent(t.dataSource, user.id)).balance).toBe(200_000);
  });

  it('keys are per admin: another admin with the same key makes its own change', async () => {
    const user = await registerUser(t.http);
    const second = await registerUser(t.http);
    await t.dataSource.query("UPDATE users SET role = 'admin' WHERE id = ?", [second.id]);
    const secondToken = await bearerTokenFor(t.app, second.id, 'admin');
    expect((await adjust(user, 'grant', 10, 'shared-key')).status).toBe(201);
    const other = await adjust(user, 'grant', 10, 'shared-key', secondToken);
    expect(other.status).toBe(201);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(await rowsOf(user, 'admin_grant')).toHaveLength(2);
  });

  it('a malformed key is 400 and changes nothing', async () => {
    const user = await registerUser(t.http);
    for (const key of ['', 'k'.repeat(256), 'with space']) {
      const response = await adjust(user, 'grant', 10, key || ' ');
      expect([response.status, response.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect(await rowsOf(user, 'admin_grant')).toHaveLength(0);
  });
});
