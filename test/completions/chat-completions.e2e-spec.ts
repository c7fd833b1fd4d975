/**
 * POST /v1/chat/completions through the official `openai` SDK as the client (baseURL = the app's
 * /v1, apiKey = an API key of this service), against a fake OpenAI-compatible upstream the test
 * starts (LLM_BASE_URL). Each completion holds its most expensive outcome first and is settled
 * to the token at the model's prices; the ledger is read back from the database.
 */
import OpenAI from 'openai';
import { type CompletionsApp, FAKE_MODEL, startCompletionsApp } from '../support/completions.js';
import { type FakeOpenAi, readUntilContent } from '../support/fake-openai.js';
import { expectLedgerConsistent } from '../support/ledger-assertions.js';
import type { TestApp } from '../support/test-app.js';
import { TEST_DB } from '../support/test-database.js';

/** The fake's tokens are words; a prompt of one user message "a b c" is 3 words + 3 for the message. */
const priceOf = (promptTokens: number, completionTokens: number) =>
  Math.ceil((promptTokens * FAKE_MODEL.inputPer1k + completionTokens * FAKE_MODEL.outputPer1k) / 1000);

describe(`POST /v1/chat/completions with the OpenAI SDK (${TEST_DB})`, () => {
  let app: CompletionsApp;
  let t: TestApp;
  let upstream: FakeOpenAi;
  const client = (tokens = 0) => app.client(tokens);

  beforeAll(async () => {
    // 50 completions of one user at once race for the balance here; the limit on completions in flight has its own suite.
    app = await startCompletionsApp({ LLM_MAX_CONCURRENT_PER_USER: '64' });
    ({ t, upstream } = app);
  });
  afterAll(() => app?.close());
  beforeEach(() => upstream.reset());

  const rowsOf = async (userId: string) =>
    (await expectLedgerConsistent(t.dataSource, userId)).entries.filter((e) => e.type !== 'initial_grant' && e.type !== 'admin_grant');

  it('answers a completion, holds its maximum first, and charges its actual usage to the token', async () => {
    const { user, sdk } = await client(1000);
    const { data: completion, response } = await sdk.chat.completions
      .create({ model: 'fake-gpt', messages: [{ role: 'user', content: 'hold then settle' }], max_tokens: 20 })
      .withResponse();
    expect(completion.choices[0].message.content).toBe('Fake reply to: hold then settle');
    const usage = completion.usage!;
    expect(usage).toMatchObject({ prompt_tokens: 6, completion_tokens: 6, total_tokens: 12 });
    const price = priceOf(usage.prompt_tokens, usage.completion_tokens);
    expect(response.headers.get('x-tokens-charged')).toBe(String(price));
    expect(response.headers.get('x-tokens-remaining')).toBe(String(1100 - price));

    // The upstream was asked for the request's limit, with the service's own key.
    expect(upstream.requests[0].body).toMatchObject({ model: 'fake-gpt', max_completion_tokens: 20 });
    expect(upstream.requests[0].headers.authorization).toBe('Bearer upstream-key');

    const rows = await rowsOf(user.id);
    expect(rows.map((e) => e.type)).toEqual(['hold', 'hold_release', 'usage']);
    expect(-rows[0].amount).toBeGreaterThanOrEqual(price);
    expect(rows[1].amount).toBe(-rows[0].amount);
    expect(rows[2].amount).toBe(-price);
    expect((await t.http.get('/tokens/balance', { token: user.token })).body).toMatchObject({ balance: 1100 - price, held: 0 });
  });

  it('streams the chunks as they come, settles before [DONE] and reports the charge in the last chunk', async () => {
    const { user, sdk } = await client(1000);
    const stream = await sdk.chat.completions.create({
      model: 'fake-gpt',
      messages: [{ role: 'user', content: 'stream me please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let last: any;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      last = chunk;
    }
    expect(text.trim().split(/\s+/)).toEqual(['Fake', 'reply', 'to:', 'stream', 'me', 'please']);
    expect(last.choices).toEqual([]);
    const price = priceOf(last.usage.prompt_tokens, last.usage.completion_tokens);
    expect(last.tokens).toEqual({ charged: price, remaining: 1100 - price });
    expect(upstream.requests[0].body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect((await rowsOf(user.id)).map((e) => [e.type, e.amount]).at(-1)).toEqual(['usage', -price]);
  });

  it('a balance short of the hold of an explicit limit is 402 in OpenAI shape, and the upstream is never called', async () => {
    const { user, sdk } = await client();
    // 100 tokens: the hold of a 50-token output limit alone is 100 + the prompt.
    const error = await sdk.chat.completions
      .create({ model: 'fake-gpt', messages: [{ role: 'user', content: 'too expensive' }], max_tokens: 50 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: 402, code: 'INSUFFICIENT_TOKENS' });
    expect(upstream.requests).toHaveLength(0);
    expect(await rowsOf(user.id)).toEqual([]);
  });

  it('an upstream failure before any output releases the hold in full: 502 UPSTREAM_FAILED, nothing charged', async () => {
    const { user, sdk } = await client(1000);
    upstream.next({ kind: 'fail', status: 500 }, { kind: 'fail', status: 500 });
    for (const stream of [false, true]) {
      const error = await (async () => {
        const answer = await sdk.chat.completions.create({ model: 'fake-gpt', messages: [{ role: 'user', content: 'fail' }], stream });
        if (stream) for await (const _ of answer as AsyncIterable<unknown>) void _;
      })().catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 502, code: 'UPSTREAM_FAILED' });
    }
    expect((await rowsOf(user.id)).map((e) => e.type)).toEqual(['hold', 'hold_release', 'hold', 'hold_release']);
    expect((await t.http.get('/tokens/balance', { token: user.token })).body).toMatchObject({ balance: 1100, held: 0 });
  });

  it('a stream cut after output began is charged for the output generated so far, the rest released', async () => {
    const { user, sdk } = await client(1000);
    upstream.next({ kind: 'cut', afterChunks: 3 });
    const stream = await sdk.chat.completions.create({
      model: 'fake-gpt',
      messages: [{ role: 'user', content: 'cut me off' }],
      stream: true,
    });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    })().catch((e: unknown) => e);
    expect(error).toBeDefined();
    expect(text.trim().split(/\s+/)).toHaveLength(3);
    const rows = await rowsOf(user.id);
    expect(rows.map((e) => e.type)).toEqual(['hold', 'hold_release', 'usage']);
    expect(-rows[2].amount).toBeGreaterThan(0);
    expect(-rows[2].amount).toBeLessThan(-rows[0].amount);
    expect((await t.http.get('/tokens/balance', { token: user.token })).body).toMatchObject({ held: 0 });
  });

  it('a client that disconnects mid-stream: the upstream request is aborted and the output so far is charged', async () => {
    const { user } = await client(1000);
    const key = await t.http.post('/api-keys', { name: 'raw' }, { token: user.token });
    upstream.next({ kind: 'slow', delayMs: 150 });
    const abort = new AbortController();
    const response = await fetch(`${t.http.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.body.key as string}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-gpt', messages: [{ role: 'user', content: 'one two three four five six seven' }], stream: true }),
      signal: abort.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    await readUntilContent(response);
    abort.abort();

    // The app notices, aborts the upstream request, and settles what was generated.
    // Polled without the consistency check: the hold's release and its usage may be committing between two reads.
    const deadline = Date.now() + 5000;
    const count = async () =>
      Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM token_ledger_entries WHERE user_id = ?', [user.id]))[0].n);
    while ((await count()) < 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const rows = await rowsOf(user.id);
    expect(rows.map((e) => e.type)).toEqual(['hold', 'hold_release', 'usage']);
    expect(-rows[2].amount).toBeGreaterThan(0);
    expect(-rows[2].amount).toBeLessThan(priceOf(11, 11)); // less than the whole reply would have cost
    // The upstream sees its connection close once the app cancelled the request (the settlement may commit first).
    while (!upstream.requests[0].closedEarly && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(upstream.requests[0].closedEarly).toBe(true);
    expect((await t.http.get('/tokens/balance', { token: user.token })).body).toMatchObject({ held: 0 });
  });

  it('50 concurrent completions whose holds exceed the balance: only those that fit start; the balance never goes negative', async () => {
    const { user, sdk } = await client(900); // 1,000 tokens; each hold is about 100 + its prompt
    // Slow enough that every request has held (or been refused) before the first one settles, even on a busy machine.
    upstream.next(...Array.from({ length: 50 }, () => ({ kind: 'slow' as const, delayMs: 3000 })));
    // An explicit limit: the hold is never lowered to what is left (the clamp has its own suite).
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        sdk.chat.completions.create({ model: 'fake-gpt', messages: [{ role: 'user', content: `parallel ${i}` }], max_tokens: 50 }),
      ),
    );
    const served = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(served.length).toBeGreaterThan(0);
    expect(served.length).toBeLessThanOrEqual(9); // 1,000 / the smallest hold (106)
    expect(refused.every((r) => (r.reason as { status?: number }).status === 402)).toBe(true);
    expect(upstream.requests).toHaveLength(served.length);
    const charged = served.reduce((sum, r) => {
      const usage = (r as PromiseFulfilledResult<OpenAI.Chat.ChatCompletion>).value.usage!;
      return sum + priceOf(usage.prompt_tokens, usage.completion_tokens);
    }, 0);
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.balance).toBe(1000 - charged);
    expect((await t.http.get('/tokens/balance', { token: user.token })).body).toMatchObject({ held: 0 });
  });

  it('GET /v1/models lists the models with their prices, through the SDK; GET /tokens/costs shows them too', async () => {
    const { user, sdk } = await client();
    const ids = [];
    for await (const model of sdk.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['local', 'fake-gpt']));
    const costs = (await t.http.get('/tokens/costs', { token: user.token })).body as Array<{ action: string; cost: number }>;
    expect(costs.filter((line) => line.action.startsWith('ai_completion:fake-gpt'))).toEqual([
      expect.objectContaining({ action: 'ai_completion:fake-gpt:input', cost: FAKE_MODEL.inputPer1k }),
      expect.objectContaining({ action: 'ai_completion:fake-gpt:output', cost: FAKE_MODEL.outputPer1k }),
    ]);
    // A metered action's price list entry is unchanged, and the balance is not "disabled" by the per-1k lines.
    expect(costs.find((line) => line.action === 'ai_chat_message')).toMatchObject({ cost: 1 });
    expect((await t.http.get('/tokens/balance', { token: user.token })).body).toMatchObject({ featuresDisabled: false });
  });

  it('an Idempotency-Key replays the first answer without calling the model or charging again; a failed first try frees it', async () => {
    const { user, sdk } = await client(1000);
    const ask = (key: string) =>
      sdk.chat.completions
        .create({ model: 'fake-gpt', messages: [{ role: 'user', content: 'only once' }] }, { headers: { 'Idempotency-Key': key } })
        .withResponse();
    const first = await ask('completion-key');
    const again = await ask('completion-key');
    expect(again.data).toEqual(first.data);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    expect(again.response.headers.get('x-tokens-charged')).toBe(first.response.headers.get('x-tokens-charged'));
    expect(upstream.requests).toHaveLength(1);
    expect((await rowsOf(user.id)).map((e) => e.type)).toEqual(['hold', 'hold_release', 'usage']);

    // The same key with another body is refused; a first try that failed leaves its key free for the retry.
    const reused = await sdk.chat.completions
      .create(
        { model: 'fake-gpt', messages: [{ role: 'user', content: 'something else' }] },
        { headers: { 'Idempotency-Key': 'completion-key' } },
      )
      .catch((e: unknown) => e);
    expect(reused).toMatchObject({ status: 409, code: 'IDEMPOTENCY_KEY_REUSED' });
    upstream.next({ kind: 'fail', status: 500 });
    expect(await ask('retried-key').catch((e: unknown) => e)).toMatchObject({ status: 502 });
    const retried = await ask('retried-key');
    expect(retried.response.headers.get('idempotent-replayed')).toBeNull();
    expect(upstream.requests).toHaveLength(3);

    const streamed = await sdk.chat.completions
      .create(
        { model: 'fake-gpt', messages: [{ role: 'user', content: 'x' }], stream: true },
        { headers: { 'Idempotency-Key': 'stream-key' } },
      )
      .catch((e: unknown) => e);
    expect(streamed).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('bad bodies are 400 in OpenAI shape and hold nothing', async () => {
    const { user, sdk } = await client(1000);
    for (const body of [
      { model: 'fake-gpt', messages: [] },
      { model: 'fake-gpt', messages: [{ role: 'wizard', content: 'x' }] },
      { model: 'fake-gpt', messages: [{ role: 'user', content: 'x' }], max_tokens: 0 },
      { model: 'fake-gpt', messages: [{ role: 'user', content: 'x' }], n: 0 },
      { model: 'fake-gpt', messages: [{ role: 'user', content: 'x' }], n: 129 },
      { model: 'fake-gpt', messages: [{ role: 'user', content: 42 }] },
      { model: 'fake-gpt', messages: [{ role: 'user', content: [{ type: 'image_url' }] }] },
      { model: 'fake-gpt', messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x.test/a.png' } }] }] },
      { model: 'fake-gpt', messages: [{ role: 'tool', content: 'no call id' }] },
      { model: 'fake-gpt', messages: [{ role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f' } }] }] },
      { model: 'fake-gpt', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: 'yes' } },
      { model: 'fake-gpt', messages: [{ role: 'user', content: 'x' }], tools: 'none' },
      { model: 'fake-gpt', messages: [{ role: 'user', content: 'x' }], max_completion_tokens: 1.5 },
    ]) {
      const error = await sdk.chat.completions.create(body as never).catch((e: unknown) => e);
      expect({ body, status: (error as { status?: number }).status, code: (error as { code?: string }).code }).toEqual({
        body,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    const unknown = await sdk.chat.completions
      .create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ status: 404 });
    expect(await rowsOf(user.id)).toEqual([]);
  });
});
