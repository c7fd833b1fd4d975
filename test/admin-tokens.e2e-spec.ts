/**
 * Admin token controls (grant, deduct, account view) and price overrides (global, per plan,
 * per user; effective on the next request of every app instance).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { loginAdmin, registerUser, spendDownTo, TestUser } from './support/factories.js';
import { expectLedgerConsistent, ledgerState } from './support/ledger-assertions.js';
import { startTestApp, TestApp } from './support/test-app.js';

describe('admin token controls', () => {
  let t: TestApp;
  let adminToken: string;
  let adminId: string;

  beforeAll(async () => {
    t = await startTestApp();
    adminToken = await loginAdmin(t.http);
    adminId = (await t.http.get('/users/me', { token: adminToken })).body.id;
  });
  afterAll(() => t.close());

  const grant = (userId: string, body: unknown, token = adminToken) => t.http.post(`/admin/users/${userId}/tokens/grant`, body, { token });
  const deduct = (userId: string, body: unknown, token = adminToken) =>
    t.http.post(`/admin/users/${userId}/tokens/deduct`, body, { token });

  it('grants tokens with the reason and the admin on the ledger entry', async () => {
    const user = await registerUser(t.http);
    const response = await grant(user.id, { amount: 5000, reason: '  goodwill after the outage  ' });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      type: 'admin_grant',
      amount: 5000,
      balanceAfter: 5100,
      actorId: adminId,
      metadata: { reason: 'goodwill after the outage' },
    });
    const balance = await t.http.get('/tokens/balance', { token: user.token });
    expect(balance.body.balance).toBe(5100);
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.entries.map((e) => e.type)).toEqual(['initial_grant', 'admin_grant']);
    const [row] = await t.dataSource.query('SELECT actor_id FROM token_ledger_entries WHERE user_id = ? AND seq = 2', [user.id]);
    expect(row.actor_id).toBe(adminId);
  });

  it('admin entries carry the request id of the admin request that made them (and the client one beside it)', async () => {
    const user = await registerUser(t.http);
    const headers = { 'x-request-id': 'admin-op-7' };
    const granted = await t.http.post(`/admin/users/${user.id}/tokens/grant`, { amount: 10, reason: 'r' }, { token: adminToken, headers });
    const deducted = await t.http.post(`/admin/users/${user.id}/tokens/deduct`, { amount: 5, reason: 'r' }, { token: adminToken, headers });
    const changed = await t.http.put(`/admin/users/${user.id}/subscription`, { planCode: 'starter' }, { token: adminToken, headers });
    expect([granted.status, deducted.status, changed.status]).toEqual([201, 201, 200]);
    const ids = [granted, deducted, changed].map((response) => response.headers.get('x-request-id'));
    expect(new Set(ids).size).toBe(3);
    expect(granted.body).toMatchObject({ requestId: ids[0], clientRequestId: 'admin-op-7' });
    const rows = await t.dataSource.query<Array<{ type: string; request_id: string | null; client_request_id: string | null }>>(
      'SELECT type, request_id, client_request_id FROM token_ledger_entries WHERE user_id = ? AND seq > 1 ORDER BY seq',
      [user.id],
    );
    expect(rows.map((row) => [row.type, row.request_id, row.client_request_id])).toEqual([
      ['admin_grant', ids[0], 'admin-op-7'],
      ['admin_deduct', ids[1], 'admin-op-7'],
      ['plan_change', ids[2], 'admin-op-7'],
    ]);
  });

  it('deducts tokens; a deduct below 0 is 402 and changes nothing', async () => {
    const user = await registerUser(t.http);
    const ok = await deduct(user.id, { amount: 60, reason: 'chargeback' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ type: 'admin_deduct', amount: -60, balanceAfter: 40, actorId: adminId });

    const before = await ledgerState(t.dataSource, user.id);
    const refused = await deduct(user.id, { amount: 41, reason: 'too much' });
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ code: 'INSUFFICIENT_TOKENS', balance: 40, required: 41 });
    expect(await ledgerState(t.dataSource, user.id)).toEqual(before);

    expect((await deduct(user.id, { amount: 40, reason: 'to zero' })).status).toBe(201);
    expect((await ledgerState(t.dataSource, user.id)).balance).toBe(0);
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('20 parallel deducts of 10 from 100: exactly 10 succeed, the balance never goes below 0', async () => {
    const user = await registerUser(t.http);
    const responses = await Promise.all(Array.from({ length: 20 }, () => deduct(user.id, { amount: 10, reason: 'parallel' })));
    expect(responses.filter((r) => r.status === 201).length).toBe(10);
    expect(responses.filter((r) => r.status === 402).length).toBe(10);
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.balance).toBe(0);
  });

  it('shows a user’s balance and recent ledger to admins', async () => {
    const user = await registerUser(t.http);
    await spendDownTo(t.http, user, 97);
    await grant(user.id, { amount: 3, reason: 'top up' });
    const response = await t.http.get(`/admin/users/${user.id}/tokens`, { token: adminToken });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ userId: user.id, balance: 100, plan: 'free', usedThisPeriod: 3 });
    expect(response.body.recentEntries.map((e: { type: string }) => e.type)).toEqual([
      'admin_grant',
      'usage',
      'usage',
      'usage',
      'initial_grant',
    ]);
    expect(response.body.recentEntries[0]).toMatchObject({ actorId: adminId, metadata: { reason: 'top up' } });
  });

  it.each([
    [{ amount: 0, reason: 'zero' }],
    [{ amount: -5, reason: 'negative' }],
    [{ amount: 1.5, reason: 'fraction' }],
    [{ amount: 1_000_000_001, reason: 'over the bound' }],
    [{ amount: Number.MAX_SAFE_INTEGER + 2, reason: 'unsafe' }],
    [{ amount: '10', reason: 'string' }],
    [{ amount: 10 }],
    [{ amount: 10, reason: '   ' }],
    [{ amount: 10, reason: 'x'.repeat(501) }],
    [{ amount: 10, reason: 'ok', extra: true }],
  ])('refuses a malformed adjustment %j with 400 and changes nothing', async (body) => {
    const user = await registerUser(t.http);
    const before = await ledgerState(t.dataSource, user.id);
    for (const send of [grant, deduct]) {
      const response = await send(user.id, body);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    }
    expect(await ledgerState(t.dataSource, user.id)).toEqual(before);
  });

  it('answers 404 for an unknown user, 400 for a malformed id, 403 for non-admins, 401 without credentials', async () => {
    const user = await registerUser(t.http);
    expect((await grant(randomUUID(), { amount: 1, reason: 'x' })).status).toBe(404);
    expect((await t.http.get(`/admin/users/${randomUUID()}/tokens`, { token: adminToken })).status).toBe(404);
    expect((await grant('not-a-uuid', { amount: 1, reason: 'x' })).status).toBe(400);
    expect((await grant(user.id, { amount: 1, reason: 'self' }, user.token)).status).toBe(403);
    expect((await deduct(user.id, { amount: 1, reason: 'x' }, user.token)).status).toBe(403);
    expect((await t.http.get(`/admin/users/${user.id}/tokens`, { token: user.token })).status).toBe(403);
    expect((await t.http.post(`/admin/users/${user.id}/tokens/grant`, { amount: 1, reason: 'x' })).status).toBe(401);
    expect((await ledgerState(t.dataSource, user.id)).balance).toBe(100);
  });
});

describe('price overrides', () => {
  let t: TestApp;
  /** A second app instance on the same database, with its own price cache. */
  let other: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    const env = { JWT_SECRET: randomBytes(32).toString('hex') }; // one secret: a user's token works on both instances
    t = await startTestApp({ env });
    other = await startTestApp({ env, database: t.database });
    adminToken = await loginAdmin(t.http);
  });
  afterAll(async () => {
    await other.close({ keepDatabase: true });
    await t.close();
  });

  const setPrice = (action: string, body: unknown) => t.http.put(`/admin/costs/${action}`, body, { token: adminToken });
  const removePrice = (action: string, query = '') => t.http.delete(`/admin/costs/${action}${query}`, { token: adminToken });
  const chatOn = (app: TestApp, user: TestUser) => app.http.post('/services/chat', { message: 'hi' }, { token: user.token });
  const costOf = async (app: TestApp, user: TestUser, action: string) =>
    (
      (await app.http.get('/tokens/costs', { token: user.token })).body as { action: string; cost: number; overriddenBy: string | null }[]
    ).find((c) => c.action === action);

  async function userOnPlan(planCode: string): Promise<TestUser> {
    const user = await registerUser(t.http);
    if (planCode !== 'free') await t.http.put(`/admin/users/${user.id}/subscription`, { planCode }, { token: adminToken });
    return user;
  }

  it('the most specific override wins (user > plan > global > default) and applies on the next request of every instance', async () => {
    const [freeUser, proUser, vipUser] = [await userOnPlan('free'), await userOnPlan('pro'), await userOnPlan('pro')];
    // Both instances priced the action once, so both have a cached price list.
    expect((await chatOn(t, freeUser)).headers.get('x-tokens-charged')).toBe('1');
    expect((await chatOn(other, proUser)).headers.get('x-tokens-charged')).toBe('1');

    const global = await setPrice('ai_chat_message', { cost: 3 });
    expect(global.status).toBe(200);
    expect(global.body).toMatchObject({ action: 'ai_chat_message', cost: 3, scope: 'global', planCode: null, userId: null });
    expect((await t.http.put('/admin/costs/ai_chat_message', { cost: 2, planCode: 'pro' }, { token: adminToken })).body).toMatchObject({
      scope: 'plan',
      planCode: 'pro',
    });
    expect((await setPrice('ai_chat_message', { cost: 0, userId: vipUser.id })).body).toMatchObject({
      scope: 'user',
      userId: vipUser.id,
      cost: 0,
    });

    for (const app of [t, other]) {
      expect((await chatOn(app, freeUser)).headers.get('x-tokens-charged')).toBe('3');
      expect((await chatOn(app, proUser)).headers.get('x-tokens-charged')).toBe('2');
      expect((await chatOn(app, vipUser)).status).toBe(201);
      expect(await costOf(app, freeUser, 'ai_chat_message')).toMatchObject({ cost: 3, overriddenBy: 'global' });
      expect(await costOf(app, proUser, 'ai_chat_message')).toMatchObject({ cost: 2, overriddenBy: 'plan' });
      expect(await costOf(app, vipUser, 'ai_chat_message')).toMatchObject({ cost: 0, overriddenBy: 'user' });
    }
    // The free user paid 1 + 3 + 3; a zero price charges nothing and records nothing.
    expect((await expectLedgerConsistent(t.dataSource, freeUser.id)).balance).toBe(93);
    expect((await ledgerState(t.dataSource, vipUser.id)).entries.filter((e) => e.type === 'usage')).toEqual([]);

    expect((await setPrice('ai_chat_message', { cost: 4 })).status).toBe(200); // replaces the global override
    expect((await chatOn(other, freeUser)).headers.get('x-tokens-charged')).toBe('4');

    expect((await removePrice('ai_chat_message', `?userId=${vipUser.id}`)).status).toBe(204);
    expect((await chatOn(other, vipUser)).headers.get('x-tokens-charged')).toBe('2');
    expect((await removePrice('ai_chat_message', '?planCode=pro')).status).toBe(204);
    expect((await chatOn(other, proUser)).headers.get('x-tokens-charged')).toBe('4');
    expect((await removePrice('ai_chat_message')).status).toBe(204);
    expect((await chatOn(other, proUser)).headers.get('x-tokens-charged')).toBe('1');
    expect(await costOf(other, proUser, 'ai_chat_message')).toMatchObject({ cost: 1, overriddenBy: null });
    expect((await t.http.get('/admin/costs', { token: adminToken })).body).toEqual([]);
  });

  it('prices variable-cost actions per unit', async () => {
    const user = await userOnPlan('starter');
    expect((await setPrice('business_collector', { cost: 5, userId: user.id })).status).toBe(200);
    const response = await t.http.post('/services/business-collector', { query: 'bakeries in Lyon', count: 250 }, { token: user.token });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-tokens-charged')).toBe('15'); // 3 started blocks of 100 leads at 5
    expect((await removePrice('business_collector', `?userId=${user.id}`)).status).toBe(204);
  });

  it('an override that makes the balance short is a 402 on the next request', async () => {
    const user = await userOnPlan('free');
    expect((await setPrice('ai_chat_message', { cost: 101, userId: user.id })).status).toBe(200);
    const response = await chatOn(other, user);
    expect(response.status).toBe(402);
    expect(response.body).toMatchObject({ balance: 100, required: 101 });
    expect((await t.http.get('/tokens/balance', { token: user.token })).body.featuresDisabled).toBe(false); // other actions still affordable
  });

  it('unknown actions, plans and users are 404; malformed input is 400; nothing changes', async () => {
    const user = await userOnPlan('free');
    expect((await setPrice('no_such_action', { cost: 1 })).status).toBe(404);
    expect((await removePrice('no_such_action')).status).toBe(404);
    expect((await setPrice('ai_rewrite', { cost: 1, planCode: 'platinum' })).status).toBe(404);
    expect((await setPrice('ai_rewrite', { cost: 1, userId: randomUUID() })).status).toBe(404);
    expect((await removePrice('ai_rewrite', '?planCode=pro')).status).toBe(404); // no such override
    for (const body of [
      { cost: -1 },
      { cost: 1.5 },
      { cost: '5' },
      {},
      { cost: 1, planCode: 'pro', userId: user.id },
      { cost: 1, userId: 'nope' },
      // null is no user and no plan: it must not fall back to the global price.
      { cost: 1, userId: null },
      { cost: 1, planCode: null },
      { cost: 1, extra: 1 },
      { cost: 1e12 },
    ]) {
      const response = await setPrice('ai_rewrite', body);
      expect([response.status, response.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect((await t.http.put(`/admin/costs/${'x'.repeat(65)}`, { cost: 1 }, { token: adminToken })).status).toBe(400);
    expect((await t.http.put('/admin/costs/AI%20REWRITE', { cost: 1 }, { token: adminToken })).status).toBe(400);
    expect((await t.http.put('/admin/costs/ai_rewrite', { cost: 1 }, { token: user.token })).status).toBe(403);
    expect((await t.http.delete('/admin/costs/ai_rewrite', { token: user.token })).status).toBe(403);
    expect(
      (await t.http.get('/admin/costs', { token: adminToken })).body.filter((o: { action: string }) => o.action === 'ai_rewrite'),
    ).toEqual([]);
    expect(await costOf(t, user, 'ai_rewrite')).toMatchObject({ cost: 500, defaultCost: 500, overriddenBy: null });
  });
});
