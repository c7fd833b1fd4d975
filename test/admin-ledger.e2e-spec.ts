/**
 * GET /admin/users/:userId/tokens/transactions: a user's whole ledger for admins, a page at a time,
 * with the same pages and filters the user's own GET /tokens/transactions has, and the admin behind each entry.
 */
import { randomUUID } from 'node:crypto';
import { loginAdmin, registerUser } from './support/factories.js';
import { expectLedgerConsistent } from './support/ledger-assertions.js';
import { startTestApp, TestApp } from './support/test-app.js';

describe("an admin reads a user's whole ledger", () => {
  let t: TestApp;
  let adminToken: string;
  let adminId: string;

  beforeAll(async () => {
    t = await startTestApp();
    adminToken = await loginAdmin(t.http);
    adminId = (await t.http.get('/users/me', { token: adminToken })).body.id;
  });
  afterAll(() => t.close());

  const ledgerPath = (userId: string) => `/admin/users/${userId}/tokens/transactions`;

  it('pages through every entry, newest first, as the user sees them, with the admin of admin entries', async () => {
    const user = await registerUser(t.http);
    for (let i = 1; i <= 4; i++) {
      expect(
        (await t.http.post(`/admin/users/${user.id}/tokens/grant`, { amount: i, reason: `grant ${i}` }, { token: adminToken })).status,
      ).toBe(201);
    }
    expect((await t.http.post('/services/chat', { message: 'hello' }, { token: user.token })).status).toBe(201);
    const { entries } = await expectLedgerConsistent(t.dataSource, user.id);

    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await t.http.get(ledgerPath(user.id) + query, { token: adminToken });
      expect(page.status).toBe(200);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor !== null);

    expect(pages).toBe(3);
    expect(seen.map((entry) => entry.seq)).toEqual(entries.map((entry) => entry.seq).reverse());
    const own = (await t.http.get('/tokens/transactions?limit=100', { token: user.token })).body.items;
    expect(seen.map(({ actorId: _actor, ...entry }) => entry)).toEqual(own);
    expect(seen.filter((entry) => entry.type === 'admin_grant').map((entry) => [entry.actorId, entry.metadata.reason])).toEqual([
      [adminId, 'grant 4'],
      [adminId, 'grant 3'],
      [adminId, 'grant 2'],
      [adminId, 'grant 1'],
    ]);
    expect(seen.find((entry) => entry.type === 'usage').actorId).toBeNull();
  });

  it('filters by type and by action', async () => {
    const user = await registerUser(t.http);
    await t.http.post(`/admin/users/${user.id}/tokens/grant`, { amount: 5, reason: 'gift' }, { token: adminToken });
    await t.http.post('/services/chat', { message: 'hello' }, { token: user.token });
    const grants = await t.http.get(`${ledgerPath(user.id)}?type=admin_grant`, { token: adminToken });
    expect(grants.body.items.map((entry: { type: string }) => entry.type)).toEqual(['admin_grant']);
    const chats = await t.http.get(`${ledgerPath(user.id)}?action=ai_chat_message`, { token: adminToken });
    expect(chats.body.items.map((entry: { type: string; action: string }) => [entry.type, entry.action])).toEqual([
      ['usage', 'ai_chat_message'],
    ]);
  });

  it('answers 404 for an unknown user, 400 for bad parameters, 403 for non-admins, 401 without credentials', async () => {
    const user = await registerUser(t.http);
    const unknown = await t.http.get(ledgerPath(randomUUID()), { token: adminToken });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'NOT_FOUND']);
    for (const query of ['?limit=0', '?limit=101', '?cursor=abc', '?type=gift']) {
      const bad = await t.http.get(ledgerPath(user.id) + query, { token: adminToken });
      expect([query, bad.status, bad.body.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
    }
    expect((await t.http.get(ledgerPath('not-a-uuid'), { token: adminToken })).status).toBe(400);
    expect((await t.http.get(ledgerPath(user.id), { token: user.token })).status).toBe(403);
    expect((await t.http.get(ledgerPath(user.id))).status).toBe(401);
  });
});
