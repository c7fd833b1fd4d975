/**
 * A completion without an explicit output limit is not refused for a short balance: its limit is
 * lowered to what the balance affords (down to MIN_OUTPUT_TOKENS), the upstream is asked for that
 * limit, and every answer names the limit in effect (`X-Tokens-Output-Limit`, streams included).
 * An explicit limit the balance cannot hold stays 402, and so does a balance short of the prompt
 * plus MIN_OUTPUT_TOKENS. Parallel lowered requests never hold more than the balance.
 */
import { estimatePromptTokens } from '../../src/completions/tokenizer.js';
import { type CompletionsApp, startCompletionsApp } from '../support/completions.js';
import { registerUser, type TestUser } from '../support/factories.js';
import type { FakeOpenAi } from '../support/fake-openai.js';
import { expectLedgerConsistent } from '../support/ledger-assertions.js';
import type { TestApp } from '../support/test-app.js';
import { TEST_DB } from '../support/test-database.js';

/** A model whose prompt of one short message costs about 2 tokens: 250 / 1,000 tokens per 1,000 prompt / completion tokens. */
const CLAMP_MODEL = { inputPer1k: 250, outputPer1k: 1000, maxOutputTokens: 100 };
const priceOf = (promptTokens: number, completionTokens: number) =>
  Math.ceil((promptTokens * CLAMP_MODEL.inputPer1k + completionTokens * CLAMP_MODEL.outputPer1k) / 1000);
const HI = [{ role: 'user' as const, content: 'hi' }];
const HI_PROMPT = estimatePromptTokens(HI);

describe(`output limits lowered to the balance (${TEST_DB})`, () => {
  let app: CompletionsApp;
  let t: TestApp;
  let upstream: FakeOpenAi;

  beforeAll(async () => {
    app = await startCompletionsApp({ LLM_MAX_CONCURRENT_PER_USER: '64' });
    ({ t, upstream } = app);
    expect((await t.http.put('/admin/models/clamp-gpt', CLAMP_MODEL, { token: app.adminToken })).status).toBe(200);
  });
  afterAll(() => app?.close());
  beforeEach(() => upstream.reset());

  /** A free-plan user (100 tokens) brought to `balance` by an admin's deduct or grant, with an API key. */
  async function userWith(balance: number): Promise<TestUser & { key: string }> {
    const user = await registerUser(t.http);
    const change = balance < 100 ? 'deduct' : 'grant';
    const amount = Math.abs(balance - 100);
    if (amount > 0)
      expect(
        (await t.http.post(`/admin/users/${user.id}/tokens/${change}`, { amount, reason: 'clamp' }, { token: app.adminToken })).status,
      ).toBe(201);
    const created = await t.http.post('/api-keys', { name: 'clamp' }, { token: user.token });
    return { ...user, key: created.body.key as string };
  }
  const complete = (user: { key: string }, body: object, headers: Record<string, string> = {}) =>
    t.http.post('/v1/chat/completions', { model: 'clamp-gpt', messages: HI, ...body }, { token: user.key, headers });
  const rowsOf = async (user: TestUser) =>
    (await expectLedgerConsistent(t.dataSource, user.id)).entries.filter(
      (e) => !['initial_grant', 'admin_grant', 'admin_deduct'].includes(e.type),
    );

  it('a free-plan user with 20 tokens gets an answer with the limit lowered to what the balance affords; the usage is charged', async () => {
    const user = await userWith(20);
    expect(priceOf(HI_PROMPT, 0)).toBe(2);
    const affordable = (20_000 - HI_PROMPT * CLAMP_MODEL.inputPer1k) / CLAMP_MODEL.outputPer1k;
    const response = await complete(user, {});
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tokens-output-limit')).toBe(String(Math.floor(affordable)));
    expect(upstream.requests.map((request) => request.body.max_completion_tokens)).toEqual([Math.floor(affordable)]);
    expect(upstream.requests[0].body).not.toHaveProperty('max_tokens');
    const { prompt_tokens, completion_tokens } = response.body.usage;
    const price = priceOf(prompt_tokens, completion_tokens);
    expect(response.headers.get('x-tokens-charged')).toBe(String(price));
    expect((await rowsOf(user)).map((e) => [e.type, e.amount])).toEqual([
      ['hold', -priceOf(HI_PROMPT, Math.floor(affordable))],
      ['hold_release', priceOf(HI_PROMPT, Math.floor(affordable))],
      ['usage', -price],
    ]);
    expect((await t.http.get('/tokens/balance', { token: user.token })).body).toMatchObject({ balance: 20 - price, held: 0 });
  });

  it('a stream is lowered the same way and names its limit in its headers', async () => {
    const user = await userWith(20);
    const response = await fetch(`${t.http.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'clamp-gpt', messages: HI, stream: true }),
    });
    expect(response.status).toBe(200);
    const limit = Number(response.headers.get('x-tokens-output-limit'));
    expect(limit).toBe(Math.floor((20_000 - HI_PROMPT * CLAMP_MODEL.inputPer1k) / CLAMP_MODEL.outputPer1k));
    expect(await response.text()).toContain('data: [DONE]');
    expect(upstream.requests[0].body).toMatchObject({ max_completion_tokens: limit, stream: true });
    expect((await rowsOf(user)).map((e) => e.type)).toEqual(['hold', 'hold_release', 'usage']);
  });

  it('n choices share what the balance affords: the limit applies to each', async () => {
    const user = await userWith(40);
    const response = await complete(user, { n: 2 });
    const limit = Math.floor((40_000 - HI_PROMPT * CLAMP_MODEL.inputPer1k) / (2 * CLAMP_MODEL.outputPer1k));
    expect([response.status, response.headers.get('x-tokens-output-limit')]).toEqual([200, String(limit)]);
    expect(upstream.requests[0].body).toMatchObject({ n: 2, max_completion_tokens: limit });
    expect((await rowsOf(user))[0].amount).toBe(-priceOf(HI_PROMPT, 2 * limit));
  });

  it('an explicit limit the balance cannot hold is 402 and never lowered; one it can hold runs as asked', async () => {
    const user = await userWith(20);
    for (const body of [{ max_tokens: 100 }, { max_completion_tokens: 19 }]) {
      const refused = await complete(user, body);
      expect([refused.status, refused.body.error.code]).toEqual([402, 'INSUFFICIENT_TOKENS']);
    }
    expect(upstream.requests).toHaveLength(0);
    const fits = await complete(user, { max_tokens: 18 });
    expect([fits.status, fits.headers.get('x-tokens-output-limit')]).toEqual([200, '18']);
    expect(upstream.requests[0].body.max_completion_tokens).toBe(18);
  });

  it('402 when not even the prompt and MIN_OUTPUT_TOKENS (16) fit: nothing held, the upstream never called', async () => {
    const user = await userWith(17); // affords 15 output tokens after the prompt's 2
    const response = await complete(user, {});
    expect(response.status).toBe(402);
    expect(response.body).toMatchObject({
      error: { code: 'INSUFFICIENT_TOKENS', type: 'insufficient_quota' },
      balance: 17,
      required: priceOf(HI_PROMPT, 16),
    });
    expect(upstream.requests).toHaveLength(0);
    expect(await rowsOf(user)).toEqual([]);
  });

  it('an Idempotency-Key replays the lowered answer without holding again', async () => {
    const user = await userWith(20);
    const first = await complete(user, {}, { 'idempotency-key': 'lowered-once' });
    const again = await complete(user, {}, { 'idempotency-key': 'lowered-once' });
    expect([first.status, again.status, again.headers.get('idempotent-replayed')]).toEqual([200, 200, 'true']);
    expect(again.body).toEqual(first.body);
    expect(upstream.requests).toHaveLength(1);
    expect((await rowsOf(user)).map((e) => e.type)).toEqual(['hold', 'hold_release', 'usage']);
  });

  it('parallel requests lowered to the balance never hold more than it: each runs with the limit it held, or is 402', async () => {
    const user = await userWith(300);
    // Slow enough that every request has held (or been refused) before the first one settles.
    upstream.next(...Array.from({ length: 30 }, () => ({ kind: 'slow' as const, delayMs: 3000 })));
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => complete(user, { messages: [{ role: 'user', content: `parallel ${i}` }] })),
    );
    const served = responses.filter((response) => response.status === 200);
    expect(responses.every((response) => response.status === 200 || response.status === 402)).toBe(true);
    expect(served.length).toBeGreaterThan(2);
    expect(served.length).toBeLessThan(30);
    const limits = served.map((response) => Number(response.headers.get('x-tokens-output-limit')));
    expect(limits.every((limit) => limit >= 16 && limit <= CLAMP_MODEL.maxOutputTokens)).toBe(true);
    expect(limits.some((limit) => limit < CLAMP_MODEL.maxOutputTokens)).toBe(true);
    // Each served request asked the upstream for the limit it answered with.
    const asked = new Map(upstream.requests.map((request) => [request.body.messages[0].content, request.body.max_completion_tokens]));
    for (const response of served) {
      const content = `parallel ${(response.body.choices[0].message.content as string).split(' ').at(-1)}`;
      expect(asked.get(content)).toBe(Number(response.headers.get('x-tokens-output-limit')));
    }
    expect(upstream.requests).toHaveLength(served.length);
    const rows = await rowsOf(user);
    // The holds were all open at once: together they never exceeded the balance.
    expect(-rows.filter((e) => e.type === 'hold').reduce((sum, e) => sum + e.amount, 0)).toBeLessThanOrEqual(300);
    const charged = -rows.filter((e) => e.type === 'usage').reduce((sum, e) => sum + e.amount, 0);
    expect((await t.http.get('/tokens/balance', { token: user.token })).body).toMatchObject({ balance: 300 - charged, held: 0, owed: 0 });
  });

  it('MIN_OUTPUT_TOKENS sets the least limit a request may be lowered to', async () => {
    const other = await startCompletionsApp({ MIN_OUTPUT_TOKENS: '4' });
    try {
      expect((await other.t.http.put('/admin/models/clamp-gpt', CLAMP_MODEL, { token: other.adminToken })).status).toBe(200);
      const user = await registerUser(other.t.http);
      await other.t.http.post(`/admin/users/${user.id}/tokens/deduct`, { amount: 83, reason: 'clamp' }, { token: other.adminToken });
      const key = (await other.t.http.post('/api-keys', { name: 'min' }, { token: user.token })).body.key as string;
      const response = await other.t.http.post('/v1/chat/completions', { model: 'clamp-gpt', messages: HI }, { token: key });
      expect([response.status, response.headers.get('x-tokens-output-limit')]).toEqual([200, '15']);
    } finally {
      await other.close();
    }
  });
});
