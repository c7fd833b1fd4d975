/**
 * GET /tokens/usage and runwayDays on GET /tokens/balance, from the real ledger: metered calls,
 * AI completions (hold, hold_release and usage rows) and embeddings through the fake upstream, refunds
 * of failed work, on days a fake clock moves through. What is older than an hour comes from the
 * rollup, the rest from the ledger itself: both give the same figures.
 */
import { Clock } from '@token-metering/database';
import { FakeClock } from './support/fake-clock.js';
import { FakeOpenAi } from './support/fake-openai.js';
import { FAKE_MODEL } from './support/completions.js';
import { loginAdmin, registerUser } from './support/factories.js';
import { createProbe } from './support/probe.js';
import { TEST_DB } from './support/test-database.js';
import { startTestApp, TestApp } from './support/test-app.js';

const DAY = 24 * 3600 * 1000;
const clock = new FakeClock();
const probe = createProbe('test-usage', [{ path: 'flaky', action: 'test_usage_flaky', cost: 7, flaky: 'provider failed' }]);

interface Figures {
  tokens: number;
  requests: number;
}
interface Series {
  key: string;
  points: (Figures & { start: string })[];
  total: Figures;
}

const dayOf = (time: Date) => time.toISOString().slice(0, 10);
const startOf = (day: string) => `${day}T00:00:00.000Z`;
const zeros = (days: number) => Array.from({ length: days }, () => 0);

describe(`GET /tokens/usage (${TEST_DB})`, () => {
  let t: TestApp;
  let adminToken: string;
  const upstream = new FakeOpenAi();

  beforeAll(async () => {
    t = await startTestApp({
      controllers: [probe.controller],
      env: { LLM_BASE_URL: await upstream.start(), LLM_API_KEY: 'upstream-key' },
      override: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
    adminToken = await loginAdmin(t.http);
    expect((await t.http.put('/admin/models/fake-gpt', FAKE_MODEL, { token: adminToken })).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await upstream.stop();
  });

  /** Moves the clock to 12:00 UTC of the next day, far from both ends of a day; answers that day. */
  function nextNoon(): string {
    const now = clock.now();
    clock.advance(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 12) - now.getTime());
    return dayOf(clock.now());
  }

  async function newUser(tokens = 100_000) {
    const user = await registerUser(t.http);
    if (tokens > 0) {
      const grant = await t.http.post(`/admin/users/${user.id}/tokens/grant`, { amount: tokens, reason: 'usage' }, { token: adminToken });
      expect(grant.status).toBe(201);
    }
    const apiKey = (await t.http.post('/api-keys', { name: 'console' }, { token: user.token })).body.key as string;
    return { ...user, apiKey };
  }
  type User = Awaited<ReturnType<typeof newUser>>;

  const charged = (response: { status: number; headers: Headers }, status = 201) => {
    expect(response.status).toBe(status);
    return Number(response.headers.get('x-tokens-charged'));
  };
  const chat = async (user: User) => charged(await t.http.post('/services/chat', { message: 'hi' }, { apiKey: user.apiKey }));
  const seoTitle = async (user: User) => charged(await t.http.post('/services/seo-title', { text: 'shoes' }, { apiKey: user.apiKey }));
  const flaky = async (user: User, fail = false) => {
    if (fail) probe.failNext();
    const response = await t.http.post('/test-usage/flaky', {}, { apiKey: user.apiKey });
    expect(response.status).toBe(fail ? 502 : 201);
  };
  /** A completion the upstream reports `prompt` and `completion` tokens for: fake-gpt's price is prompt + 2 * completion. */
  const complete = async (user: User, prompt: number, completion: number) => {
    upstream.next({ kind: 'usage', promptTokens: prompt, completionTokens: completion });
    const body = { model: 'fake-gpt', messages: [{ role: 'user', content: 'count me' }], max_tokens: 10 };
    expect(charged(await t.http.post('/v1/chat/completions', body, { apiKey: user.apiKey }), 200)).toBe(prompt + 2 * completion);
  };
  const EMBEDDED = 'twenty or so words of text to embed, so that the price of the embedding is well above a few tokens each time';
  const embed = async (user: User, fail = false) => {
    if (fail) upstream.next({ kind: 'fail', status: 500 });
    const response = await t.http.post('/v1/embeddings', { model: 'fake-gpt', input: EMBEDDED }, { apiKey: user.apiKey });
    return fail ? (expect(response.status).toBe(502), 0) : charged(response, 200);
  };
  const usage = (user: User, query = '') => t.http.get(`/tokens/usage${query}`, { apiKey: user.apiKey });
  const series = (key: string, days: string[], tokens: number[], requests: number[]): Series => ({
    key,
    points: days.map((day, i) => ({ start: startOf(day), tokens: tokens[i], requests: requests[i] })),
    total: { tokens: tokens.reduce((a, b) => a + b, 0), requests: requests.reduce((a, b) => a + b, 0) },
  });
  const largestFirst = (all: Series[]) => [...all].sort((a, b) => b.total.tokens - a.total.tokens);
  const totalsOf = (all: Series[]) => ({
    tokens: all.reduce((sum, one) => sum + one.total.tokens, 0),
    requests: all.reduce((sum, one) => sum + one.total.requests, 0),
  });

  it('nets usage and refunds per UTC day and action or model; holds cancel out; earlier days come from the rollup alike', async () => {
    const user = await newUser();
    const day0 = nextNoon();
    for (let i = 0; i < 3; i++) await chat(user);
    await complete(user, 10, 5);
    await flaky(user);
    await flaky(user);
    await flaky(user, true);
    const liveDay0 = await usage(user, `?from=${day0}&to=${day0}`);
    expect(liveDay0.status).toBe(200);

    const day1 = nextNoon();
    await complete(user, 4, 3);
    await complete(user, 1, 1);
    const embedded = await embed(user);
    expect(embedded).toBeGreaterThan(14);
    expect(embedded).toBeLessThan(39);
    await embed(user, true);
    await chat(user);

    const day2 = nextNoon();
    await seoTitle(user);
    await complete(user, 2, 2);
    const days = [day0, day1, day2];

    const byAction = await usage(user, `?from=${day0}&to=${day2}&interval=day&groupBy=action`);
    expect(byAction.status).toBe(200);
    const actionSeries = largestFirst([
      series('generate_seo_title', days, [0, 0, 300], [0, 0, 1]),
      series('ai_completion', days, [20, 13, 6], [1, 2, 1]),
      series('ai_embedding', days, [0, embedded, 0], [0, 1, 0]),
      series('test_usage_flaky', days, [14, 0, 0], [2, 0, 0]),
      series('ai_chat_message', days, [3, 1, 0], [3, 1, 0]),
    ]);
    expect(byAction.body).toEqual({
      interval: 'day',
      groupBy: 'action',
      from: startOf(day0),
      to: startOf(day2),
      series: actionSeries,
      totals: totalsOf(actionSeries),
    });
    expect(byAction.body.totals).toEqual({ tokens: 343 + 14 + 4 + embedded - 3 - 1, requests: 12 });

    const byModel = await usage(user, `?from=${day0}&to=${day2}&groupBy=model`);
    const modelSeries = largestFirst([
      series('generate_seo_title', days, [0, 0, 300], [0, 0, 1]),
      series('fake-gpt', days, [20, 13 + embedded, 6], [1, 3, 1]),
      series('test_usage_flaky', days, [14, 0, 0], [2, 0, 0]),
      series('ai_chat_message', days, [3, 1, 0], [3, 1, 0]),
    ]);
    expect(byModel.body).toMatchObject({ groupBy: 'model', series: modelSeries, totals: byAction.body.totals });

    // What day 0 was while it was running (from the ledger) is what the rollup holds for it now.
    expect(liveDay0.body.series).toEqual(
      actionSeries
        .map((one) => ({
          key: one.key,
          points: [one.points[0]],
          total: { tokens: one.points[0].tokens, requests: one.points[0].requests },
        }))
        .filter((one) => one.total.tokens !== 0 || one.total.requests !== 0),
    );
    const rolled = await t.dataSource.query('SELECT DISTINCT day FROM token_usage_days WHERE user_id = ?', [user.id]);
    expect(rolled.map((row: { day: unknown }) => String(row.day instanceof Date ? dayOf(row.day) : row.day)).sort()).toEqual([day0, day1]);
    // The ledger has the completions' holds and releases; none of them counted above.
    const [holds] = await t.dataSource.query(
      "SELECT COUNT(*) AS n FROM token_ledger_entries WHERE user_id = ? AND type IN ('hold', 'hold_release')",
      [user.id],
    );
    expect(Number(holds.n)).toBe(8);
  });

  it('puts an entry in the UTC day it was written in, to the millisecond', async () => {
    const user = await newUser();
    const day = nextNoon();
    clock.advance(DAY / 2 - 1); // 23:59:59.999
    await chat(user);
    clock.advance(1);
    await chat(user);
    await chat(user);
    const next = dayOf(clock.now());
    const response = await usage(user, `?from=${day}&to=${next}`);
    expect(response.body.series).toEqual([series('ai_chat_message', [day, next], [1, 2], [1, 2])]);
    clock.advance(DAY / 2); // both days closed: from the rollup
    expect((await usage(user, `?from=${day}&to=${next}`)).body.series).toEqual(response.body.series);
  });

  it('covers the last 30 days by default, with a zero point for every day; work refunded in full is no series', async () => {
    const user = await newUser();
    const today = nextNoon();
    await flaky(user, true);
    const response = await usage(user);
    expect(response.status).toBe(200);
    const from = dayOf(new Date(clock.now().getTime() - 29 * DAY));
    expect(response.body).toEqual({
      interval: 'day',
      groupBy: 'action',
      from: startOf(from),
      to: startOf(today),
      series: [],
      totals: { tokens: 0, requests: 0 },
    });
    await chat(user);
    const after = await usage(user);
    expect(after.body.series).toHaveLength(1);
    expect(after.body.series[0].points).toHaveLength(30);
    expect(after.body.series[0].points.map((point: Figures) => point.tokens)).toEqual([...zeros(29), 1]);
  });

  it("shows only the caller's own spending, with an API key or an access token alike, and is never metered", async () => {
    const [spender, other] = [await newUser(), await newUser()];
    const day = nextNoon();
    await seoTitle(spender);
    await chat(other);
    const own = await usage(spender, `?from=${day}&to=${day}`);
    expect(own.body.series).toEqual([series('generate_seo_title', [day], [300], [1])]);
    expect((await usage(other, `?from=${day}&to=${day}`)).body.series).toEqual([series('ai_chat_message', [day], [1], [1])]);

    const before = (await t.http.get('/tokens/balance', { token: spender.token })).body.balance;
    const withToken = await t.http.get(`/tokens/usage?from=${day}&to=${day}`, { token: spender.token });
    expect(withToken.body).toEqual(own.body);
    expect(withToken.headers.get('x-tokens-charged')).toBeNull();
    expect((await t.http.get('/tokens/balance', { token: spender.token })).body.balance).toBe(before);
    expect((await t.http.get('/tokens/usage')).status).toBe(401);
  });

  it('answers parallel first reads of new accounts, each rolling them up, all alike and none failing', async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => newUser()));
    for (const user of users) await seoTitle(user);
    clock.advance(2 * DAY);
    const reads = await Promise.all(
      users.flatMap((user) =>
        Array.from({ length: 8 }, (_, i) => (i % 2 ? usage(user) : t.http.get('/tokens/balance', { apiKey: user.apiKey }))),
      ),
    );
    expect(reads.map((read) => read.status)).toEqual(reads.map(() => 200));
    expect(new Set(reads.filter((_, i) => i % 2).map((read) => read.body.totals.tokens))).toEqual(new Set([300]));
  });

  it('answers 400 VALIDATION_FAILED naming the field for a bad query, never 500', async () => {
    const user = await newUser(0);
    const today = nextNoon();
    const cases: [string, string][] = [
      ['?interval=week', 'interval'],
      ['?interval=', 'interval'],
      ['?groupBy=user', 'groupBy'],
      ['?from=2026-02-30', 'from'],
      ['?from=yesterday', 'from'],
      ['?to=2026-13-01', 'to'],
      ['?to=2026-12-06T10:00:00', 'to'],
      ['?from=1969-12-31', 'from'],
      ['?from=2026-01-02&to=2026-01-01', 'from'],
      ['?from=2025-01-01&to=2026-01-02', 'from'],
      ['?from=2026-01-01&from=2026-01-02', 'from'],
      ['?limit=5', 'limit'],
    ];
    for (const [query, field] of cases) {
      const response = await usage(user, query);
      expect([query, response.status, response.body.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
      expect(response.body.details.map((detail: { field: string }) => detail.field)).toContain(field);
    }
    const longest = await usage(user, '?from=2025-01-01&to=2026-01-01');
    expect([longest.status, longest.body.from, longest.body.to]).toEqual([200, startOf('2025-01-01'), startOf('2026-01-01')]);
    // A time stands for its UTC day: 23:30 at -02:00 is tomorrow, after `to`.
    const times = await usage(user, `?from=${today}T23:30:00-02:00&to=${today}T12:00:00.000Z`);
    expect([times.status, times.body.details]).toEqual([400, [{ field: 'from', errors: ['from must not be after to'] }]]);
    const shifted = await usage(user, `?from=${today}T01:30:00%2B02:00&to=${today}T12:00:00.000Z`);
    expect([shifted.status, shifted.body.from, shifted.body.to]).toEqual([
      200,
      startOf(dayOf(new Date(Date.parse(today) - DAY))),
      startOf(today),
    ]);
  });
});

describe(`runwayDays on GET /tokens/balance (${TEST_DB})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ override: (builder) => builder.overrideProvider(Clock).useValue(clock) });
  });
  afterAll(() => t?.close());

  it('is null until something is spent, then the balance over the net spend of the last 7 days per day, for exactly 7 days', async () => {
    const user = await registerUser(t.http);
    const adminToken = await loginAdmin(t.http);
    const apiKey = (await t.http.post('/api-keys', { name: 'runway' }, { token: user.token })).body.key as string;
    const balance = async () => (await t.http.get('/tokens/balance', { apiKey })).body;
    expect(await balance()).toMatchObject({ balance: 100, runwayDays: null });
    await t.http.post(`/admin/users/${user.id}/tokens/grant`, { amount: 10_000, reason: 'runway' }, { token: adminToken });
    expect((await balance()).runwayDays).toBeNull();

    for (let i = 0; i < 2; i++) expect((await t.http.post('/services/seo-title', { text: 'shoes' }, { apiKey })).status).toBe(201);
    // 9,500 tokens left at 600 per 7 days: 110.8 days.
    expect(await balance()).toMatchObject({ balance: 9500, runwayDays: 110.8 });
    clock.advance(7 * DAY - 60_000); // still inside the window, over closed (rolled-up) days
    expect((await balance()).runwayDays).toBe(110.8);
    clock.advance(120_000); // the spending is older than 7 days
    expect(await balance()).toMatchObject({ balance: 9500, runwayDays: null });
  });
});
