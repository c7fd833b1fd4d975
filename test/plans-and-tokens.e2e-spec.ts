/**
 * Plans, subscriptions and the read side of the tokens module: balance, transactions
 * (paging, filters, request ids) and the price list.
 */
import { registerUser, spendDownTo, TestUser } from './support/factories.js';
import { expectLedgerConsistent } from './support/ledger-assertions.js';
import { startTestApp, TestApp } from './support/test-app.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

interface LedgerItem {
  id: string;
  type: string;
  action: string | null;
  amount: number;
  balanceAfter: number;
  requestId: string | null;
  createdAt: string;
  metadata: unknown;
}

/** One calendar month later in UTC, clamped to the month's last day (Jan 31 -> Feb 28/29). */
function oneMonthAfter(date: Date): Date {
  const year = date.getUTCFullYear() + (date.getUTCMonth() === 11 ? 1 : 0);
  const month = (date.getUTCMonth() + 1) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      year,
      month,
      Math.min(date.getUTCDate(), lastDay),
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
      date.getUTCMilliseconds(),
    ),
  );
}

function expectIsoString(value: unknown): void {
  expect(value).toEqual(expect.stringMatching(ISO));
  expect(new Date(value as string).toISOString().slice(0, 19)).toBe((value as string).slice(0, 19));
}

describe('plans, subscriptions and tokens', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const chat = (user: TestUser, headers: Record<string, string> = {}) =>
    t.http.post('/services/chat', { message: 'hi' }, { token: user.token, headers });

  /** Follows nextCursor from the first page to the last. */
  async function allPages(
    user: TestUser,
    query: string,
  ): Promise<{ pages: { items: LedgerItem[]; nextCursor: unknown }[]; items: LedgerItem[] }> {
    const pages: { items: LedgerItem[]; nextCursor: unknown }[] = [];
    let cursor: unknown = undefined;
    do {
      const path: string = `/tokens/transactions?${query}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(String(cursor))}`}`;
      const response = await t.http.get(path, { token: user.token });
      expect(response.status).toBe(200);
      pages.push(response.body);
      cursor = response.body.nextCursor;
      expect(pages.length).toBeLessThan(50);
    } while (cursor !== null);
    return { pages, items: pages.flatMap((p) => p.items) };
  }

  describe('GET /plans', () => {
    it('is public and lists the four default plans', async () => {
      const response = await t.http.get('/plans');
      expect(response.status).toBe(200);
      expect(Array.isArray(response.body)).toBe(true);
      expect(response.body).toHaveLength(4);
      for (const plan of response.body) {
        expect(plan).toEqual(
          expect.objectContaining({
            code: expect.any(String),
            name: expect.any(String),
            monthlyTokens: expect.any(Number),
            priceCents: expect.any(Number),
            rolloverCap: expect.any(Number),
          }),
        );
        for (const field of ['monthlyTokens', 'priceCents', 'rolloverCap']) {
          expect(Number.isInteger(plan[field])).toBe(true);
          expect(plan[field]).toBeGreaterThanOrEqual(0);
        }
        expect(plan.name.length).toBeGreaterThan(0);
      }
      const tokensByCode = Object.fromEntries(response.body.map((p: { code: string; monthlyTokens: number }) => [p.code, p.monthlyTokens]));
      expect(tokensByCode).toEqual({ free: 100, starter: 10_000, pro: 200_000, professional: 2_000_000 });
      expect(response.body.find((p: { code: string }) => p.code === 'free').priceCents).toBe(0);
    });

    it('answers the same with credentials', async () => {
      const user = await registerUser(t.http);
      const anonymous = await t.http.get('/plans');
      const authenticated = await t.http.get('/plans', { token: user.token });
      expect(authenticated.status).toBe(200);
      expect(authenticated.body).toEqual(anonymous.body);
    });
  });

  describe('GET /subscriptions/me', () => {
    it('answers the free plan with its limit, status and a one-month period', async () => {
      const before = Date.now();
      const user = await registerUser(t.http);
      const response = await t.http.get('/subscriptions/me', { token: user.token });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        plan: { code: 'free', name: expect.any(String), monthlyTokens: 100 },
        tokensLimit: 100,
        status: 'active',
      });
      expectIsoString(response.body.periodStart);
      expectIsoString(response.body.periodEnd);
      const start = new Date(response.body.periodStart);
      const end = new Date(response.body.periodEnd);
      expect(end.toISOString()).toBe(oneMonthAfter(start).toISOString());
      // The period starts at registration (the database may drop or round fractions of a second).
      expect(Math.abs(start.getTime() - before)).toBeLessThan(60_000);
    });

    it('needs credentials', async () => {
      const response = await t.http.get('/subscriptions/me');
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('GET /tokens/balance', () => {
    it('answers balance, limit, usage, plan, period and featuresDisabled', async () => {
      const user = await registerUser(t.http);
      const response = await t.http.get('/tokens/balance', { token: user.token });
      expect(response.status).toBe(200);
      expect(response.body).toEqual(
        expect.objectContaining({
          balance: 100,
          tokensLimit: 100,
          usedThisPeriod: 0,
          plan: 'free',
          periodStart: expect.any(String),
          periodEnd: expect.any(String),
          featuresDisabled: false,
        }),
      );
      expectIsoString(response.body.periodStart);
      expectIsoString(response.body.periodEnd);
      const subscription = await t.http.get('/subscriptions/me', { token: user.token });
      expect(response.body.periodStart).toBe(subscription.body.periodStart);
      expect(response.body.periodEnd).toBe(subscription.body.periodEnd);
    });

    it('counts usage and disables features at balance 0, and still answers', async () => {
      const user = await registerUser(t.http);
      await chat(user);
      await chat(user);
      expect((await t.http.get('/tokens/balance', { token: user.token })).body).toMatchObject({
        balance: 98,
        usedThisPeriod: 2,
        featuresDisabled: false,
      });

      await spendDownTo(t.http, user, 0);
      const response = await t.http.get('/tokens/balance', { token: user.token });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ balance: 0, tokensLimit: 100, usedThisPeriod: 100, plan: 'free', featuresDisabled: true });

      const refused = await chat(user);
      expect(refused.status).toBe(402);
      expect(refused.body).toMatchObject({ code: 'INSUFFICIENT_TOKENS', balance: 0, required: 1 });
      // Read-only routes keep working at 0.
      expect((await t.http.get('/tokens/transactions', { token: user.token })).status).toBe(200);
      expect((await t.http.get('/tokens/costs', { token: user.token })).status).toBe(200);
      expect((await t.http.get('/users/me', { token: user.token })).body.balance).toBe(0);
      expect((await t.http.get('/tokens/balance', { token: user.token })).body.balance).toBe(0);
      const state = await expectLedgerConsistent(t.dataSource, user.id);
      expect(state.balance).toBe(0);
    });

    it('needs credentials', async () => {
      expect((await t.http.get('/tokens/balance')).status).toBe(401);
    });
  });

  describe('GET /tokens/transactions', () => {
    it('answers newest first with the contract fields', async () => {
      const user = await registerUser(t.http);
      await chat(user);
      const response = await t.http.get('/tokens/transactions', { token: user.token });
      expect(response.status).toBe(200);
      expect(response.body).toEqual(expect.objectContaining({ items: expect.any(Array), nextCursor: null }));
      expect(response.body.items).toHaveLength(2);
      const [usage, grant] = response.body.items;
      for (const item of response.body.items) {
        expect(Object.keys(item)).toEqual(
          expect.arrayContaining(['id', 'type', 'action', 'amount', 'balanceAfter', 'requestId', 'createdAt', 'metadata']),
        );
        expect(typeof item.id).toBe('string');
        expectIsoString(item.createdAt);
      }
      expect(usage).toMatchObject({
        type: 'usage',
        action: 'ai_chat_message',
        amount: -1,
        balanceAfter: 99,
        requestId: expect.any(String),
      });
      expect(grant).toMatchObject({ type: 'initial_grant', action: null, amount: 100, balanceAfter: 100 });
    });

    it('pages with limit and nextCursor: every row once, newest first, null cursor on the last page', async () => {
      const user = await registerUser(t.http);
      for (let i = 0; i < 7; i++) expect((await chat(user)).status).toBe(201);

      const { pages, items } = await allPages(user, 'limit=3');
      expect(pages.map((p) => p.items.length)).toEqual([3, 3, 2]);
      expect(pages.slice(0, -1).every((p) => p.nextCursor !== null)).toBe(true);
      expect(pages[pages.length - 1].nextCursor).toBeNull();

      expect(new Set(items.map((i) => i.id)).size).toBe(8);
      // Newest first: balanceAfter climbs back to the initial grant, one token per row.
      expect(items.map((i) => [i.type, i.amount, i.balanceAfter])).toEqual([
        ['usage', -1, 93],
        ['usage', -1, 94],
        ['usage', -1, 95],
        ['usage', -1, 96],
        ['usage', -1, 97],
        ['usage', -1, 98],
        ['usage', -1, 99],
        ['initial_grant', 100, 100],
      ]);
      for (let i = 1; i < items.length; i++) {
        expect(Date.parse(items[i].createdAt)).toBeLessThanOrEqual(Date.parse(items[i - 1].createdAt));
      }
      // The same order as one big page.
      const single = await t.http.get('/tokens/transactions?limit=100', { token: user.token });
      expect(single.body.items.map((i: LedgerItem) => i.id)).toEqual(items.map((i) => i.id));
      expect(single.body.nextCursor).toBeNull();

      // A page that ends exactly at the last row: the cursor is null, not a pointer to an empty page.
      const exact = await allPages(user, 'limit=4');
      expect(exact.pages.map((p) => p.items.length)).toEqual([4, 4]);
    });

    it('defaults to 20 items', async () => {
      const user = await registerUser(t.http);
      await spendDownTo(t.http, user, 75);
      const first = await t.http.get('/tokens/transactions', { token: user.token });
      expect(first.body.items).toHaveLength(20);
      expect(first.body.nextCursor).not.toBeNull();
    });

    it('filters by type and by action, also across pages', async () => {
      const user = await registerUser(t.http);
      for (let i = 0; i < 4; i++) await chat(user);
      for (let i = 0; i < 2; i++) {
        const call = await t.http.post('/services/calls', { to: '+4915123456789' }, { token: user.token });
        expect(call.status).toBe(201);
      }

      const usage = await allPages(user, 'type=usage&limit=2');
      expect(usage.items).toHaveLength(6);
      expect(usage.items.every((i) => i.type === 'usage')).toBe(true);

      const chats = await allPages(user, 'action=ai_chat_message&limit=3');
      expect(chats.items).toHaveLength(4);
      expect(chats.items.every((i) => i.action === 'ai_chat_message' && i.type === 'usage')).toBe(true);

      const calls = await t.http.get('/tokens/transactions?action=outbound_call_single', { token: user.token });
      expect(calls.body.items.map((i: LedgerItem) => i.action)).toEqual(['outbound_call_single', 'outbound_call_single']);

      const both = await t.http.get('/tokens/transactions?type=usage&action=outbound_call_single', { token: user.token });
      expect(both.body.items).toHaveLength(2);

      const grants = await t.http.get('/tokens/transactions?type=initial_grant', { token: user.token });
      expect(grants.body.items.map((i: LedgerItem) => [i.type, i.amount])).toEqual([['initial_grant', 100]]);

      const none = await t.http.get('/tokens/transactions?type=refund', { token: user.token });
      expect(none.body).toEqual({ items: [], nextCursor: null });
      const unknownAction = await t.http.get('/tokens/transactions?action=no_such_action', { token: user.token });
      expect(unknownAction.body).toEqual({ items: [], nextCursor: null });
    });

    it("never shows another user's rows, whatever the cursor", async () => {
      const alice = await registerUser(t.http);
      const bob = await registerUser(t.http);
      for (let i = 0; i < 3; i++) await chat(alice);
      for (let i = 0; i < 5; i++) await chat(bob);

      const aliceItems = (await allPages(alice, 'limit=2')).items;
      const bobItems = (await allPages(bob, 'limit=2')).items;
      expect(aliceItems).toHaveLength(4);
      expect(bobItems).toHaveLength(6);
      const aliceIds = new Set(aliceItems.map((i) => i.id));
      expect(bobItems.some((i) => aliceIds.has(i.id))).toBe(false);
      expect(aliceItems.map((i) => i.balanceAfter)).toEqual([97, 98, 99, 100]);

      // Bob's first cursor used by Alice still pages through Alice's rows only.
      const bobFirst = await t.http.get('/tokens/transactions?limit=2', { token: bob.token });
      const aliceWithBobsCursor = await t.http.get(`/tokens/transactions?limit=100&cursor=${bobFirst.body.nextCursor}`, {
        token: alice.token,
      });
      expect(aliceWithBobsCursor.status).toBe(200);
      expect(aliceWithBobsCursor.body.items.every((i: LedgerItem) => aliceIds.has(i.id))).toBe(true);
    });

    it("records the server's request id on the usage row, with the client's X-Request-Id beside it, never instead of it", async () => {
      const user = await registerUser(t.http);
      // Two requests sending the same X-Request-Id: each keeps an id of its own.
      const first = await chat(user, { 'X-Request-Id': 'test-req-123' });
      const second = await chat(user, { 'X-Request-Id': 'test-req-123' });
      const third = await chat(user);
      for (const response of [first, second, third]) expect(response.status).toBe(201);
      const ids = [first, second, third].map((response) => response.headers.get('x-request-id'));
      for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(new Set(ids).size).toBe(3);

      const items: (LedgerItem & { clientRequestId: string | null })[] = (
        await t.http.get('/tokens/transactions?type=usage', { token: user.token })
      ).body.items;
      expect(items.map((i) => [i.requestId, i.clientRequestId])).toEqual([
        [ids[2], null],
        [ids[1], 'test-req-123'],
        [ids[0], 'test-req-123'],
      ]);
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1.5', 'limit'],
      ['limit=-3', 'limit'],
      ['type=bogus', 'type'],
      ['cursor=-1', 'cursor'],
      ['cursor=0', 'cursor'],
      ['cursor=abc', 'cursor'],
      ['foo=1', 'foo'],
    ])('answers 400 VALIDATION_FAILED for %s', async (query, field) => {
      const user = await registerUser(t.http);
      const response = await t.http.get(`/tokens/transactions?${query}`, { token: user.token });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', message: expect.any(String) });
      expect(Array.isArray(response.body.details)).toBe(true);
      expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('accepts limit 1 and 100', async () => {
      const user = await registerUser(t.http);
      for (const limit of [1, 100]) {
        const response = await t.http.get(`/tokens/transactions?limit=${limit}`, { token: user.token });
        expect(response.status).toBe(200);
        expect(response.body.items).toHaveLength(1);
      }
    });

    it('needs credentials', async () => {
      expect((await t.http.get('/tokens/transactions')).status).toBe(401);
    });
  });

  describe('GET /tokens/costs', () => {
    it('lists exactly the nine contract actions with their costs and a description', async () => {
      const user = await registerUser(t.http);
      const response = await t.http.get('/tokens/costs', { token: user.token });
      expect(response.status).toBe(200);
      expect(Array.isArray(response.body)).toBe(true);
      for (const price of response.body) {
        expect(price).toEqual(
          expect.objectContaining({ action: expect.any(String), cost: expect.any(Number), description: expect.any(String) }),
        );
        expect(price.description.trim().length).toBeGreaterThan(0);
      }
      const costs = Object.fromEntries(response.body.map((p: { action: string; cost: number }) => [p.action, p.cost]));
      // The nine metered actions, then the built-in completion model's prices per 1,000 prompt and completion tokens.
      expect(response.body).toHaveLength(11);
      expect(costs).toEqual({
        'ai_completion:local:input': 10,
        'ai_completion:local:output': 30,
        ai_chat_message: 1,
        outbound_call_single: 1,
        business_collector: 20,
        social_media_post: 10,
        generate_seo_title: 300,
        generate_meta_description: 400,
        ai_rewrite: 500,
        write_more: 1500,
        find_image: 100,
      });
    });

    it('needs credentials', async () => {
      expect((await t.http.get('/tokens/costs')).status).toBe(401);
    });
  });
});
