/**
 * The OpenAI-compatible clients people use, pointed at the app (baseURL = its /v1, an API key of
 * this service), against the fake upstream: LangChain's ChatOpenAI (bindTools, withStructuredOutput,
 * stop, streams) and the Vercel AI SDK's OpenAI chat provider (generateObject, generateText with
 * stopSequences and seed, streamText). What they send reaches the upstream unchanged, what the
 * upstream answers reaches them, and each completion is charged.
 */
import { ChatOpenAI } from '@langchain/openai';
import { createOpenAI } from '@ai-sdk/openai';
import { generateObject, generateText, streamText } from 'ai';
import { z } from 'zod';
import { type CompletionsApp, startCompletionsApp } from '../support/completions.js';
import type { FakeOpenAi } from '../support/fake-openai.js';
import { expectLedgerConsistent } from '../support/ledger-assertions.js';
import { TEST_DB } from '../support/test-database.js';

const WEATHER = z.object({ city: z.string(), sunny: z.boolean() });

describe(`OpenAI-compatible clients against the app (${TEST_DB})`, () => {
  let app: CompletionsApp;
  let upstream: FakeOpenAi;
  let baseURL: string;

  beforeAll(async () => {
    app = await startCompletionsApp();
    upstream = app.upstream;
    baseURL = `${app.t.http.baseUrl}/v1`;
  });
  afterAll(() => app?.close());
  beforeEach(() => upstream.reset());

  /** The usage entries of a user, and the ledger checked consistent. */
  const usagesOf = async (userId: string) =>
    (await expectLedgerConsistent(app.t.dataSource, userId)).entries.filter((e) => e.type === 'usage');

  describe('LangChain ChatOpenAI', () => {
    const chatFor = (key: string) => new ChatOpenAI({ model: 'fake-gpt', apiKey: key, configuration: { baseURL }, maxRetries: 0 });

    it('bindTools: the tools reach the upstream and its tool call comes back parsed', async () => {
      const { user, key } = await app.client(1000);
      upstream.next({ kind: 'toolCall', name: 'get_weather', arguments: '{"city":"Paris"}' });
      const tool = { name: 'get_weather', description: 'The weather in a city', schema: z.object({ city: z.string() }) };
      const answer = await chatFor(key).bindTools([tool], { tool_choice: 'get_weather' }).invoke('Weather in Paris?');
      expect(answer.tool_calls).toEqual([expect.objectContaining({ name: 'get_weather', args: { city: 'Paris' }, id: 'call_fake1' })]);
      expect(upstream.requests[0].body).toMatchObject({
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: expect.objectContaining({ type: 'object' }) } }],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
      });
      expect(await usagesOf(user.id)).toHaveLength(1);
    });

    it('withStructuredOutput: the JSON schema reaches the upstream and its JSON answer comes back as an object', async () => {
      const { user, key } = await app.client(1000);
      upstream.next({ kind: 'reply', text: '{"city":"Paris","sunny":true}' });
      const weather = await chatFor(key)
        .withStructuredOutput(WEATHER, { name: 'weather', method: 'jsonSchema' })
        .invoke('Weather in Paris?');
      expect(weather).toEqual({ city: 'Paris', sunny: true });
      expect(upstream.requests[0].body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'weather' } });
      expect(await usagesOf(user.id)).toHaveLength(1);
    });

    it('stop sequences and a stream with usage', async () => {
      const { user, key } = await app.client(1000);
      const answer = await chatFor(key).invoke('say something', { stop: ['END'] });
      expect(answer.content).toBe('Fake reply to: say something');
      expect(upstream.requests[0].body.stop).toEqual(['END']);
      let text = '';
      let usage: unknown;
      for await (const chunk of await chatFor(key).stream('stream it')) {
        text += String(chunk.content);
        usage = chunk.usage_metadata ?? usage;
      }
      expect(text).toBe('Fake reply to: stream it');
      expect(usage).toMatchObject({ input_tokens: 5, output_tokens: 5 });
      expect(await usagesOf(user.id)).toHaveLength(2);
    });
  });

  describe('Vercel AI SDK (OpenAI chat provider)', () => {
    const modelFor = (key: string) => createOpenAI({ baseURL, apiKey: key }).chat('fake-gpt');

    it('generateObject: the JSON schema reaches the upstream, its JSON answer comes back as the object', async () => {
      const { user, key } = await app.client(1000);
      upstream.next({ kind: 'reply', text: '{"city":"Paris","sunny":false}' });
      const { object, usage } = await generateObject({
        model: modelFor(key),
        schema: WEATHER,
        prompt: 'Weather in Paris?',
        seed: 7,
        maxRetries: 0,
      });
      expect(object).toEqual({ city: 'Paris', sunny: false });
      expect(upstream.requests[0].body).toMatchObject({
        seed: 7,
        response_format: { type: 'json_schema', json_schema: expect.any(Object) },
      });
      expect(usage).toMatchObject({ inputTokens: 6, outputTokens: 1 });
      expect(await usagesOf(user.id)).toHaveLength(1);
    });

    it('generateText with stopSequences, seed and maxOutputTokens; streamText', async () => {
      const { user, key } = await app.client(1000);
      const { text } = await generateText({
        model: modelFor(key),
        prompt: 'four words here please',
        stopSequences: ['END'],
        seed: 3,
        maxOutputTokens: 4,
        maxRetries: 0,
      });
      expect(text).toBe('Fake reply to: four');
      expect(upstream.requests[0].body).toMatchObject({ stop: ['END'], seed: 3, max_completion_tokens: 4 });
      expect(upstream.requests[0].body).not.toHaveProperty('max_tokens');

      const streamed = streamText({ model: modelFor(key), prompt: 'stream this', maxRetries: 0 });
      let all = '';
      for await (const piece of streamed.textStream) all += piece;
      expect(all).toBe('Fake reply to: stream this');
      expect(await streamed.usage).toMatchObject({ inputTokens: 5, outputTokens: 5 });
      expect(await usagesOf(user.id)).toHaveLength(2);
    });
  });
});
