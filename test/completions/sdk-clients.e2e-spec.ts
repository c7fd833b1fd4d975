/**
 * The clients real teams use, none of them written here, against the built-in `local` model (no
 * network): the official openai SDK, LangChain's ChatOpenAI and OpenAIEmbeddings, and the Vercel AI
 * SDK's OpenAI provider. Tools, structured output, stop, seed, multi-part content, the Responses API,
 * embeddings and models.retrieve; after every call, the ledger's last `usage` entry is the price
 * formula of the usage the client itself saw.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { OpenAIEmbeddings, ChatOpenAI } from '@langchain/openai';
import type { AIMessage } from '@langchain/core/messages';
import { tool as langchainTool } from '@langchain/core/tools';
import { embed, generateObject, generateText, jsonSchema, streamText, tool as aiTool } from 'ai';
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { type CompletionsApp, startCompletionsApp } from '../support/completions.js';
import { expectLedgerConsistent } from '../support/ledger-assertions.js';
import { TEST_DB } from '../support/test-database.js';

/** The built-in model's prices (tokens of this service per 1,000 model tokens), as seeded. */
const LOCAL = { inputPer1k: 10, outputPer1k: 30 };
const priceOf = (prompt: number, completion: number) => Math.ceil((prompt * LOCAL.inputPer1k + completion * LOCAL.outputPer1k) / 1000);

const WEATHER = z.object({ city: z.string(), unit: z.enum(['celsius', 'fahrenheit']), days: z.number().int().min(1).max(7) });
const RECIPE = z.object({
  name: z.string(),
  servings: z.number().int(),
  vegetarian: z.boolean(),
  ingredients: z.array(z.object({ item: z.string(), grams: z.number() })),
  notes: z.string().nullable(),
});

describe(`real OpenAI clients against the local model (${TEST_DB})`, () => {
  let app: CompletionsApp;
  let baseURL: string;
  let userId: string;
  let key: string;
  let sdk: OpenAI;

  beforeAll(async () => {
    app = await startCompletionsApp();
    baseURL = `${app.t.http.baseUrl}/v1`;
    const client = await app.client(100_000);
    ({ key, sdk } = client);
    userId = client.user.id;
  });
  afterAll(() => app?.close());

  /** The newest `usage` entry of the user: its price and the model tokens it records. */
  async function lastUsage(): Promise<{ amount: number; promptTokens: number; completionTokens?: number }> {
    await expectLedgerConsistent(app.t.dataSource, userId);
    const [row] = await app.t.dataSource.query(
      "SELECT amount, metadata FROM token_ledger_entries WHERE user_id = ? AND type = 'usage' ORDER BY seq DESC LIMIT 1",
      [userId],
    );
    const metadata = JSON.parse(row.metadata) as { promptTokens: number; completionTokens?: number };
    return { amount: Number(row.amount), ...metadata };
  }

  async function expectCharged(prompt: number, completion: number): Promise<void> {
    expect(await lastUsage()).toMatchObject({ amount: -priceOf(prompt, completion), promptTokens: prompt, completionTokens: completion });
  }

  describe('the openai SDK', () => {
    it('a forced tool: a tool call whose arguments validate against its parameters', async () => {
      const parameters = z.toJSONSchema(WEATHER);
      const completion = await sdk.chat.completions.create({
        model: 'local',
        messages: [{ role: 'user', content: 'Weather in Oslo?' }],
        tools: [{ type: 'function', function: { name: 'get_weather', parameters } }],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
      });
      const [call] = completion.choices[0].message.tool_calls!;
      expect([completion.choices[0].finish_reason, call.type]).toEqual(['tool_calls', 'function']);
      expect(call.type === 'function' && WEATHER.safeParse(JSON.parse(call.function.arguments)).success).toBe(true);
      await expectCharged(completion.usage!.prompt_tokens, completion.usage!.completion_tokens);
    });

    it('structured output with zodResponseFormat: parse() gives an object valid against the schema', async () => {
      const completion = await sdk.chat.completions.parse({
        model: 'local',
        messages: [{ role: 'user', content: 'A recipe please' }],
        response_format: zodResponseFormat(RECIPE, 'recipe'),
      });
      expect(RECIPE.safeParse(completion.choices[0].message.parsed).success).toBe(true);
      await expectCharged(completion.usage!.prompt_tokens, completion.usage!.completion_tokens);
    });

    it('stop and seed: the same seed gives the same text, the output ends before the stop string', async () => {
      const ask = (seed: number, stop?: string[]) =>
        sdk.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'alpha beta gamma delta' }], seed, stop });
      const [first, again, other] = await Promise.all([ask(7), ask(7), ask(8)]);
      expect(first.choices[0].message.content).toBe(again.choices[0].message.content);
      expect(first.choices[0].message.content).not.toBe(other.choices[0].message.content);
      const stopped = await ask(7, ['gamma']);
      const text = stopped.choices[0].message.content!;
      expect([text.includes('gamma'), stopped.choices[0].finish_reason]).toEqual([false, 'stop']);
      expect(first.choices[0].message.content!.startsWith(text)).toBe(true);
      await expectCharged(stopped.usage!.prompt_tokens, stopped.usage!.completion_tokens);
    });

    it('multi-part content, n choices and a tool message are accepted and metered', async () => {
      const completion = await sdk.chat.completions.create({
        model: 'local',
        n: 3,
        max_tokens: 12,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'first part' },
              { type: 'text', text: 'second part' },
            ],
          },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: 'tool said hello' },
          { role: 'user', content: [{ type: 'text', text: 'now answer' }] },
        ],
      });
      expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
      await expectCharged(completion.usage!.prompt_tokens, completion.usage!.completion_tokens);
    });

    it('the Responses API, plain and streamed', async () => {
      const response = await sdk.responses.create({ model: 'local', input: 'hello responses', max_output_tokens: 100 });
      expect([response.object, response.status, response.output_text.length > 0]).toEqual(['response', 'completed', true]);
      await expectCharged(response.usage!.input_tokens, response.usage!.output_tokens);

      const stream = await sdk.responses.create({ model: 'local', input: 'hello stream', stream: true });
      let completed: OpenAI.Responses.Response | undefined;
      let text = '';
      for await (const event of stream) {
        if (event.type === 'response.output_text.delta') text += event.delta;
        if (event.type === 'response.completed') completed = event.response;
      }
      expect(completed!.output_text ?? text).toBeTruthy();
      await expectCharged(completed!.usage!.input_tokens, completed!.usage!.output_tokens);
    });

    it('embeddings (floats and base64) and models.retrieve', async () => {
      const floats = await sdk.embeddings.create({ model: 'local', input: ['one', 'two'], dimensions: 64 });
      expect(floats.data.map((item) => item.embedding.length)).toEqual([64, 64]);
      expect(await lastUsage()).toMatchObject({ amount: -Math.ceil((floats.usage.prompt_tokens * LOCAL.inputPer1k) / 1000) });
      // Asked for explicitly, base64 is handed over as sent: little-endian float32s.
      const base64 = await sdk.embeddings.create({ model: 'local', input: 'one', dimensions: 64, encoding_format: 'base64' });
      // A string, whatever the SDK's types (numbers) say.
      const bytes = Buffer.from(base64.data[0].embedding as unknown as string, 'base64');
      expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4))).toEqual(
        (await sdk.embeddings.create({ model: 'local', input: 'one', dimensions: 64 })).data[0].embedding.map(Math.fround),
      );
      expect((await sdk.models.retrieve('local')).id).toBe('local');
      await expect(sdk.models.retrieve('no-such-model')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    });
  });

  describe('LangChain', () => {
    const chat = (options: Partial<ConstructorParameters<typeof ChatOpenAI>[0]> = {}) =>
      new ChatOpenAI({ model: 'local', apiKey: key, configuration: { baseURL }, maxRetries: 0, ...options });

    it('invoke, with stop', async () => {
      const message = await chat().invoke('tell me about tokens and ledgers', { stop: ['ledgers'] });
      expect(String(message.content)).not.toContain('ledgers');
      await expectCharged(message.usage_metadata!.input_tokens, message.usage_metadata!.output_tokens);
    });

    it('bindTools: the model calls the tool with valid arguments', async () => {
      const weather = langchainTool(async () => 'sunny', { name: 'get_weather', description: 'Weather', schema: WEATHER });
      const message = await chat().bindTools([weather], { tool_choice: 'get_weather' }).invoke('Weather in Oslo?');
      expect(message.tool_calls).toHaveLength(1);
      expect(WEATHER.safeParse(message.tool_calls![0].args).success).toBe(true);
      await expectCharged(message.usage_metadata!.input_tokens, message.usage_metadata!.output_tokens);
    });

    it('withStructuredOutput gives an object valid against the schema', async () => {
      const recipe = await chat().withStructuredOutput(RECIPE, { includeRaw: true }).invoke('A recipe please');
      expect(RECIPE.safeParse(recipe.parsed).success).toBe(true);
      const usage = (recipe.raw as AIMessage).usage_metadata!;
      await expectCharged(usage.input_tokens, usage.output_tokens);
    });

    it('useResponsesApi', async () => {
      const message = await chat({ useResponsesApi: true }).invoke('hello through responses');
      expect(message.content).toBeTruthy();
      await expectCharged(message.usage_metadata!.input_tokens, message.usage_metadata!.output_tokens);
    });

    it('OpenAIEmbeddings', async () => {
      const embeddings = new OpenAIEmbeddings({ model: 'local', apiKey: key, configuration: { baseURL }, dimensions: 32 });
      const [vector] = await embeddings.embedDocuments(['a document about tokens']);
      expect(vector).toHaveLength(32);
      expect((await lastUsage()).amount).toBeLessThan(0);
    });
  });

  describe('the Vercel AI SDK', () => {
    const provider = () => createOpenAI({ baseURL, apiKey: key });

    it('generateText through the Responses API (the provider default) and through chat with stopSequences and seed', async () => {
      const viaResponses = await generateText({ model: provider()('local'), prompt: 'hello from the ai sdk' });
      expect(viaResponses.text.length).toBeGreaterThan(0);
      await expectCharged(viaResponses.usage.inputTokens!, viaResponses.usage.outputTokens!);

      const ask = () => generateText({ model: provider().chat('local'), prompt: 'one two three four', seed: 3, stopSequences: ['four'] });
      const [first, again] = [await ask(), await ask()];
      expect(first.text).toBe(again.text);
      expect(first.text).not.toContain('four');
      await expectCharged(again.usage.inputTokens!, again.usage.outputTokens!);
    });

    it('streamText', async () => {
      const result = streamText({ model: provider().chat('local'), prompt: 'stream me something' });
      let text = '';
      for await (const delta of result.textStream) text += delta;
      const usage = await result.usage;
      expect(text.length).toBeGreaterThan(0);
      await expectCharged(usage.inputTokens!, usage.outputTokens!);
    });

    it('generateObject, on chat and on the Responses API', async () => {
      for (const model of [provider().chat('local'), provider()('local')]) {
        const result = await generateObject({ model, schema: RECIPE, prompt: 'A recipe please' });
        expect(RECIPE.safeParse(result.object).success).toBe(true);
        await expectCharged(result.usage.inputTokens!, result.usage.outputTokens!);
      }
    });

    it('a forced tool call', async () => {
      const parameters = z.toJSONSchema(WEATHER) as Parameters<typeof jsonSchema>[0];
      const result = await generateText({
        model: provider().chat('local'),
        prompt: 'Weather in Oslo?',
        tools: { get_weather: aiTool({ description: 'Weather', inputSchema: jsonSchema(parameters) }) },
        toolChoice: { type: 'tool', toolName: 'get_weather' },
      });
      expect(result.toolCalls).toHaveLength(1);
      expect(WEATHER.safeParse(result.toolCalls[0].input).success).toBe(true);
      await expectCharged(result.usage.inputTokens!, result.usage.outputTokens!);
    });

    it('embed', async () => {
      const { embedding } = await embed({ model: provider().embedding('local'), value: 'an embedded sentence' });
      expect(embedding.length).toBeGreaterThan(0);
      expect((await lastUsage()).amount).toBeLessThan(0);
    });
  });
});
