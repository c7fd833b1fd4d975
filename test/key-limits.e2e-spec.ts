/**
 * Spending limits of API keys, through HTTP: set, read and removed with a session; a charge through
 * a key that would pass its limit in its period is refused with 402 KEY_LIMIT_REACHED, exactly at the
 * limit under parallel requests; refunds give back, periods start over (a fake clock), and a
 * completion's hold counts in full while open and only its actual price after.
 */
import { randomBytes } from 'node:crypto';
import { Clock } from '@token-metering/database';
import { FakeClock } from './support/fake-clock.js';
import { FakeOpenAi } from './support/fake-openai.js';
import { loginAdmin, registerUser, type TestUser } from './support/factories.js';
import { expectLedgerConsistent } from './support/ledger-assertions.js';
import { createProbe } from './support/probe.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { TEST_DB } from './support/test-database.js';

const DAY = 24 * 3600 * 1000;
const clock = new FakeClock();
const failing = createProbe('test-key-limits', [{ path: 'fails', action: 'test_key_limit_fails', cost: 3, fails: 'provider failed' }]);

describe(`API key spending limits (${TEST_DB})`, () => {
  let t: TestApp;
  const upstream = new FakeOpenAi();

  beforeAll(async () => {
    t = await startTestApp({
      controllers: [failing.controller],
      env: { PERIOD_ROLLOVER_INTERVAL_SECONDS: '0', LLM_BASE_URL: await upstream.start(), LLM_API_KEY: 'upstream-key' },
      override: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
    const admin = await loginAdmin(t.http);
    const model = { inputPer1k: 1000, outputPer1k: 2000, maxOutputTokens: 50 };
    expect((await t.http.put('/admin/models/fake-gpt', model, { token: admin })).status).toBe(200);
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });
  beforeEach(() => upstream.reset());

  const newKey = async (user: TestUser, name = 'limited'): Promise<{ id: string; key: string }> => {
    const created = await t.http.post('/api-keys', { name }, { token: user.token });
    expect(created.status).toBe(201);
    return { id: created.body.id, key: created.body.key };
  };
  const setLimit = (user: TestUser, keyId: string, body: unknown) => t.http.put(`/api-keys/${keyId}/limit`, body, { token: user.token });
  const keyOf = async (user: TestUser, keyId: string) =>
    ((await t.http.get('/api-keys', { token: user.token })).body as Array<{ id: string; limit: unknown; spent: number }>).find(
      (k) => k.id === keyId,
    )!;
  const chat = (key: string) => t.http.post('/services/chat', { message: 'hi' }, { apiKey: key });
  const balanceOf = async (user: TestUser) => (await t.http.get('/tokens/balance', { token: user.token })).body.balance as number;

  it('sets, reads, changes and removes a limit; the answer is the key', async () => {
    const user = await registerUser(t.http);
    const { id } = await newKey(user);
    expect(await keyOf(user, id)).toMatchObject({ limit: null, spent: 0 });

    const set = await setLimit(user, id, { tokens: 10, period: 'day' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ id, name: 'limited', limit: { tokens: 10, period: 'day' }, spent: 0 });
    expect(set.body.key).toBeUndefined();
    expect(await keyOf(user, id)).toMatchObject({ limit: { tokens: 10, period: 'day' }, spent: 0 });

    expect((await setLimit(user, id, { tokens: 25, period: 'total' })).body).toMatchObject({ limit: { tokens: 25, period: 'total' } });
    const removed = await setLimit(user, id, null);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ id, limit: null, spent: 0 });
    expect(await keyOf(user, id)).toMatchObject({ limit: null, spent: 0 });
  });

  it('needs a session: an API key gets 403; another user’s key or an unknown one is 404; nothing changes', async () => {
    const owner = await registerUser(t.http);
    const other = await registerUser(t.http);
    const { id, key } = await newKey(owner);
    const byKey = await t.http.put(`/api-keys/${id}/limit`, { tokens: 5, period: 'day' }, { apiKey: key });
    expect(byKey.status).toBe(403);
    expect(byKey.body.code).toBe('FORBIDDEN');
    const foreign = await setLimit(other, id, { tokens: 5, period: 'day' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('NOT_FOUND');
    expect((await setLimit(owner, '00000000-0000-4000-8000-000000000000', { tokens: 5, period: 'day' })).status).toBe(404);
    expect(await keyOf(owner, id)).toMatchObject({ limit: null });
  });

  it.each([
    ['tokens 0', { tokens: 0, period: 'day' }],
    ['negative tokens', { tokens: -5, period: 'day' }],
    ['fractional tokens', { tokens: 1.5, period: 'day' }],
    ['tokens as a string', { tokens: '10', period: 'day' }],
    ['an unknown period', { tokens: 10, period: 'week' }],
    ['no period', { tokens: 10 }],
    ['an unknown field', { tokens: 10, period: 'day', scope: 'all' }],
    ['an array', [{ tokens: 10, period: 'day' }]],
    ['a number', 10],
  ])('a body with %s is 400 VALIDATION_FAILED and changes nothing', async (_, body) => {
    const user = await registerUser(t.http);
    const { id } = await newKey(user);
    expect((await setLimit(user, id, { tokens: 7, period: 'month' })).status).toBe(200);
    const refused = await setLimit(user, id, body);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('VALIDATION_FAILED');
    expect(await keyOf(user, id)).toMatchObject({ limit: { tokens: 7, period: 'month' }, spent: 0 });
  });

  it('40 parallel charges through a key with a limit of 10: exactly 10 served, 30 refused; another key is unaffected', async () => {
    const user = await registerUser(t.http);
    const limited = await newKey(user);
    const free = await newKey(user, 'unlimited');
    expect((await setLimit(user, limited.id, { tokens: 10, period: 'day' })).status).toBe(200);
    const before = await balanceOf(user);

    const answers = await Promise.all(Array.from({ length: 40 }, () => chat(limited.key)));
    const served = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 402);
    expect(served).toHaveLength(10);
    expect(refused).toHaveLength(30);
    const tomorrow = new Date(Date.UTC(clock.now().getUTCFullYear(), clock.now().getUTCMonth(), clock.now().getUTCDate() + 1));
    for (const { body } of refused) {
      expect(body).toMatchObject({ statusCode: 402, code: 'KEY_LIMIT_REACHED', limit: 10, spent: 10, required: 1 });
      expect(body.resetsAt).toBe(tomorrow.toISOString());
    }
    expect(await balanceOf(user)).toBe(before - 10);
    const usage = await t.http.get('/tokens/transactions?type=usage&limit=100', { token: user.token });
    expect(usage.body.items).toHaveLength(10);
    expect(await keyOf(user, limited.id)).toMatchObject({ spent: 10 });

    expect((await chat(free.key)).status).toBe(201);
    expect((await t.http.post('/services/chat', { message: 'hi' }, { token: user.token })).status).toBe(201);
    expect(await balanceOf(user)).toBe(before - 12);
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('a failed request through the key is refunded and gives its tokens back to the limit', async () => {
    const user = await registerUser(t.http);
    const { id, key } = await newKey(user);
    expect((await setLimit(user, id, { tokens: 7, period: 'total' })).status).toBe(200);
    expect((await chat(key)).status).toBe(201);
    const failed = await t.http.post('/test-key-limits/fails', {}, { apiKey: key });
    expect(failed.status).toBe(502);
    expect(await keyOf(user, id)).toMatchObject({ spent: 1 });
    // 1 + 3 + 3 = 7: within the limit only because both refunds gave back.
    expect((await t.http.post('/test-key-limits/fails', {}, { apiKey: key })).status).toBe(502);
    for (let i = 0; i < 6; i++) expect((await chat(key)).status).toBe(201);
    const over = await chat(key);
    expect(over.status).toBe(402);
    expect(over.body).toMatchObject({ code: 'KEY_LIMIT_REACHED', limit: 7, spent: 7, required: 1, resetsAt: null });
  });

  it('a daily limit starts over the next UTC day, a monthly one the next month', async () => {
    const user = await registerUser(t.http);
    const daily = await newKey(user, 'daily');
    const monthly = await newKey(user, 'monthly');
    expect((await setLimit(user, daily.id, { tokens: 2, period: 'day' })).status).toBe(200);
    expect((await setLimit(user, monthly.id, { tokens: 3, period: 'month' })).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await chat(daily.key)).status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await chat(monthly.key)).status).toBe(201);
    expect((await chat(daily.key)).status).toBe(402);
    expect((await chat(monthly.key)).status).toBe(402);

    clock.advance(DAY);
    expect(await keyOf(user, daily.id)).toMatchObject({ spent: 0 });
    expect((await chat(daily.key)).status).toBe(201);
    expect(await keyOf(user, daily.id)).toMatchObject({ spent: 1 });
    clock.advance(31 * DAY);
    expect(await keyOf(user, monthly.id)).toMatchObject({ spent: 0 });
    expect((await chat(monthly.key)).status).toBe(201);
    expect(await keyOf(user, monthly.id)).toMatchObject({ spent: 1 });
  });

  it('a completion counts its hold while open, only its actual price after', async () => {
    const user = await registerUser(t.http);
    const { id, key } = await newKey(user);
    expect((await setLimit(user, id, { tokens: 90, period: 'day' })).status).toBe(200);
    upstream.next({ kind: 'usage', promptTokens: 5, completionTokens: 2, delayMs: 1500 });
    const completion = fetch(`${t.http.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-gpt', messages: [{ role: 'user', content: 'count me' }], max_tokens: 20 }),
    });
    let held: number | undefined;
    for (let i = 0; i < 100 && !held; i++) {
      const holds = await t.http.get('/tokens/transactions?type=hold', { token: user.token });
      held = holds.body.items[0] ? -holds.body.items[0].amount : undefined;
      if (!held) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(held).toBeGreaterThan(40);
    expect(await keyOf(user, id)).toMatchObject({ spent: held });
    // While it is open, a request that fits the limit only without the hold is refused (a changed limit keeps what was spent).
    expect((await setLimit(user, id, { tokens: held! + 2, period: 'day' })).body).toMatchObject({ spent: held });
    const blocked = await t.http.post('/test-key-limits/fails', {}, { apiKey: key });
    expect(blocked.status).toBe(402);
    expect(blocked.body).toMatchObject({ code: 'KEY_LIMIT_REACHED', spent: held, required: 3 });
    const answer = await completion;
    expect(answer.status).toBe(200);
    const price = Number(answer.headers.get('x-tokens-charged'));
    expect(price).toBe(Math.ceil((5 * 1000 + 2 * 2000) / 1000));
    expect(await keyOf(user, id)).toMatchObject({ spent: price });
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('a completion refused by the limit is a 402 KEY_LIMIT_REACHED in OpenAI’s shape, and the upstream is never called', async () => {
    const user = await registerUser(t.http);
    const { id, key } = await newKey(user);
    expect((await setLimit(user, id, { tokens: 5, period: 'month' })).status).toBe(200);
    const answer = await t.http.post(
      '/v1/chat/completions',
      { model: 'fake-gpt', messages: [{ role: 'user', content: 'too much' }], max_tokens: 20 },
      { apiKey: key },
    );
    expect(answer.status).toBe(402);
    expect(answer.body).toMatchObject({
      code: 'KEY_LIMIT_REACHED',
      limit: 5,
      spent: 0,
      error: { code: 'KEY_LIMIT_REACHED', type: 'insufficient_quota' },
    });
    expect(upstream.requests).toHaveLength(0);
    expect(await keyOf(user, id)).toMatchObject({ spent: 0 });
  });

  it('embeddings through the key count against its limit too (402 KEY_LIMIT_REACHED in OpenAI’s shape)', async () => {
    const user = await registerUser(t.http);
    const { id, key } = await newKey(user);
    expect((await setLimit(user, id, { tokens: 1, period: 'total' })).status).toBe(200);
    expect((await chat(key)).status).toBe(201);
    const refused = await t.http.post('/v1/embeddings', { model: 'local', input: 'spend through the key' }, { apiKey: key });
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ code: 'KEY_LIMIT_REACHED', limit: 1, spent: 1, error: { code: 'KEY_LIMIT_REACHED' } });
    expect(await keyOf(user, id)).toMatchObject({ spent: 1 });
  });

  it('revoking a key removes its limit', async () => {
    const user = await registerUser(t.http);
    const { id } = await newKey(user);
    expect((await setLimit(user, id, { tokens: 5, period: 'day' })).status).toBe(200);
    expect((await t.http.delete(`/api-keys/${id}`, { token: user.token })).status).toBe(204);
    expect(await t.dataSource.query('SELECT limit_id FROM token_spend_limits WHERE limit_id = ?', [id])).toEqual([]);
  });
});

describe(`API key spending limits across two instances on one database (${TEST_DB})`, () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    // One secret: a user's token works on both instances; several batches at once on each.
    const env = { JWT_SECRET: randomBytes(32).toString('hex'), LEDGER_CONCURRENT_BATCHES: '4' };
    first = await startTestApp({ env });
    second = await startTestApp({ env, database: first.database });
  });
  afterAll(async () => {
    await second?.close({ keepDatabase: true });
    await first?.close();
  });

  it('parallel charges through one key on both instances: exactly the limit is served', async () => {
    const user = await registerUser(first.http);
    const created = await first.http.post('/api-keys', { name: 'shared' }, { token: user.token });
    const { id, key } = created.body as { id: string; key: string };
    expect((await first.http.put(`/api-keys/${id}/limit`, { tokens: 15, period: 'month' }, { token: user.token })).status).toBe(200);
    const before = (await first.http.get('/tokens/balance', { token: user.token })).body.balance as number;

    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 ? second : first).http.post('/services/chat', { message: 'hi' }, { apiKey: key })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(15);
    const refused = answers.filter((a) => a.status === 402);
    expect(refused).toHaveLength(45);
    for (const { body } of refused) expect(body).toMatchObject({ code: 'KEY_LIMIT_REACHED', limit: 15, spent: 15, required: 1 });
    expect((await second.http.get('/tokens/balance', { token: user.token })).body.balance).toBe(before - 15);
    const keys = (await second.http.get('/api-keys', { token: user.token })).body as Array<{ id: string; spent: number }>;
    expect(keys.find((k) => k.id === id)?.spent).toBe(15);
    await expectLedgerConsistent(first.dataSource, user.id);
  });
});
