/**
 * OpenAiUpstream (the official openai SDK) against a fake OpenAI-compatible server on 127.0.0.1:
 * what it sends (the request unchanged), plain and streamed answers as the server gave them, usage
 * present or missing, and every failure as an UpstreamFailed: an HTTP error before any output (not
 * retried, with what the server said about the request), an answer that is not a completion, a
 * stream cut mid-way, a stream that goes silent, an unreachable server, and the caller's abort
 * (which cancels the request).
 */
import { Logger } from '@nestjs/common';
import { createServer } from 'node:net';
import type { ChatChunk, ChatRequest } from '../../src/completions/chat-api.js';
import { UpstreamFailed, type UpstreamFailureKind } from '../../src/completions/llm-upstream.js';
import { OpenAiUpstream } from '../../src/completions/openai.upstream.js';
import { FakeOpenAi } from '../support/fake-openai.js';

const API_KEY = 'sk-test-0123456789';
const REQUEST: ChatRequest = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'How do I make cold brew coffee?' },
  ],
  max_completion_tokens: 100,
  n: 1,
};
const REPLY = 'Fake reply to: How do I make cold brew coffee?';
/** The fake counts words: 3 per message plus the words of each. */
const PROMPT_WORDS = 3 + 2 + 3 + 7;

async function collect(chunks: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const all: ChatChunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

/** The text the chunks add to choice 0. */
const textOf = (chunks: ChatChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
/** The finish reason of choice 0 (the chunk that carries one), and the usage of the last chunk. */
const endOf = (chunks: ChatChunk[]) => ({
  finishReason: chunks.map((chunk) => chunk.choices[0]?.finish_reason).find(Boolean) ?? null,
  usage: chunks.at(-1)?.usage ?? null,
});

/** The UpstreamFailed a promise rejects with, and the chunks seen before (for streams). */
async function failureOf(run: () => Promise<unknown>): Promise<UpstreamFailed> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(UpstreamFailed);
    return error as UpstreamFailed;
  }
  throw new Error('expected an UpstreamFailed, but it succeeded');
}

const kindAndStatus = (error: UpstreamFailed): [UpstreamFailureKind, number | null, number] => [
  error.kind,
  error.upstreamStatus,
  error.status,
];

describe('OpenAiUpstream against a fake OpenAI-compatible server', () => {
  const fake = new FakeOpenAi();
  let upstream: OpenAiUpstream;

  beforeAll(async () => {
    // Each failure is logged at warn level, by design; the log is not what this suite checks.
    Logger.overrideLogger(['error', 'fatal']);
    upstream = new OpenAiUpstream({ baseURL: await fake.start(), apiKey: API_KEY });
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  it('serves any model id (the model table decides which ones callers may use)', () => {
    expect([upstream.serves('gpt-4o-mini'), upstream.serves('meta-llama/Llama-3.1-8B')]).toEqual([true, true]);
  });

  describe('a completion that is not streamed', () => {
    it('answers the completion as the upstream gave it: text, finish reason and usage', async () => {
      const result = await upstream.complete(REQUEST);
      expect(result).toEqual({
        id: 'chatcmpl-fake1',
        object: 'chat.completion',
        created: expect.any(Number),
        model: 'gpt-4o-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: REPLY, refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: PROMPT_WORDS, completion_tokens: 10, total_tokens: PROMPT_WORDS + 10 },
      });
    });

    it('sends the request unchanged (every parameter), and the key as a bearer token', async () => {
      const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }];
      const request: ChatRequest = {
        ...REQUEST,
        temperature: 0.2,
        top_p: 0.9,
        stop: ['\n\n'],
        user: 'user-1',
        seed: 7,
        tools,
        tool_choice: 'auto',
        response_format: { type: 'json_object' },
        logit_bias: { '50256': -100 },
        reasoning_effort: 'low',
        metadata: { team: 'a' },
      };
      await upstream.complete(request);
      expect(fake.requests).toHaveLength(1);
      const [received] = fake.requests;
      expect([received.method, received.path, received.headers.authorization]).toEqual([
        'POST',
        '/v1/chat/completions',
        `Bearer ${API_KEY}`,
      ]);
      expect(received.body).toEqual({ ...request, stream: false });
    });

    it('reports the finish reason length when the limit cut the answer', async () => {
      const result = await upstream.complete({ ...REQUEST, max_completion_tokens: 3 });
      expect(result.choices[0]).toMatchObject({ message: { content: 'Fake reply to:' }, finish_reason: 'length' });
      expect(result.usage).toMatchObject({ completion_tokens: 3 });
    });

    it('answers without usage when the upstream did not report it', async () => {
      fake.next({ kind: 'noUsage' });
      const result = await upstream.complete(REQUEST);
      expect([result.choices[0].message.content, result.usage]).toEqual([REPLY, undefined]);
    });

    it('fails with UpstreamFailed (502, the upstream status) on an HTTP error, without retrying', async () => {
      fake.next({ kind: 'fail', status: 500, message: 'the GPUs are on fire, key sk-secret' });
      const error = await failureOf(() => upstream.complete(REQUEST));
      expect(kindAndStatus(error)).toEqual(['error', 500, 502]);
      expect(error.code).toBe('UPSTREAM_FAILED');
      // What the upstream said stays out of the message shown to clients.
      expect(error.message).toBe('The AI upstream answered HTTP 500');
      expect(fake.requests).toHaveLength(1);

      fake.next({ kind: 'fail', status: 429, message: 'slow down' });
      expect(kindAndStatus(await failureOf(() => upstream.complete(REQUEST)))).toEqual(['error', 429, 502]);
      expect(fake.requests).toHaveLength(2);
    });

    it('fails with kind connection when the connection is dropped before an answer', async () => {
      fake.next({ kind: 'cut', afterChunks: 0 });
      expect(kindAndStatus(await failureOf(() => upstream.complete(REQUEST)))).toEqual(['connection', null, 502]);
    });

    it('is cancelled by the signal: kind aborted, and the upstream sees the connection close', async () => {
      fake.next({ kind: 'slow', delayMs: 2_000 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      expect((await failureOf(() => upstream.complete(REQUEST, controller.signal))).kind).toBe('aborted');
      expect(Date.now() - started).toBeLessThan(1_500);
      await waitFor(() => fake.requests[0]?.closedEarly === true);
    });

    it('with an already aborted signal, sends nothing', async () => {
      const controller = new AbortController();
      controller.abort();
      expect((await failureOf(() => upstream.complete(REQUEST, controller.signal))).kind).toBe('aborted');
      expect(fake.requests).toHaveLength(0);
    });

    it('times out after timeoutMs: kind timeout', async () => {
      const impatient = new OpenAiUpstream({ baseURL: fake.baseUrl, apiKey: API_KEY, timeoutMs: 150 });
      fake.next({ kind: 'slow', delayMs: 1_500 });
      expect((await failureOf(() => impatient.complete(REQUEST))).kind).toBe('timeout');
    });
  });

  describe('a streamed completion', () => {
    it("yields the upstream's chunks as it sent them: the text piece by piece, the finish reason, then the usage chunk", async () => {
      const chunks = await collect(upstream.stream(REQUEST));
      const words = REPLY.split(' ');
      const pieces = chunks.slice(1, 1 + words.length).map((chunk) => chunk.choices[0].delta.content);
      expect(pieces).toEqual(words.map((word, index) => (index === 0 ? word : ` ${word}`)));
      expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
      expect(chunks.at(-2)!.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
      expect(chunks.at(-1)).toMatchObject({
        id: 'chatcmpl-fake1',
        object: 'chat.completion.chunk',
        choices: [],
        usage: { prompt_tokens: PROMPT_WORDS, completion_tokens: words.length },
      });
      expect(textOf(chunks)).toBe(REPLY);
    });

    it('asks for usage in the last chunk (stream_options.include_usage) and sends the limit', async () => {
      await collect(upstream.stream(REQUEST));
      expect(fake.requests[0].body).toMatchObject({ stream: true, stream_options: { include_usage: true }, max_completion_tokens: 100 });
      expect(fake.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
    });

    it('ends without a usage chunk when the upstream sent none', async () => {
      fake.next({ kind: 'noUsage' });
      const chunks = await collect(upstream.stream(REQUEST));
      expect(endOf(chunks)).toEqual({ finishReason: 'stop', usage: null });
      expect(chunks.some((chunk) => chunk.usage)).toBe(false);
      expect(textOf(chunks)).toBe(REPLY);
    });

    it('reports the finish reason length when the limit cut it', async () => {
      const chunks = await collect(upstream.stream({ ...REQUEST, max_completion_tokens: 2 }));
      expect(textOf(chunks)).toBe('Fake reply');
      expect(endOf(chunks)).toEqual({
        finishReason: 'length',
        usage: expect.objectContaining({ prompt_tokens: PROMPT_WORDS, completion_tokens: 2 }),
      });
    });

    it('fails before the first piece on an HTTP error (not retried)', async () => {
      fake.next({ kind: 'fail', status: 503 });
      const seen: ChatChunk[] = [];
      const error = await failureOf(async () => {
        for await (const chunk of upstream.stream(REQUEST)) seen.push(chunk);
      });
      expect([kindAndStatus(error), seen, fake.requests.length]).toEqual([['error', 503, 502], [], 1]);
    });

    it('fails with kind connection after the pieces that arrived, when the stream is cut', async () => {
      fake.next({ kind: 'cut', afterChunks: 3 });
      const seen: ChatChunk[] = [];
      const error = await failureOf(async () => {
        for await (const chunk of upstream.stream(REQUEST)) seen.push(chunk);
      });
      expect(error.kind).toBe('connection');
      expect(textOf(seen)).toBe('Fake reply to:');
      expect(endOf(seen)).toEqual({ finishReason: null, usage: null });
    });

    it('streams slowly within the timeout, and fails with kind timeout when a chunk takes longer than timeoutMs', async () => {
      const patient = new OpenAiUpstream({ baseURL: fake.baseUrl, apiKey: API_KEY, timeoutMs: 1_000 });
      fake.next({ kind: 'slow', delayMs: 30 });
      expect(endOf(await collect(patient.stream(REQUEST))).finishReason).toBe('stop');

      const impatient = new OpenAiUpstream({ baseURL: fake.baseUrl, apiKey: API_KEY, timeoutMs: 200 });
      fake.next({ kind: 'slow', delayMs: 600 });
      expect((await failureOf(() => collect(impatient.stream(REQUEST)))).kind).toBe('timeout');
      await waitFor(() => fake.requests.at(-1)?.closedEarly === true);
    });

    it('is cancelled by the signal mid-stream: kind aborted, and the upstream sees the connection close', async () => {
      fake.next({ kind: 'slow', delayMs: 200 });
      const controller = new AbortController();
      const seen: ChatChunk[] = [];
      const error = await failureOf(async () => {
        for await (const chunk of upstream.stream(REQUEST, controller.signal)) {
          seen.push(chunk);
          controller.abort();
        }
      });
      expect([error.kind, seen.length]).toEqual(['aborted', 1]);
      await waitFor(() => fake.requests[0]?.closedEarly === true);
    });

    it('cancels the upstream request when the caller stops iterating early', async () => {
      fake.next({ kind: 'slow', delayMs: 200 });
      for await (const chunk of upstream.stream(REQUEST)) {
        expect(chunk.choices[0].delta).toEqual({ role: 'assistant', content: '' });
        break;
      }
      await waitFor(() => fake.requests[0]?.closedEarly === true);
    });
  });

  it('sends no Authorization header when no API key is configured', async () => {
    const keyless = new OpenAiUpstream({ baseURL: fake.baseUrl });
    expect((await keyless.complete(REQUEST)).choices[0].message.content).toBe(REPLY);
    await collect(keyless.stream(REQUEST));
    expect(fake.requests.map((request) => request.headers.authorization)).toEqual([undefined, undefined]);
  });

  it('fails with kind connection when nothing listens at the base URL', async () => {
    const port = await freePort();
    const nowhere = new OpenAiUpstream({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: API_KEY });
    expect((await failureOf(() => nowhere.complete(REQUEST))).kind).toBe('connection');
    expect((await failureOf(() => collect(nowhere.stream(REQUEST)))).kind).toBe('connection');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
