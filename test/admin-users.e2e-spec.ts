/**
 * GET /admin/users (search by email prefix, newest first, in pages) and GET /admin/users/:userId,
 * through HTTP on the real app and database. Users whose emails the API would refuse (wildcards,
 * a backslash) are written directly to the database.
 */
import { randomUUID } from 'node:crypto';
import { bearerTokenFor, insertRawUser, loginAdmin, registerUser, sqlDate } from './support/factories.js';
import { TEST_DB } from './support/test-database.js';
import { startTestApp, TestApp } from './support/test-app.js';

interface Item {
  id: string;
  email: string;
  name: string | null;
  role: string;
  plan: string | null;
  balance: number | null;
  createdAt: string;
}

describe(`admin user search and view (${TEST_DB})`, () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    adminToken = await loginAdmin(t.http);
  });
  afterAll(() => t?.close());

  const search = (query: string, token = adminToken) => t.http.get(`/admin/users${query}`, { token });
  const emailsOf = (items: Item[]) => items.map((item) => item.email);
  /** A prefix no other test's users have. */
  const freshPrefix = () => `p${randomUUID().slice(0, 8)}`;

  /** Every page of a search, following nextCursor. */
  async function allPages(query: string, limit: number): Promise<{ items: Item[]; pages: number }> {
    const items: Item[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await search(`${query}${query ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(limit);
      items.push(...response.body.items);
      cursor = response.body.nextCursor;
      pages++;
    } while (cursor);
    return { items, pages };
  }

  it('lists users whose normalized email starts with the prefix, newest first, with plan and balance', async () => {
    const prefix = freshPrefix();
    const first = await registerUser(t.http, { email: `${prefix}.ada@tokens.test`, name: 'Ada' });
    const second = await registerUser(t.http, { email: `${prefix}.bob@tokens.test` });
    await registerUser(t.http, { email: `x${prefix}.carol@tokens.test` });
    const grant = await t.http.post(`/admin/users/${second.id}/tokens/grant`, { amount: 50, reason: 'r' }, { token: adminToken });
    expect(grant.status).toBe(201);

    const response = await search(`?email=${prefix}`);
    expect(response.status).toBe(200);
    expect(response.body.nextCursor).toBeNull();
    expect(response.body.items).toEqual([
      { id: second.id, email: second.email, name: null, role: 'user', plan: 'free', balance: 150, createdAt: expect.any(String) },
      { id: first.id, email: first.email, name: 'Ada', role: 'user', plan: 'free', balance: 100, createdAt: expect.any(String) },
    ]);
    expect(Date.parse(response.body.items[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(response.body.items[1].createdAt));
    // The search is normalized like an address: case, surrounding spaces and compatibility forms do not matter.
    const fullwidth = `${prefix.toUpperCase()}.ＡＤＡ`;
    const normalized = await search(`?email=${encodeURIComponent(`  ${fullwidth}  `)}`);
    expect(emailsOf(normalized.body.items)).toEqual([first.email]);
    // Accents are not folded: another address.
    expect((await search(`?email=${encodeURIComponent(`${prefix}.àda`)}`)).body.items).toEqual([]);
  });

  it('matches %, _, \\ and ! as themselves', async () => {
    const prefix = freshPrefix();
    const emails = ['a%b', 'aXXb', 'a_c', 'aYc', 'a\\d', 'a\\\\d', 'a!e', 'a!!e'].map((local) => `${prefix}${local}@tokens.test`);
    for (const email of emails) await insertRawUser(t.dataSource, { email });
    const found = async (start: string) => emailsOf((await search(`?email=${encodeURIComponent(`${prefix}${start}`)}`)).body.items).sort();
    expect(await found('a%')).toEqual([emails[0]]);
    expect(await found('a_')).toEqual([emails[2]]);
    expect(await found('a\\d')).toEqual([emails[4]]);
    expect(await found('a\\')).toEqual([emails[4], emails[5]].sort());
    expect(await found('a!e')).toEqual([emails[6]]);
    expect(await found('a')).toEqual([...emails].sort());
  });

  it('pages through every match exactly once, newest first, users created in the same millisecond included', async () => {
    const prefix = freshPrefix();
    const sameTime = sqlDate(new Date(Date.now() - 60_000));
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const { id } = await insertRawUser(t.dataSource, { email: `${prefix}.${i}@tokens.test` });
      // Three share one creation time: the id orders them.
      if (i < 3) await t.dataSource.query('UPDATE users SET created_at = ? WHERE id = ?', [sameTime, id]);
      ids.push(id);
    }
    const { items, pages } = await allPages(`?email=${prefix}`, 2);
    expect(pages).toBe(4);
    expect(new Set(items.map((item) => item.id)).size).toBe(7);
    expect(items.map((item) => item.id).sort()).toEqual([...ids].sort());
    const order = items.map((item) => [Date.parse(item.createdAt), item.id] as const);
    const expected = [...order].sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? 1 : -1));
    expect(order).toEqual(expected);
    expect(items.filter((item) => item.balance === null && item.plan === null)).toHaveLength(7);

    // Without `email`, every user of the database, each once.
    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM users');
    const everyone = await allPages('', 5);
    expect(everyone.items).toHaveLength(Number(n));
    expect(new Set(everyone.items.map((item) => item.id)).size).toBe(Number(n));
    expect((await search('')).body.items).toHaveLength(Math.min(20, Number(n)));
  });

  it('answers 400 for a bad limit or cursor, 403 for a non-admin, 401 without credentials', async () => {
    for (const query of [
      '?limit=0',
      '?limit=101',
      '?limit=ten',
      '?cursor=not!base64',
      `?cursor=${Buffer.from('12:x').toString('base64url')}`,
      `?cursor=${Buffer.from(`2026-13-45 10:00:00.000|${randomUUID()}`).toString('base64url')}`,
    ]) {
      const response = await search(query);
      expect([query, response.status, response.body.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
      expect(response.body.details.length).toBeGreaterThan(0);
    }
    const user = await registerUser(t.http);
    expect((await search('', user.token)).status).toBe(403);
    expect((await t.http.get(`/admin/users/${user.id}`, { token: user.token })).status).toBe(403);
    expect((await t.http.get('/admin/users')).status).toBe(401);
    expect((await t.http.get(`/admin/users/${user.id}`)).status).toBe(401);
  });

  it('shows one user with the subscription and balance the user sees', async () => {
    const user = await registerUser(t.http, { name: 'Grace' });
    await t.http.put(`/admin/users/${user.id}/subscription`, { planCode: 'starter' }, { token: adminToken });
    expect((await t.http.post('/services/chat', { message: 'hi' }, { token: user.token })).status).toBe(201);
    const response = await t.http.get(`/admin/users/${user.id}`, { token: adminToken });
    expect(response.status).toBe(200);
    const [subscription, balance] = await Promise.all([
      t.http.get('/subscriptions/me', { token: user.token }),
      t.http.get('/tokens/balance', { token: user.token }),
    ]);
    expect(response.body).toEqual({
      id: user.id,
      email: user.email,
      name: 'Grace',
      role: 'user',
      createdAt: expect.any(String),
      subscription: subscription.body,
      balance: balance.body,
    });
    expect(balance.body).toMatchObject({ plan: 'starter', balance: 9_999, runwayDays: expect.any(Number) });

    const raw = await insertRawUser(t.dataSource);
    expect((await t.http.get(`/admin/users/${raw.id}`, { token: adminToken })).body).toMatchObject({ subscription: null, balance: null });
    const unknown = await t.http.get(`/admin/users/${randomUUID()}`, { token: adminToken });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'NOT_FOUND']);
    const notUuid = await t.http.get('/admin/users/not-a-uuid', { token: adminToken });
    expect([notUuid.status, notUuid.body.code, notUuid.body.details[0].field]).toEqual([400, 'VALIDATION_FAILED', 'userId']);
    // An admin created directly: the route is for admins, whoever they are.
    const otherAdmin = await insertRawUser(t.dataSource);
    await t.dataSource.query("UPDATE users SET role = 'admin' WHERE id = ?", [otherAdmin.id]);
    expect((await t.http.get(`/admin/users/${user.id}`, { token: await bearerTokenFor(t.app, otherAdmin.id, 'admin') })).status).toBe(200);
  });

  if (TEST_DB === 'mariadb') {
    it('finds a prefix through the email index (a range of the binary column)', async () => {
      const plan = await t.dataSource.query(
        "EXPLAIN SELECT u.id FROM users u LEFT JOIN subscriptions s ON s.user_id = u.id WHERE u.email LIKE ? ESCAPE '!' ORDER BY u.created_at DESC, u.id DESC LIMIT 21",
        ['ada.lovelace%'],
      );
      expect(plan[0]).toMatchObject({ table: 'u', key: 'uq_users_email', type: 'range' });
    });
  }
});
