/**
 * Streamed chat completions as OpenAI streams them: the upstream's chunks pass through unchanged (tool
 * call deltas, every choice), the answer carries X-Request-Id and X-Tokens-Output-Limit, `usage` is
 * sent only when the request asked for it, and the charge is the last chunk before [DONE] either way.
 */
import OpenAI from 'openai';
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

describe(`Streamed chat completions (${TEST_DB})`, () => {
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
  /** The `data:` events of a server-sent answer, parsed, and whether it ended with [DONE]. */
  const eventsOf = async (response: Response) => {
    const data = (await response.text())
      .split('\n\n')
      .filter((event) => event.startsWith('data: '))
      .map((event) => event.slice('data: '.length));
    return { chunks: data.filter((event) => event !== '[DONE]').map((event) => JSON.parse(event)), done: data.at(-1) === '[DONE]' };
  };

  it('streams carry X-Request-Id and the output limit; usage only when asked; the charge is the last chunk either way', async () => {
    const { user, key } = await app.client(1000);
    for (const includeUsage of [false, true]) {
      const response = await post(key, {
        model: 'fake-gpt',
        messages: [{ role: 'user', content: 'count the chunks' }],
        stream: true,
        ...(includeUsage && { stream_options: { include_usage: true } }),
      });
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers.get('x-tokens-output-limit')).toBe(String(FAKE_MODEL.maxOutputTokens));
      const { chunks, done } = await eventsOf(response);
      expect(done).toBe(true);
      const last = chunks.at(-1);
      expect(chunks.filter((chunk) => 'usage' in chunk && chunk.usage !== null).length).toBe(includeUsage ? 1 : 0);
      expect(chunks.slice(0, -1).every((chunk) => chunk.choices.length > 0 && !('tokens' in chunk))).toBe(true);
      if (!includeUsage) expect(chunks.some((chunk) => 'usage' in chunk)).toBe(false);
      // The upstream is asked for usage either way: the charge is exact.
      expect(upstream.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true });
      const usage = (await rowsOf(user.id)).at(-1)!;
      expect(usage.type).toBe('usage');
      expect(last.tokens).toEqual({ charged: -usage.amount, remaining: (await balanceOf(user.token)).balance });
      expect(last.choices).toEqual([]);
      if (includeUsage) expect(last.usage).toMatchObject({ prompt_tokens: 6, completion_tokens: 6 });
      else expect(last.usage).toBeUndefined();
    }
  });

  it('streams pass tool call deltas and every choice through unchanged; the SDK assembles the calls', async () => {
    const { user, sdk } = await app.client(1000);
    upstream.next({ kind: 'toolCall', name: 'get_weather', arguments: '{"city": "Paris"}' });
    const stream = sdk.chat.completions.stream({ model: 'fake-gpt', messages: CONVERSATION.slice(0, 2), tools: TOOLS, n: 2 });
    const final = await stream.finalChatCompletion();
    const calls = final.choices.map((choice) => {
      const [call, ...more] = choice.message.tool_calls ?? [];
      return (
        call?.type === 'function' && [choice.index, choice.finish_reason, call.id, call.function.name, call.function.arguments, more.length]
      );
    });
    expect(calls).toEqual([0, 1].map((index) => [index, 'tool_calls', 'call_fake1', 'get_weather', '{"city": "Paris"}', 0]));
    // The calls' arguments are the output charged: 2 words per choice, as the fake counts them (its prompt: 5 + 9 words).
    expect((await rowsOf(user.id)).at(-1)).toMatchObject({ type: 'usage', amount: -priceOf(14, 2 * 2) });
  });
});
