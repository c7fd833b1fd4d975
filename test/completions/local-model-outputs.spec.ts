/**
 * The built-in `local` model's JSON modes and tools: JSON valid against the schema (as the openai
 * SDK's own zod helpers parse it), cut like OpenAI's at the output limit; a forced tool gets a tool
 * call whose arguments validate, `auto` ends an agent loop; streams of tool calls and of n choices
 * come as OpenAI sends them.
 */
import { Ajv } from 'ajv';
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import type { ChatRequest } from '../../src/completions/chat-api.js';
import { LocalModel } from '../../src/completions/local-model.js';
import { countTokens } from '../../src/completions/tokenizer.js';
import { longestBlockDuring } from '../support/event-loop.js';
import { collect, LOCAL_REQUEST as REQUEST, streamedTexts, textOf } from '../support/local-model.js';

const Recipe = z.object({
  title: z.string().min(3).max(60),
  minutes: z.number().int().min(1).max(240),
  difficulty: z.enum(['easy', 'medium', 'hard']),
  vegetarian: z.boolean(),
  ingredients: z
    .array(z.object({ name: z.string(), grams: z.number().positive().nullable() }))
    .min(1)
    .max(6),
  source: z.url().nullable(),
});
const Weather = z.object({ city: z.string(), unit: z.enum(['c', 'f']).nullable(), days: z.int().min(1).max(7) });

describe('LocalModel: JSON modes and tools', () => {
  const model = new LocalModel();

  it('answers json_object with a JSON object', async () => {
    const answer = await model.complete({ ...REQUEST, response_format: { type: 'json_object' } });
    expect(JSON.parse(textOf(answer))).toEqual({ reply: expect.stringMatching(/^Local model reply: How long/) });
    expect(answer.choices[0].finish_reason).toBe('stop');
  });

  it("answers json_schema with JSON that the openai SDK's zodResponseFormat parses, for every seed", async () => {
    const format = zodResponseFormat(Recipe, 'recipe');
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(format.json_schema.schema!);
    const texts = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const answer = await model.complete({ ...REQUEST, seed, response_format: format });
      const text = textOf(answer);
      expect(answer.choices[0].finish_reason).toBe('stop');
      expect(validate(JSON.parse(text))).toBe(true);
      expect(format.$parseRaw(text)).toEqual(Recipe.parse(JSON.parse(text)));
      expect(answer.usage!.completion_tokens).toBe(countTokens(text));
      texts.add(text);
    }
    expect(texts.size).toBe(30);
    expect(Recipe.safeParse(JSON.parse(textOf(await model.complete({ ...REQUEST, response_format: format })))).success).toBe(true);
  });

  it('cuts JSON at the output limit like OpenAI: finish reason length and the text so far', async () => {
    const format = zodResponseFormat(Recipe, 'recipe');
    const whole = textOf(await model.complete({ ...REQUEST, seed: 3, response_format: format }));
    const cut = await model.complete({ ...REQUEST, seed: 3, response_format: format, max_completion_tokens: 8 });
    expect(cut.choices[0].finish_reason).toBe('length');
    expect(whole.startsWith(textOf(cut))).toBe(true);
    expect(cut.usage!.completion_tokens).toBeLessThanOrEqual(8);
    expect(() => JSON.parse(textOf(cut))).toThrow();
  });

  it('answers a forced tool with a tool call whose arguments the zod tool parses', async () => {
    const tool = zodFunction({ name: 'get_weather', parameters: Weather });
    const request: ChatRequest = { ...REQUEST, tools: [tool], tool_choice: { type: 'function', function: { name: 'get_weather' } } };
    const answer = await model.complete(request);
    const [choice] = answer.choices;
    expect(choice).toMatchObject({ finish_reason: 'tool_calls', message: { role: 'assistant', content: null } });
    const [call] = choice.message.tool_calls!;
    expect(call).toEqual({
      id: expect.stringMatching(/^call_local-[0-9a-f]{24}_0$/),
      type: 'function',
      function: { name: 'get_weather', arguments: expect.any(String) },
    });
    expect(Weather.parse(tool.$parseRaw(call.type === 'function' ? call.function.arguments : ''))).toBeTruthy();
    expect(answer.usage!.completion_tokens).toBe(countTokens(call.type === 'function' ? call.function.arguments : ''));
    // tool_choice required (with tools) too, and auto after a user message.
    for (const tool_choice of ['required', 'auto'] as const) {
      expect((await model.complete({ ...request, tool_choice })).choices[0].finish_reason).toBe('tool_calls');
    }
  });

  it('with tool_choice auto answers text once the last message is a tool result, so an agent loop ends', async () => {
    const tool = zodFunction({ name: 'get_weather', parameters: Weather });
    const first = await model.complete({ ...REQUEST, tools: [tool] });
    const call = first.choices[0].message.tool_calls![0];
    const next = await model.complete({
      ...REQUEST,
      tools: [tool],
      messages: [...REQUEST.messages, first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: '{"temp":21}' }],
    });
    expect(next.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: expect.stringMatching(/^Local model reply:/) } });
    expect((await model.complete({ ...REQUEST, tools: [tool], tool_choice: 'none' })).choices[0].finish_reason).toBe('stop');
  });

  it('answers the largest JSON a schema can ask for, in several choices, without holding the event loop over 50 ms', async () => {
    const schema = { type: 'array', items: { type: 'string', minLength: 100_000 }, minItems: 100_000 };
    const request: ChatRequest = {
      ...REQUEST,
      n: 4,
      max_completion_tokens: 100_000,
      response_format: { type: 'json_schema', json_schema: { name: 'huge', schema } },
    };
    const { result, ...longest } = await longestBlockDuring(() => model.complete(request));
    const texts = result.choices.map((choice) => choice.message.content!);
    expect(texts.every((text) => text.length > 10_000 && Array.isArray(JSON.parse(text)))).toBe(true);
    expect(result.usage!.completion_tokens).toBe(texts.reduce((sum, text) => sum + countTokens(text), 0));
    expect(longest.cpuMs).toBeLessThanOrEqual(50);
  });

  it('streams a tool call the way OpenAI does: id and name first, then the arguments in pieces', async () => {
    const tool = zodFunction({ name: 'get_weather', parameters: Weather });
    const request: ChatRequest = {
      ...REQUEST,
      seed: 5,
      tools: [tool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    };
    const whole = await model.complete(request);
    const call = whole.choices[0].message.tool_calls![0];
    const chunks = await collect(model.stream(request));
    expect(chunks[0].choices[0].delta).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: 'get_weather', arguments: '' } }],
    });
    const fragments = chunks.slice(1, -2).map((chunk) => chunk.choices[0].delta.tool_calls!);
    expect(fragments.length).toBeGreaterThan(3);
    for (const fragment of fragments) expect(fragment).toEqual([{ index: 0, function: { arguments: expect.any(String) } }]);
    expect(streamedTexts(chunks)).toEqual([call.type === 'function' ? call.function.arguments : '']);
    expect(chunks.at(-2)!.choices[0]).toMatchObject({ delta: {}, finish_reason: 'tool_calls' });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: whole.usage });
  });

  it('streams every choice of n, each ending with its own finish chunk', async () => {
    const request: ChatRequest = { ...REQUEST, n: 2, seed: 9, response_format: zodResponseFormat(Weather, 'weather') };
    const whole = await model.complete(request);
    const chunks = await collect(model.stream(request));
    expect(streamedTexts(chunks)).toEqual(whole.choices.map((choice) => choice.message.content));
    const finishes = chunks.flatMap((chunk) => chunk.choices.filter((choice) => choice.finish_reason !== null));
    expect(finishes.map((choice) => [choice.index, choice.finish_reason])).toEqual([
      [0, 'stop'],
      [1, 'stop'],
    ]);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: whole.usage });
  });
});
