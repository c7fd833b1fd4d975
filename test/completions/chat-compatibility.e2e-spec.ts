/**
 * POST /v1/chat/completions takes what OpenAI's own clients send: every parameter of the Chat
 * Completions API reaches the upstream unchanged (the fake records every body it received), content
 * parts, `tool` messages and assistant tool calls are accepted and counted in the hold, `n` choices
 * are held and charged together, the upstream's own refusal of a request comes back with its status,
 * and an answer with tool calls is charged for their arguments (streams: chat-streams.e2e-spec.ts).
 */
import OpenAI from 'openai';
import { countedMessagesOf, promptExtrasOf } from '../../src/completions/chat-texts.js';
import { countTokens, estimatePromptTokens } from '../../src/completions/tokenizer.js';
import { type CompletionsApp, FAKE_MODEL, startCompletionsApp } from '../support/completions.js';
import type { FakeOpenAi } from '../support/fake-openai.js';
import { expectLedgerConsistent } from '../support/ledger-assertions.js';
import type { TestApp } from '../support/test-app.js';
import { TEST_DB } from '../support/test-database.js';

const priceOf = (promptTokens: number, completionTokens: number) =>
  Math.ceil((promptTokens * FAKE_MODEL.inputPer1k + completionTokens * FAKE_MODEL.outputPer1k) / 1000);

const TOOLS: OpenAI.Chat.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'The current weather in a city, with temperature, wind and the chance of rain over the next hours',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
        required: ['city'],
      },
    },
  },
];

/** A conversation with every message shape: content parts, an assistant's tool call, the tool's answer. */
const CONVERSATION: OpenAI.Chat.ChatCompletionMessageParam[] = [
  { role: 'developer', content: [{ type: 'text', text: 'Answer briefly.' }] },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'What is the weather' },
      { type: 'image_url', image_url: { url: 'https://example.test/sky.png', detail: 'low' } },
      { type: 'text', text: 'in Paris?' },
    ],
    name: 'ada',
  },
  {
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' } }],
  },
  { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: '{"temperature":21,"sky":"clear"}' }] },
];

describe(`OpenAI Chat Completions compatibility (${TEST_DB})`, () => {
  let app: CompletionsApp;
  let t: TestApp;
  let upstream: FakeOpenAi;

  beforeAll(async () => {
    app = await startCompletionsApp();
    ({ t, upstream } = app);
  });
  afterAll(() => app?.close());
  beforeEach(() => upstream.reset());

  const rowsOf = async (userId: string) =>
    (await expectLedgerConsistent(t.dataSource, userId)).entries.filter((e) => e.type !== 'initial_grant' && e.type !== 'admin_grant');
  const balanceOf = async (token: string) => (await t.http.get('/tokens/balance', { token })).body;
  const post = (key: string, body: unknown) =>
    fetch(`${t.http.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  it('passes every parameter to the upstream unchanged, with the limit as max_completion_tokens and n', async () => {
    const { sdk } = await app.client(1000);
    const params = {
      model: 'fake-gpt',
      messages: CONVERSATION,
      max_tokens: 20,
      stop: ['\n\n', 'END'],
      seed: 42,
      tools: TOOLS,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', json_schema: { name: 'weather', schema: { type: 'object' }, strict: true } },
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      logprobs: true,
      top_logprobs: 2,
      logit_bias: { '1734': -100 },
      reasoning_effort: 'low',
      metadata: { team: 'search' },
      store: false,
      service_tier: 'auto',
      modalities: ['text'],
      prediction: { type: 'content', content: 'It is sunny' },
      web_search_options: {},
      user: 'user-42',
      safety_identifier: 'hash-42',
      prompt_cache_key: 'weather',
      verbosity: 'low',
      temperature: 0.3,
      top_p: 0.9,
      some_future_parameter: { nested: [1, 2, 3] },
    } as const;
    const { data, response } = await sdk.chat.completions.create(params as never).withResponse();
    expect(data.choices[0].message.content).toBe('Fake reply to: What is the weather in Paris?');
    expect(response.headers.get('x-tokens-output-limit')).toBe('20');
    const { max_tokens: _limit, ...rest } = params;
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0].body).toEqual({ ...rest, max_completion_tokens: 20, n: 1, stream: false });
  });

  it('malformed bodies of any shape are 400 in OpenAI shape, naming the field; nothing is held or sent', async () => {
    const { user, key } = await app.client(1000);
    const ask = { model: 'fake-gpt', messages: [{ role: 'user', content: 'x' }] };
    for (const [body, param] of [
      [[ask], 'body'],
      ['a string', 'body'],
      [{ ...ask, messages: [null] }, 'messages'],
      [{ ...ask, messages: [{ role: 'user', content: [null] }] }, 'messages'],
      [{ ...ask, messages: [{ role: 'assistant', content: 'x', tool_calls: [null] }] }, 'messages'],
      [{ ...ask, messages: [{ role: 'function', content: 'x' }] }, 'messages'],
      [{ ...ask, tools: [null] }, 'tools'],
      [{ ...ask, tools: Array.from({ length: 129 }, () => ({ type: 'function' })) }, 'tools'],
      [{ ...ask, stream_options: [] }, 'stream_options'],
      [{ ...ask, n: '2' }, 'n'],
      [{ ...ask, model: 5 }, 'model'],
      [{ ...ask, messages: Array.from({ length: 2049 }, () => ask.messages[0]) }, 'messages'],
    ] as const) {
      const response = await post(key, body);
      expect({ body, status: response.status, error: (await response.json()).error }).toEqual({
        body,
        status: 400,
        error: expect.objectContaining({ code: 'VALIDATION_FAILED', param }),
      });
    }
    expect(upstream.requests).toHaveLength(0);
    expect(await rowsOf(user.id)).toEqual([]);
  });

  it('holds the prompt with its text parts, tool call arguments and tool definitions counted', async () => {
    const { user, sdk } = await app.client(1000);
    const plain = { model: 'fake-gpt', messages: [{ role: 'user' as const, content: 'weather?' }], max_tokens: 10 };
    const rich = { ...plain, messages: CONVERSATION, tools: TOOLS };
    await sdk.chat.completions.create(plain);
    await sdk.chat.completions.create(rich);
    const holds = (await rowsOf(user.id)).filter((e) => e.type === 'hold').map((e) => -e.amount);
    const estimate = estimatePromptTokens(countedMessagesOf(rich), promptExtrasOf(rich));
    expect(holds).toEqual([priceOf(estimatePromptTokens(countedMessagesOf(plain)), 10), priceOf(estimate, 10)]);
    // Every text the model reads is in the estimate: the parts, the call's arguments, the tool's answer, the definitions.
    const texts = [
      'Answer briefly.',
      'What is the weather',
      'in Paris?',
      '{"city":"Paris","unit":"c"}',
      '{"temperature":21,"sky":"clear"}',
    ];
    const floor = texts.reduce((sum, text) => sum + countTokens(text), 0) + countTokens(JSON.stringify(TOOLS));
    expect(estimate).toBeGreaterThan(floor);
  });

  it('n choices: the upstream is asked for n, the hold covers the limit n times, the usage of all of them is charged', async () => {
    const { user, sdk } = await app.client(1000);
    const { data, response } = await sdk.chat.completions
      .create({ model: 'fake-gpt', messages: [{ role: 'user', content: 'three ways' }], n: 3, max_completion_tokens: 8 })
      .withResponse();
    expect(data.choices.map((choice) => [choice.index, choice.message.content])).toEqual(
      [0, 1, 2].map((index) => [index, 'Fake reply to: three ways']),
    );
    expect(upstream.requests[0].body).toMatchObject({ n: 3, max_completion_tokens: 8 });
    expect(response.headers.get('x-tokens-output-limit')).toBe('8');
    expect(data.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 15 });
    const rows = await rowsOf(user.id);
    const prompt = estimatePromptTokens([{ role: 'user', content: 'three ways' }]);
    expect(rows.map((e) => [e.type, e.amount])).toEqual([
      ['hold', -priceOf(prompt, 3 * 8)],
      ['hold_release', priceOf(prompt, 3 * 8)],
      ['usage', -priceOf(5, 15)],
    ]);
  });

  it.each([
    [400, 'VALIDATION_FAILED', 'tool_choice'],
    [404, 'NOT_FOUND', 'model'],
    [409, 'CONFLICT', null],
    [413, 'PAYLOAD_TOO_LARGE', 'messages'],
    [422, 'VALIDATION_FAILED', 'response_format'],
  ])(
    'the upstream refusing the request with %i comes back with that status and its message: released, nothing charged',
    async (status, code, param) => {
      const { user, key, sdk } = await app.client(1000);
      const message = `The upstream refused this (${status})`;
      upstream.next({ kind: 'fail', status, message, ...(param && { param }) }, { kind: 'fail', status, message, ...(param && { param }) });
      const error = await sdk.chat.completions
        .create({ model: 'fake-gpt', messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect(error).toMatchObject({ status, code, param, error: { message, type: 'invalid_request_error', code, param } });
      const streamed = await post(key, { model: 'fake-gpt', messages: [{ role: 'user', content: 'x' }], stream: true });
      expect([streamed.status, streamed.headers.get('content-type')]).toEqual([status, expect.stringContaining('application/json')]);
      expect((await streamed.json()).error).toEqual({ message, type: 'invalid_request_error', code, param });
      expect((await rowsOf(user.id)).map((e) => e.type)).toEqual(['hold', 'hold_release', 'hold', 'hold_release']);
      expect(await balanceOf(user.token)).toMatchObject({ balance: 1100, held: 0 });
    },
  );

  it.each([401, 403, 429, 500, 503])('the upstream answering %i (its key or its capacity) stays 502 UPSTREAM_FAILED', async (status) => {
    const { user, sdk } = await app.client(1000);
    upstream.next({ kind: 'fail', status, message: 'Incorrect API key provided: sk-...', param: 'key' });
    const error = await sdk.chat.completions
      .create({ model: 'fake-gpt', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, code: 'UPSTREAM_FAILED', param: null });
    expect((error as Error).message).not.toContain('sk-');
    expect(await balanceOf(user.token)).toMatchObject({ balance: 1100, held: 0 });
  });

  it('answers a tool call whole, with the arguments counted when the upstream reports no usage', async () => {
    const { user, sdk } = await app.client(1000);
    const args = '{"city":"Paris","unit":"c"}';
    upstream.next({ kind: 'toolCall', name: 'get_weather', arguments: args }, { kind: 'noUsage' });
    const called = await sdk.chat.completions.create({
      model: 'fake-gpt',
      messages: CONVERSATION.slice(0, 2),
      tools: TOOLS,
      max_tokens: 30,
    });
    expect(called.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: { content: null, tool_calls: [{ function: { arguments: args } }] },
    });
    const uncounted = await sdk.chat.completions.create({ model: 'fake-gpt', messages: CONVERSATION, max_tokens: 30 });
    const estimate = estimatePromptTokens(countedMessagesOf({ messages: CONVERSATION }));
    expect(uncounted.usage).toEqual({
      prompt_tokens: estimate,
      completion_tokens: countTokens(uncounted.choices[0].message.content!),
      total_tokens: estimate + countTokens(uncounted.choices[0].message.content!),
    });
    expect((await rowsOf(user.id)).at(-1)).toMatchObject({
      type: 'usage',
      amount: -priceOf(uncounted.usage!.prompt_tokens, uncounted.usage!.completion_tokens),
    });
  });
});
