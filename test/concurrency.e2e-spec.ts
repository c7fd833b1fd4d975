/** Real parallel HTTP requests against one account: exactly what the balance allows succeeds. */
import { registerUser, spendDownTo, TestUser } from './support/factories.js';
import { expectLedgerConsistent } from './support/ledger-assertions.js';
import { startTestApp, TestApp } from './support/test-app.js';

describe('concurrent charges', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function fire(user: TestUser, count: number, path: string, body: unknown) {
    const responses = await Promise.all(Array.from({ length: count }, () => t.http.post(path, body, { token: user.token })));
    const statuses = responses.map((r) => r.status);
    return {
      ok: statuses.filter((s) => s === 201).length,
      refused: responses.filter((r) => r.status === 402 && r.body.code === 'INSUFFICIENT_TOKENS').length,
      other: statuses.filter((s) => s !== 201 && s !== 402),
      remaining: responses.filter((r) => r.status === 201).map((r) => Number(r.headers.get('x-tokens-remaining'))),
    };
  }

  it('100 parallel 1-token requests against 37 tokens: exactly 37 succeed, 63 get 402, balance ends at 0', async () => {
    const user = await registerUser(t.http);
    await spendDownTo(t.http, user, 37);
    const result = await fire(user, 100, '/services/chat', { message: 'hello' });
    expect(result).toMatchObject({ ok: 37, refused: 63, other: [] });
    // Every success saw a distinct balance: no two charges were applied to the same snapshot.
    expect(new Set(result.remaining).size).toBe(37);
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.balance).toBe(0);
    expect(state.entries.filter((e) => e.type === 'usage')).toHaveLength(63 + 37); // 63 spent before, 37 now
    expect(state.entries.slice(-37).every((e) => e.type === 'usage' && e.amount === -1)).toBe(true);
  });

  it('100 parallel 10-token requests against 95 tokens: exactly 9 succeed, balance ends at 5', async () => {
    const user = await registerUser(t.http);
    await spendDownTo(t.http, user, 95);
    const before = (await expectLedgerConsistent(t.dataSource, user.id)).entries.length;
    const result = await fire(user, 100, '/services/social-posts', { text: 'Launch day', platforms: ['linkedin'] });
    expect(result).toMatchObject({ ok: 9, refused: 91, other: [] });
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.balance).toBe(5);
    const newUsage = state.entries.slice(before);
    expect(newUsage).toHaveLength(9);
    expect(newUsage.every((e) => e.action === 'social_media_post' && e.amount === -10)).toBe(true);
  });

  it('20 parallel requests with one Idempotency-Key charge once', async () => {
    const user = await registerUser(t.http);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.http.post(
          '/services/chat',
          { message: 'Idempotent token metering' },
          { token: user.token, headers: { 'Idempotency-Key': 'same-key-1' } },
        ),
      ),
    );
    const statuses = responses.map((r) => r.status);
    // Each is either the first answer (or its replay), or told the first is still running.
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    expect(statuses).toContain(201);
    for (const response of responses.filter((r) => r.status === 409)) expect(response.body.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    const bodies = new Set(responses.filter((r) => r.status === 201).map((r) => JSON.stringify(r.body)));
    expect(bodies.size).toBe(1);
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.entries.filter((e) => e.type === 'usage')).toHaveLength(1);
    expect(state.balance).toBe(99);
  });

  it('parallel charges of many users do not interfere', async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => registerUser(t.http)));
    await Promise.all(users.map((user) => fire(user, 30, '/services/chat', { message: 'x' })));
    for (const user of users) {
      const state = await expectLedgerConsistent(t.dataSource, user.id);
      expect(state.balance).toBe(70);
    }
  });
});

describe('how a charge is written', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('is one conditional UPDATE with the amount as a parameter, never a balance computed in JS and written back', async () => {
    const user = await registerUser(t.http);
    const statements: { query: string; parameters: unknown[] }[] = [];
    const logger = t.dataSource.logger;
    Object.assign(t.dataSource, {
      logger: {
        ...logger,
        logQuery: (query: string, parameters: unknown[] = []) => statements.push({ query: query.replace(/\s+/g, ' '), parameters }),
        logQueryError: () => undefined,
        logQuerySlow: () => undefined,
        logSchemaBuild: () => undefined,
        logMigration: () => undefined,
        log: () => undefined,
      },
    });
    try {
      expect((await t.http.post('/services/find-image', { query: 'sunrise' }, { token: user.token })).status).toBe(201);
    } finally {
      Object.assign(t.dataSource, { logger });
    }
    const writes = statements.filter((s) => /^(UPDATE|INSERT)/i.test(s.query) && /token_accounts/.test(s.query));
    expect(writes).toHaveLength(1);
    expect(writes[0].query).toMatch(/UPDATE token_accounts SET balance = balance \+ \?.* WHERE user_id = \? AND balance >= \?/);
    expect(writes[0].parameters[0]).toBe(-100);
    expect(writes[0].parameters).toContain(100); // the required balance, checked by the database
    expect(writes[0].parameters).not.toContain(0); // never the computed new balance (100 - 100)
  });
});
