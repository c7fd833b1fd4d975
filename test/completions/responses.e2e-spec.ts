/**
 * POST /v1/responses through the official `openai` SDK's `client.responses` (and the Vercel AI
 * SDK's default model), against a fake OpenAI-compatible chat upstream: the Responses request is
 * served by a chat completion and metered exactly like one (hold, settlement to the token at the
 * model's prices, headers, clamp, idempotency), read back from the ledger in the database.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { streamText } from 'ai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import OpenAI from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { estimatePromptTokens } from '../../src/completions/index.js';
import { type CompletionsApp, FAKE_MODEL, startCompletionsApp } from '../support/completions.js';
import type { FakeOpenAi } from '../support/fake-openai.js';
import { expectLedgerConsistent } from '../support/ledger-assertions.js';
import type { TestApp } from '../support/test-app.js';
import { TEST_DB } from '../support/test-database.js';

/** The fake's tokens are words; a prompt of one user message "a b c" is 3 words + 3 for the message. */
const priceOf = (promptTokens: number, completionTokens: number) =>
  Math.ceil((promptTokens * FAKE_MODEL.inputPer1k + completionTokens * FAKE_MODEL.outputPer1k) / 1000);

describe(`POST /v1/responses with the OpenAI SDK (${TEST_DB})`, () => {
  let app: CompletionsApp;
  let t: TestApp;
  let upstream: FakeOpenAi;
  const client = (tokens = 0) => app.client(tokens);

  beforeAll(async () => {
    // One completion in flight per user: the suite's requests run one at a time; the slots have a test of their own here.
    app = await startCompletionsApp({ LLM_MAX_CONCURRENT_PER_USER: '1' });
    ({ t, upstream } = app);
  });
  afterAll(() => app?.close());
  beforeEach(() => upstream.reset());

  const rowsOf = async (userId: string) =>
    (await expectLedgerConsistent(t.dataSource, userId)).entries.filter((e) => e.type !== 'initial_grant' && e.type !== 'admin_grant');

  it('answers a Response from a chat completion, holds its maximum first and charges its usage to the token', async () => {
    const { user, sdk } = await client(1000);
    const { data: response, response: http } = await sdk.responses
      .create({ model: 'fake-gpt', instructions: 'Be brief.', input: 'hold then settle', max_output_tokens: 20, metadata: { team: 'a' } })
      .withResponse();
    expect(response).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'fake-gpt',
      instructions: 'Be brief.',
      max_output_tokens: 20,
      metadata: { team: 'a' },
      output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', annotations: [] }] }],
    });
    expect(response.id).toMatch(/^resp_[A-Za-z0-9]+$/);
    expect(response.output_text).toBe('Fake reply to: hold then settle');
    // The prompt: "Be brief." (2 words + 3) and "hold then settle" (3 words + 3); the reply's 6 words.
    expect(response.usage).toMatchObject({ input_tokens: 11, output_tokens: 6, total_tokens: 17 });
    const price = priceOf(11, 6);
    expect(http.headers.get('x-tokens-charged')).toBe(String(price));
    expect(http.headers.get('x-tokens-remaining')).toBe(String(1100 - price));
    expect(http.headers.get('x-tokens-output-limit')).toBe('20');

    // The upstream got a chat completion: instructions as a leading system message, the limit as max_completion_tokens.
    expect(upstream.requests[0].path).toBe('/v1/chat/completions');
    expect(upstream.requests[0].body).toMatchObject({
      model: 'fake-gpt',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hold then settle' },
      ],
      max_completion_tokens: 20,
    });
    expect(upstream.requests[0].body).not.toHaveProperty('metadata');

    const rows = await rowsOf(user.id);
    expect(rows.map((e) => e.type)).toEqual(['hold', 'hold_release', 'usage']);
    // The hold: the prompt as the service estimates it (OpenAI's tokenizer) and the whole output limit.
    const estimated = estimatePromptTokens([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hold then settle' },
    ]);
    expect(-rows[0].amount).toBe(priceOf(estimated, 20));
    expect(rows[1].amount).toBe(-rows[0].amount);
    expect(rows[2]).toMatchObject({ amount: -price, action: 'ai_completion' });
    const usage = await t.http.get('/tokens/transactions?type=usage', { token: user.token });
    expect(usage.body.items).toEqual([
      expect.objectContaining({
        amount: -price,
        requestId: http.headers.get('x-request-id'),
        metadata: expect.objectContaining({ model: 'fake-gpt', promptTokens: 11, completionTokens: 6 }),
      }),
    ]);
    expect((await t.http.get('/tokens/balance', { token: user.token })).body).toMatchObject({ balance: 1100 - price, held: 0 });
  });

  it('is incomplete (max_output_tokens) when the output limit cut the answer', async () => {
    const { sdk } = await client(1000);
    const response = await sdk.responses.create({ model: 'fake-gpt', input: 'one two three four', max_output_tokens: 2 });
    expect(response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(response.output_text).toBe('Fake reply');
  });

  it('streams the events the SDK accumulates, settles the charge in the ledger, and puts no charge in the stream', async () => {
    const { user, sdk } = await client(1000);
    const { data: stream, response: http } = await sdk.responses
      .create({ model: 'fake-gpt', input: 'stream me please', stream: true })
      .withResponse();
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.slice(0, 4).map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const text = events.flatMap((event) => (event.type === 'response.output_text.delta' ? [event.delta] : [])).join('');
    expect(text).toBe('Fake reply to: stream me please');
    const completed = events.at(-1)!;
    if (completed.type !== 'response.completed') throw new Error(`the stream ended with ${completed.type}`);
    expect(completed.response.usage).toMatchObject({ input_tokens: 6, output_tokens: 6 });
    expect(JSON.stringify(events)).not.toContain('"tokens"');
    expect(http.headers.get('content-type')).toContain('text/event-stream');
    expect(http.headers.get('x-tokens-output-limit')).toBe(String(FAKE_MODEL.maxOutputTokens));
    const requestId = http.headers.get('x-request-id');

    // The charge, for a streaming client: its usage entry in the ledger, under the stream's request id.
    const price = priceOf(6, 6);
    const usage = await t.http.get('/tokens/transactions?type=usage&action=ai_completion', { token: user.token });
    expect(usage.body.items).toEqual([expect.objectContaining({ amount: -price, requestId, balanceAfter: 1100 - price })]);
    expect((await rowsOf(user.id)).map((e) => e.type)).toEqual(['hold', 'hold_release', 'usage']);

    // responses.stream() accumulates the same Response.
    const final = await sdk.responses.stream({ model: 'fake-gpt', input: 'stream me please' }).finalResponse();
    expect(final.output_text).toBe('Fake reply to: stream me please');
  });

  it('a stream cut after output began ends with an error event and is charged for the output so far', async () => {
    const { user, sdk } = await client(1000);
    upstream.next({ kind: 'cut', afterChunks: 3 });
    const stream = await sdk.responses.create({ model: 'fake-gpt', input: 'cut me off please', stream: true });
    const events: { type: string }[] = [];
    for await (const event of stream) events.push(event);
    // The stream's last event is OpenAI's error event (openai 6 hands it over as an event, openai 7 throws it as an APIError).
    expect(events.at(-1)).toEqual(expect.objectContaining({ type: 'error', code: 'UPSTREAM_FAILED' }));
    const types = events.map((event) => event.type);
    expect(types.filter((type) => type === 'response.output_text.delta')).toHaveLength(3);
    expect(types).not.toContain('response.completed');
    const rows = await rowsOf(user.id);
    expect(rows.map((e) => e.type)).toEqual(['hold', 'hold_release', 'usage']);
    expect(-rows[2].amount).toBeGreaterThan(0);
    expect(-rows[2].amount).toBeLessThan(-rows[0].amount);
    expect((await t.http.get('/tokens/balance', { token: user.token })).body).toMatchObject({ held: 0 });
  });

  it('an upstream failure before any output is 502 UPSTREAM_FAILED, streamed or not, and charges nothing', async () => {
    const { user, sdk } = await client(1000);
    upstream.next({ kind: 'fail', status: 500 }, { kind: 'fail', status: 500 });
    for (const stream of [false, true]) {
      const error = await (async () => {
        const answer = await sdk.responses.create({ model: 'fake-gpt', input: 'fail', stream });
        if (stream) for await (const _ of answer as AsyncIterable<unknown>) void _;
      })().catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 502, code: 'UPSTREAM_FAILED' });
    }
    expect((await rowsOf(user.id)).map((e) => e.type)).toEqual(['hold', 'hold_release', 'hold', 'hold_release']);
    expect((await t.http.get('/tokens/balance', { token: user.token })).body).toMatchObject({ balance: 1100, held: 0 });
  });

  it("serves the Vercel AI SDK's default model (the Responses API), streamed", async () => {
    const { key } = await client(1000);
    const openai = createOpenAI({ baseURL: `${t.http.baseUrl}/v1`, apiKey: key });
    const result = streamText({ model: openai('fake-gpt'), system: 'Be brief.', prompt: 'via the ai sdk' });
    expect(await result.text).toBe('Fake reply to: via the ai sdk');
    expect(await result.usage).toMatchObject({ inputTokens: 12, outputTokens: 7 });
  });

  it('an Idempotency-Key replays the first Response without calling the model or charging again; not with stream', async () => {
    const { user, sdk } = await client(1000);
    const ask = (key: string) =>
      sdk.responses.create({ model: 'fake-gpt', input: 'only once' }, { headers: { 'Idempotency-Key': key } }).withResponse();
    const first = await ask('response-key');
    const again = await ask('response-key');
    expect(again.data).toEqual(first.data);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    expect(again.response.headers.get('x-tokens-charged')).toBe(first.response.headers.get('x-tokens-charged'));
    expect(upstream.requests).toHaveLength(1);
    expect((await rowsOf(user.id)).map((e) => e.type)).toEqual(['hold', 'hold_release', 'usage']);

    const reused = await sdk.responses
      .create({ model: 'fake-gpt', input: 'something else' }, { headers: { 'Idempotency-Key': 'response-key' } })
      .catch((e: unknown) => e);
    expect(reused).toMatchObject({ status: 409, code: 'IDEMPOTENCY_KEY_REUSED' });
    const streamed = await sdk.responses
      .create({ model: 'fake-gpt', input: 'x', stream: true }, { headers: { 'Idempotency-Key': 'stream-key' } })
      .catch((e: unknown) => e);
    expect(streamed).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(upstream.requests).toHaveLength(1);
  });

  it('a balance short of the hold of an explicit limit is 402 in OpenAI shape, and the upstream is never called', async () => {
    const { user, sdk } = await client();
    // 100 tokens: the hold of a 50-token output limit alone is 100 + the prompt.
    for (const stream of [false, true]) {
      const error = await sdk.responses
        .create({ model: 'fake-gpt', input: 'too expensive', max_output_tokens: 50, stream })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect(error).toMatchObject({ status: 402, code: 'INSUFFICIENT_TOKENS' });
    }
    expect(upstream.requests).toHaveLength(0);
    expect(await rowsOf(user.id)).toEqual([]);
  });

  it('without an explicit limit a short balance lowers it to what the balance affords', async () => {
    const { user, sdk } = await client();
    const { data: response, response: http } = await sdk.responses.create({ model: 'fake-gpt', input: 'a b' }).withResponse();
    // The free plan's 100 tokens: the largest output limit whose hold they cover.
    const limit = Number(http.headers.get('x-tokens-output-limit'));
    const estimated = estimatePromptTokens([{ role: 'user', content: 'a b' }]);
    expect(limit).toBeLessThan(FAKE_MODEL.maxOutputTokens);
    expect(priceOf(estimated, limit)).toBeLessThanOrEqual(100);
    expect(priceOf(estimated, limit + 1)).toBeGreaterThan(100);
    expect(upstream.requests[0].body).toMatchObject({ max_completion_tokens: limit });
    expect(response.status).toBe('completed');
    const rows = await rowsOf(user.id);
    expect(rows.map((e) => e.type)).toEqual(['hold', 'hold_release', 'usage']);
    expect(-rows[0].amount).toBe(priceOf(estimated, limit));
  });

  it('answers function calls as function_call items, and takes their outputs back as tool messages', async () => {
    const { sdk } = await client(1000);
    const tools: OpenAI.Responses.FunctionTool[] = [
      {
        type: 'function',
        name: 'get_weather',
        description: 'Weather of a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
        strict: false,
      },
    ];
    upstream.next({ kind: 'toolCall', name: 'get_weather', arguments: '{"city":"Paris"}' });
    const response = await sdk.responses.create({
      model: 'fake-gpt',
      input: 'weather in Paris?',
      tools,
      tool_choice: { type: 'function', name: 'get_weather' },
    });
    expect(response.output).toEqual([
      expect.objectContaining({
        type: 'function_call',
        call_id: 'call_fake1',
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
        status: 'completed',
      }),
    ]);
    expect(upstream.requests[0].body).toMatchObject({
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: tools[0].parameters, strict: false } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });

    const call = response.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    const next = await sdk.responses.create({
      model: 'fake-gpt',
      input: [
        { role: 'user', content: 'weather in Paris?' },
        call,
        { type: 'function_call_output', call_id: call.call_id, output: '18 degrees' },
      ],
      tools,
    });
    expect(next.output_text).toBe('Fake reply to: weather in Paris?');
    expect(upstream.requests[1].body.messages).toEqual([
      { role: 'user', content: 'weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_fake1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_fake1', content: '18 degrees' },
    ]);
  });

  it('shares the per-user limit of completions in flight with chat completions: the next is 429 with Retry-After', async () => {
    const { user, sdk } = await client(1000);
    upstream.next({ kind: 'slow', delayMs: 1000 });
    const running = sdk.chat.completions.create({ model: 'fake-gpt', messages: [{ role: 'user', content: 'slow one' }] });
    // In flight once the upstream has it (it answers a second later).
    while (upstream.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const refused = await sdk.responses
      .create({ model: 'fake-gpt', input: 'one too many' })
      .withResponse()
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS' });
    expect((refused as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('1');
    await running;
    expect((await sdk.responses.create({ model: 'fake-gpt', input: 'now it fits' })).status).toBe('completed');
    expect((await rowsOf(user.id)).filter((e) => e.type === 'usage')).toHaveLength(2);
  });

  it('bad and unsupported parameters are 400 in OpenAI shape naming the parameter, and hold nothing', async () => {
    const { user, sdk } = await client(1000);
    const cases: [Record<string, unknown>, string][] = [
      [{ model: 'fake-gpt', input: 'x', previous_response_id: 'resp_1' }, 'previous_response_id'],
      [{ model: 'fake-gpt', input: 'x', background: true }, 'background'],
      [{ model: 'fake-gpt', input: [{ role: 'wizard', content: 'x' }] }, 'input[0].role'],
      [{ model: 'fake-gpt', input: 'x', tools: [{ type: 'web_search' }] }, 'tools[0].type'],
      [{ model: 'fake-gpt', input: 'x', text: { format: { type: 'json_schema', name: 'n' } } }, 'text.format.schema'],
      [{ model: 'fake-gpt', input: 'x', max_output_tokens: 0 }, 'max_output_tokens'],
    ];
    for (const [body, param] of cases) {
      const error = await sdk.responses.create(body as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', param });
    }
    expect((await sdk.responses.create({ model: 'no-such-model', input: 'x' }).catch((e: unknown) => e)) as object).toMatchObject({
      status: 404,
    });
    expect(upstream.requests).toHaveLength(0);
    expect(await rowsOf(user.id)).toEqual([]);
  });

  describe('the built-in model', () => {
    const CITY = z.object({ city: z.string(), country: z.string() });

    it('answers JSON that validates against text.format, parsed by the SDK', async () => {
      const { sdk } = await client(1000);
      const parsed = await sdk.responses.parse({ model: 'local', input: 'Name a city', text: { format: zodTextFormat(CITY, 'city') } });
      expect(CITY.safeParse(parsed.output_parsed).success).toBe(true);
      expect(JSON.parse(parsed.output_text)).toEqual(parsed.output_parsed);
    });

    it('calls a forced tool with arguments that validate, streamed and not', async () => {
      const { sdk } = await client(1000);
      const parameters = z.toJSONSchema(CITY);
      const tools: OpenAI.Responses.FunctionTool[] = [{ type: 'function', name: 'find_city', parameters, strict: true }];
      const validate = new Ajv2020().compile(parameters);
      const whole = await sdk.responses.create({
        model: 'local',
        input: 'Find Paris',
        tools,
        tool_choice: { type: 'function', name: 'find_city' },
      });
      const streamed = await sdk.responses
        .stream({ model: 'local', input: 'Find Paris', tools, tool_choice: { type: 'function', name: 'find_city' } })
        .finalResponse();
      for (const response of [whole, streamed]) {
        expect(response.output).toEqual([expect.objectContaining({ type: 'function_call', name: 'find_city', status: 'completed' })]);
        const call = response.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
        expect(validate(JSON.parse(call.arguments))).toBe(true);
      }
    });
  });
});
