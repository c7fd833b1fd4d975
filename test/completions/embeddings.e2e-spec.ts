/**
 * POST /v1/embeddings through the official `openai` SDK and raw HTTP, on the real app and database:
 * the built-in `local` model's deterministic vectors (float and base64, `dimensions`), and a fake
 * OpenAI-compatible upstream (LLM_BASE_URL) for every other model. Each call is charged before the
 * work at `ceil(promptTokens * inputPer1k / 1000)`, with one `usage` entry (metadata model and
 * promptTokens); a failure of the work refunds it; the ledger is read back from the database.
 */
import OpenAI, { APIError } from 'openai';
import { countTokens, localVectorOf } from '../../src/completions/index.js';
import { type CompletionsApp, FAKE_MODEL, startCompletionsApp } from '../support/completions.js';
import { cpuMs, longestBlockDuring, postFromWorker } from '../support/event-loop.js';
import { FakeOpenAi } from '../support/fake-openai.js';
import { expectLedgerConsistent } from '../support/ledger-assertions.js';
import type { TestApp } from '../support/test-app.js';
import { TEST_DB } from '../support/test-database.js';

/** The local model's seeded price: 10 tokens per 1,000 prompt tokens. */
const LOCAL_INPUT_PER_1K = 10;
const localPrice = (promptTokens: number) => Math.ceil((promptTokens * LOCAL_INPUT_PER_1K) / 1000);
/** fake-gpt costs 1,000 per 1,000 prompt tokens: one token each. */
const fakePrice = (promptTokens: number) => Math.ceil((promptTokens * FAKE_MODEL.inputPer1k) / 1000);

const norm = (vector: ArrayLike<number>) => Math.sqrt(Array.from(vector).reduce((sum, value) => sum + value * value, 0));
/** The SDK hands a base64 embedding over as sent (a string), whatever its types (numbers) say. */
const float32sOf = (base64: unknown) => {
  const bytes = Buffer.from(base64 as string, 'base64');
  return Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
};

interface Row {
  type: string;
  action: string | null;
  amount: number;
  metadata: Record<string, unknown> | null;
}

describe(`POST /v1/embeddings (${TEST_DB})`, () => {
  let app: CompletionsApp;
  let t: TestApp;
  let upstream: FakeOpenAi;

  beforeAll(async () => {
    app = await startCompletionsApp();
    ({ t, upstream } = app);
  });
  afterAll(() => app?.close());
  beforeEach(() => upstream.reset());

  /** The user's ledger after the grants, checked for consistency first. */
  async function rowsOf(userId: string): Promise<Row[]> {
    await expectLedgerConsistent(t.dataSource, userId);
    const rows = await t.dataSource.query(
      "SELECT type, action, amount, metadata FROM token_ledger_entries WHERE user_id = ? AND type NOT IN ('initial_grant', 'admin_grant') ORDER BY seq",
      [userId],
    );
    return rows.map((r: Record<string, unknown>) => ({
      type: String(r.type),
      action: (r.action as string | null) ?? null,
      amount: Number(r.amount),
      metadata: typeof r.metadata === 'string' ? JSON.parse(r.metadata) : ((r.metadata as Record<string, unknown> | null) ?? null),
    }));
  }

  const post = (key: string, body: unknown, headers: Record<string, string> = {}) =>
    t.http.post('/v1/embeddings', body, { headers: { authorization: `Bearer ${key}`, ...headers } });

  describe('the built-in local model', () => {
    it('answers a 256-dimension unit vector through the SDK, charged its input price with one usage entry', async () => {
      const { user, sdk } = await app.client();
      const text = 'The food was delicious and the waiter was friendly';
      const { data: answer, response } = await sdk.embeddings.create({ model: 'local', input: text }).withResponse();
      const promptTokens = countTokens(text);
      expect(answer).toEqual({
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: expect.any(Array) }],
        model: 'local',
        usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
      });
      const vector = answer.data[0].embedding;
      expect(vector).toHaveLength(256);
      expect(norm(vector)).toBeCloseTo(1, 5);
      expect(vector).toEqual(Array.from(localVectorOf(text, 256)));
      expect(response.headers.get('x-tokens-charged')).toBe(String(localPrice(promptTokens)));
      expect(response.headers.get('x-tokens-remaining')).toBe(String(100 - localPrice(promptTokens)));
      expect(await rowsOf(user.id)).toEqual([
        { type: 'usage', action: 'ai_embedding', amount: -localPrice(promptTokens), metadata: { model: 'local', promptTokens } },
      ]);
      expect(upstream.requests).toEqual([]);
    });

    it('the same input always gets the same vector; another input another one', async () => {
      const { sdk } = await app.client();
      const first = await sdk.embeddings.create({ model: 'local', input: ['same', 'other', 'same'] });
      const again = await sdk.embeddings.create({ model: 'local', input: 'same' });
      expect(first.data.map((item) => item.index)).toEqual([0, 1, 2]);
      expect(first.data[2].embedding).toEqual(first.data[0].embedding);
      expect(again.data[0].embedding).toEqual(first.data[0].embedding);
      expect(first.data[1].embedding).not.toEqual(first.data[0].embedding);
    });

    it('float and base64 (little-endian float32) carry the same numbers; the SDK decodes base64 by default', async () => {
      const { key, sdk } = await app.client();
      const input = ['one text', 'another text'];
      const floats = await sdk.embeddings.create({ model: 'local', input, encoding_format: 'float' });
      const base64 = await sdk.embeddings.create({ model: 'local', input, encoding_format: 'base64' });
      // Without encoding_format the SDK asks for base64 and decodes it into numbers.
      const byDefault = await sdk.embeddings.create({ model: 'local', input });
      for (const index of [0, 1]) {
        expect(typeof base64.data[index].embedding).toBe('string');
        expect(float32sOf(base64.data[index].embedding)).toEqual(floats.data[index].embedding);
        expect(byDefault.data[index].embedding).toEqual(floats.data[index].embedding);
      }
      // A raw client that names no encoding gets numbers, as from OpenAI.
      const raw = await post(key, { model: 'local', input: 'one text' });
      expect([raw.status, raw.body.data[0].embedding]).toEqual([200, floats.data[0].embedding]);
    });

    it('honours dimensions (1 to 3072): a shorter vector is the normalised start of a longer one', async () => {
      const { sdk } = await app.client();
      const long = (await sdk.embeddings.create({ model: 'local', input: 'prefix', dimensions: 3072 })).data[0].embedding;
      const short = (await sdk.embeddings.create({ model: 'local', input: 'prefix', dimensions: 8 })).data[0].embedding;
      const one = (await sdk.embeddings.create({ model: 'local', input: 'prefix', dimensions: 1 })).data[0].embedding;
      expect([long.length, short.length, one.length]).toEqual([3072, 8, 1]);
      expect(norm(long)).toBeCloseTo(1, 5);
      expect(norm(short)).toBeCloseTo(1, 5);
      expect(Math.abs(one[0])).toBeCloseTo(1, 6);
      const start = long.slice(0, 8);
      short.forEach((value, index) => expect(value).toBeCloseTo(start[index] / norm(start), 6));
    });

    it('token id inputs count their length; texts and token arrays are different inputs', async () => {
      const { user, sdk } = await app.client(1000);
      const ids = Array.from({ length: 700 }, (_, i) => i);
      const single = await sdk.embeddings.create({ model: 'local', input: ids });
      const many = await sdk.embeddings.create({ model: 'local', input: [ids, [1, 2, 3]] });
      expect(single.usage).toEqual({ prompt_tokens: 700, total_tokens: 700 });
      expect(many.usage).toEqual({ prompt_tokens: 703, total_tokens: 703 });
      expect(many.data[0].embedding).toEqual(single.data[0].embedding);
      const rows = await rowsOf(user.id);
      expect(rows.map((row) => [row.type, row.amount, row.metadata])).toEqual([
        ['usage', -localPrice(700), { model: 'local', promptTokens: 700 }],
        ['usage', -localPrice(703), { model: 'local', promptTokens: 703 }],
      ]);
    });

    it('refuses more numbers than one answer may hold (inputs times dimensions above 2^19): 400, nothing charged', async () => {
      const { user, key } = await app.client();
      const response = await post(key, { model: 'local', input: Array.from({ length: 171 }, (_, i) => `t${i}`), dimensions: 3072 });
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'VALIDATION_FAILED', param: 'input' });
      expect(await rowsOf(user.id)).toEqual([]);
      const fits = await post(key, { model: 'local', input: Array.from({ length: 2048 }, (_, i) => `t${i}`) });
      expect([fits.status, fits.body.data.length]).toEqual([200, 2048]);
    });

    it('a body near the 1 MiB limit is counted without holding up the event loop', async () => {
      const { user, key } = await app.client(100_000);
      const input = Array.from({ length: 2048 }, (_, i) => `${i} `.repeat(120).slice(0, 480));
      const expected = input.reduce((sum, text) => sum + countTokens(text), 0);
      // One number per vector: the answer stays small, the count is what is measured.
      const { result: response, ...longest } = await longestBlockDuring(() => post(key, { model: 'local', input, dimensions: 1 }));
      expect(response.status).toBe(200);
      expect(response.body.usage.prompt_tokens).toBe(expected);
      expect(response.body.data).toHaveLength(2048);
      expect(longest.cpuMs).toBeLessThanOrEqual(50);
      expect(longest.withGc.cpuMs).toBeLessThan(250);
      expect((await rowsOf(user.id)).map((row) => row.amount)).toEqual([-localPrice(expected)]);
    });

    it('the largest answer (2^19 numbers as JSON, some 10 MB) is written without holding up the event loop', async () => {
      const { key } = await app.client(1000);
      const input = Array.from({ length: 2048 }, (_, i) => `text ${i}`);
      // Received by a worker thread: reading and parsing 10 MB there is not the app's block.
      const { result: answered, ...longest } = await longestBlockDuring(() =>
        postFromWorker(`${t.http.baseUrl}/v1/embeddings`, key, { model: 'local', input }),
      );
      expect(answered.status).toBe(200);
      const answer = JSON.parse(Buffer.from(answered.bytes).toString('utf8'));
      // A yardstick measured in the same run and thread, so the machine's speed cancels out: writing the
      // answer's JSON all at once. What the app does in one piece (joining the 10 MB answer, handing it to
      // the socket) took about half of it here; the vectors written without slices, about 1.6 times it.
      const start = cpuMs();
      JSON.stringify(answer);
      const atOnce = cpuMs() - start;
      expect(longest.cpuMs).toBeLessThan(atOnce);
      expect(answer.data).toHaveLength(2048);
      expect(answer.data[2047]).toEqual({ object: 'embedding', index: 2047, embedding: Array.from(localVectorOf('text 2047', 256)) });
    });
  });

  describe('an upstream model (LLM_BASE_URL)', () => {
    it("passes the request on, answers the upstream's vectors in the asked encoding, charged its input price", async () => {
      const { user, key, sdk } = await app.client(1000);
      const input = ['the first text', 'a second one'];
      const { data: answer, response } = await sdk.embeddings
        .create({ model: 'fake-gpt', input, dimensions: 16, user: 'end-user-7' })
        .withResponse();
      const promptTokens = countTokens(input[0]) + countTokens(input[1]);
      expect(answer).toEqual({
        object: 'list',
        data: input.map((text, index) => ({ object: 'embedding', index, embedding: FakeOpenAi.vectorOf(text, 16) })),
        model: 'fake-gpt',
        usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
      });
      expect(response.headers.get('x-tokens-charged')).toBe(String(fakePrice(promptTokens)));
      expect(upstream.requests).toHaveLength(1);
      expect(upstream.requests[0].headers.authorization).toBe('Bearer upstream-key');
      expect(upstream.requests[0].body).toEqual({
        model: 'fake-gpt',
        input,
        dimensions: 16,
        user: 'end-user-7',
        encoding_format: 'base64',
      });

      const base64 = await post(key, { model: 'fake-gpt', input: [[5, 6, 7]], encoding_format: 'base64' });
      expect(base64.status).toBe(200);
      expect(float32sOf(base64.body.data[0].embedding)).toEqual(FakeOpenAi.vectorOf([5, 6, 7], 8));
      expect(await rowsOf(user.id)).toEqual([
        { type: 'usage', action: 'ai_embedding', amount: -fakePrice(promptTokens), metadata: { model: 'fake-gpt', promptTokens } },
        { type: 'usage', action: 'ai_embedding', amount: -3, metadata: { model: 'fake-gpt', promptTokens: 3 } },
      ]);
    });

    it.each([
      ['a 500', { kind: 'fail' as const, status: 500 }],
      ['a 401 (the upstream refusing the service key)', { kind: 'fail' as const, status: 401 }],
      ['a broken connection', { kind: 'cut' as const, afterChunks: 0 }],
      ['an answer that is not an embeddings list', { kind: 'answer' as const, body: { object: 'list', data: [{ index: 0 }] } }],
      ['too few vectors', { kind: 'answer' as const, body: { object: 'list', data: [] } }],
    ])('an upstream failure (%s) is 502 UPSTREAM_FAILED and refunded', async (_label, behaviour) => {
      const { user, sdk } = await app.client(1000);
      upstream.next(behaviour);
      const error = await sdk.embeddings.create({ model: 'fake-gpt', input: 'fails upstream' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIError);
      expect(error).toMatchObject({ status: 502, code: 'UPSTREAM_FAILED', type: 'api_error' });
      expect((error as APIError).message).not.toMatch(/no body/);
      const price = fakePrice(countTokens('fails upstream'));
      const rows = await rowsOf(user.id);
      expect(rows.map((row) => [row.type, row.amount])).toEqual([
        ['usage', -price],
        ['refund', price],
      ]);
      expect(rows[1].metadata).toMatchObject({ reason: 'UPSTREAM_FAILED' });
      expect((await t.http.get('/tokens/balance', { token: user.token })).body.balance).toBe(1100);
    });

    it("an upstream 4xx about the request comes back with its status and message in OpenAI's shape, refunded", async () => {
      const { user, sdk } = await app.client(1000);
      upstream.next({ kind: 'fail', status: 400, message: "This model's maximum context length is 8192 tokens" });
      const error = await sdk.embeddings.create({ model: 'fake-gpt', input: 'too long' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', type: 'invalid_request_error', param: 'input' });
      expect((error as APIError).error).toMatchObject({ message: expect.stringContaining('maximum context length is 8192') });
      upstream.next({ kind: 'fail', status: 429, message: 'Slow down' });
      expect(await sdk.embeddings.create({ model: 'fake-gpt', input: 'too fast' }).catch((e: unknown) => e)).toMatchObject({
        status: 429,
        code: 'TOO_MANY_REQUESTS',
      });
      expect((await rowsOf(user.id)).map((row) => row.type)).toEqual(['usage', 'refund', 'usage', 'refund']);
      expect((await t.http.get('/tokens/balance', { token: user.token })).body.balance).toBe(1100);
    });

    it('an Idempotency-Key replays the first answer without calling the upstream or charging again', async () => {
      const { user, sdk } = await app.client(1000);
      const ask = (input: string) =>
        sdk.embeddings.create({ model: 'fake-gpt', input }, { headers: { 'Idempotency-Key': 'embed-key' } }).withResponse();
      const first = await ask('only once');
      const again = await ask('only once');
      expect(again.data).toEqual(first.data);
      expect(again.response.headers.get('idempotent-replayed')).toBe('true');
      expect(again.response.headers.get('x-tokens-charged')).toBe(first.response.headers.get('x-tokens-charged'));
      expect(upstream.requests).toHaveLength(1);
      expect(await ask('something else').catch((e: unknown) => e)).toMatchObject({ status: 409, code: 'IDEMPOTENCY_KEY_REUSED' });
      expect((await rowsOf(user.id)).map((row) => row.type)).toEqual(['usage']);
    });

    it('a balance short of the price is 402 in OpenAI shape; the upstream is not called and nothing is written', async () => {
      const { user, sdk } = await app.client();
      const error = await sdk.embeddings
        .create({ model: 'fake-gpt', input: Array.from({ length: 101 }, (_, i) => i) })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 402, code: 'INSUFFICIENT_TOKENS', type: 'insufficient_quota' });
      expect(upstream.requests).toEqual([]);
      expect(await rowsOf(user.id)).toEqual([]);
      // Exactly the balance is enough.
      expect((await sdk.embeddings.create({ model: 'fake-gpt', input: Array.from({ length: 100 }, (_, i) => i) })).usage).toEqual({
        prompt_tokens: 100,
        total_tokens: 100,
      });
      expect((await t.http.get('/tokens/balance', { token: user.token })).body.balance).toBe(0);
    });

    it('20 parallel calls on a balance that covers 7 of them: exactly 7 succeed, the balance ends at 2, never below 0', async () => {
      const { user, sdk } = await app.client(0); // 100 tokens; each call costs 14
      upstream.next(...Array.from({ length: 20 }, () => ({ kind: 'slow' as const, delayMs: 300 })));
      const input = Array.from({ length: 14 }, (_, i) => i);
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => sdk.embeddings.create({ model: 'fake-gpt', input })));
      const served = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r) => r.status === 'rejected');
      expect(served).toHaveLength(7);
      expect(refused.map((r) => (r.reason as APIError).status)).toEqual(Array(13).fill(402));
      expect(upstream.requests).toHaveLength(7);
      const rows = await rowsOf(user.id);
      expect(rows.map((row) => [row.type, row.amount])).toEqual(Array(7).fill(['usage', -14]));
      expect((await t.http.get('/tokens/balance', { token: user.token })).body.balance).toBe(2);
    });
  });

  describe('bad requests', () => {
    const ids = (length: number) => Array.from({ length }, () => 1);
    it.each([
      ['no model', { input: 'x' }, 'model'],
      ['a model id with a space', { model: 'gpt 4', input: 'x' }, 'model'],
      ['no input', { model: 'local' }, 'input'],
      ['input null', { model: 'local', input: null }, 'input'],
      ['an empty string', { model: 'local', input: '' }, 'input'],
      ['an empty array', { model: 'local', input: [] }, 'input'],
      ['an empty string in the array', { model: 'local', input: ['a', ''] }, 'input'],
      ['an empty token array', { model: 'local', input: [[1], []] }, 'input'],
      ['2049 inputs', { model: 'local', input: Array(2049).fill('a') }, 'input'],
      ['a text over 200,000 characters', { model: 'local', input: 'a'.repeat(200_001) }, 'input'],
      ['a token array over 200,000 ids', { model: 'local', input: ids(200_001) }, 'input'],
      ['strings and numbers mixed', { model: 'local', input: ['a', 1] }, 'input'],
      ['a negative token id', { model: 'local', input: [1, -1] }, 'input'],
      ['a fractional token id', { model: 'local', input: [[1.5]] }, 'input'],
      ['a token id above 2^31 - 1', { model: 'local', input: [2 ** 31] }, 'input'],
      ['an object', { model: 'local', input: { text: 'x' } }, 'input'],
      ['dimensions 0', { model: 'local', input: 'x', dimensions: 0 }, 'dimensions'],
      ['dimensions 3073', { model: 'local', input: 'x', dimensions: 3073 }, 'dimensions'],
      ['dimensions 1.5', { model: 'local', input: 'x', dimensions: 1.5 }, 'dimensions'],
      ['encoding_format hex', { model: 'local', input: 'x', encoding_format: 'hex' }, 'encoding_format'],
      ['a user of 257 characters', { model: 'local', input: 'x', user: 'u'.repeat(257) }, 'user'],
      ['an unknown field', { model: 'local', input: 'x', truncate: true }, 'truncate'],
    ])('%s: 400 VALIDATION_FAILED in OpenAI shape naming the field; nothing charged or called', async (_label, body, field) => {
      const { user, key } = await app.client();
      const response = await post(key, body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        error: { type: 'invalid_request_error', code: 'VALIDATION_FAILED', param: field, message: expect.any(String) },
        statusCode: 400,
        code: 'VALIDATION_FAILED',
      });
      expect(await rowsOf(user.id)).toEqual([]);
      expect(upstream.requests).toEqual([]);
    });

    it('an unknown model is 404 NOT_FOUND in OpenAI shape, through the SDK too; nothing charged', async () => {
      const { user, sdk } = await app.client();
      const error = await sdk.embeddings.create({ model: 'no-such-model', input: 'x' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND', type: 'invalid_request_error' });
      expect((error as APIError).message).toMatch(/no-such-model/);
      expect(await rowsOf(user.id)).toEqual([]);
    });

    it('without credentials: 401 in OpenAI shape', async () => {
      const anonymous = new OpenAI({ baseURL: `${t.http.baseUrl}/v1`, apiKey: 'tk_not-a-key', maxRetries: 0 });
      expect(await anonymous.embeddings.create({ model: 'local', input: 'x' }).catch((e: unknown) => e)).toMatchObject({
        status: 401,
        code: 'UNAUTHENTICATED',
        type: 'authentication_error',
      });
    });
  });
});
