/**
 * The SDKs' own helpers for structured output and tools, run against the built-in model with no
 * network and no server: the client's fetch hands each request body to LocalModel (with the output
 * limit the chat route would set) and answers its ChatCompletion, or its chunks as server-sent events.
 */
import { ChatOpenAI } from '@langchain/openai';
import OpenAI from 'openai';
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import type { ChatRequest } from '../../src/completions/chat-api.js';
import { LocalModel } from '../../src/completions/local-model.js';

const model = new LocalModel();

/** A fetch that answers /chat/completions with the local model, as the chat route will. */
async function localFetch(_url: string | URL | Request, init?: RequestInit): Promise<Response> {
  const { stream, stream_options: _options, max_tokens, max_completion_tokens, ...body } = JSON.parse(String(init!.body));
  const request = { ...body, max_completion_tokens: max_completion_tokens ?? max_tokens ?? 1024 } as ChatRequest;
  if (!stream) return Response.json(await model.complete(request));
  const events: string[] = [];
  for await (const chunk of model.stream(request)) events.push(`data: ${JSON.stringify(chunk)}\n\n`);
  return new Response(`${events.join('')}data: [DONE]\n\n`, { headers: { 'content-type': 'text/event-stream' } });
}

const openai = new OpenAI({ apiKey: 'offline', baseURL: 'http://local.test/v1', fetch: localFetch, maxRetries: 0 });
const Weather = z.object({ city: z.string(), unit: z.enum(['c', 'f']).nullable(), days: z.int().min(1).max(7) });
const Recipe = z.object({
  title: z.string(),
  minutes: z.number().int().min(1).max(240),
  steps: z.array(z.object({ text: z.string(), optional: z.boolean() })).min(1),
});
const messages = [{ role: 'user' as const, content: 'Weather in Oslo for three days?' }];

describe('the openai SDK against the built-in model', () => {
  it('parses structured output (zodResponseFormat) with chat.completions.parse', async () => {
    const answer = await openai.chat.completions.parse({
      model: 'local',
      messages,
      response_format: zodResponseFormat(Recipe, 'recipe'),
      seed: 7,
    });
    expect(Recipe.parse(answer.choices[0].message.parsed)).toEqual(answer.choices[0].message.parsed);
  });

  it('parses a forced tool call (zodFunction) with chat.completions.parse', async () => {
    const answer = await openai.chat.completions.parse({
      model: 'local',
      messages,
      tools: [zodFunction({ name: 'get_weather', parameters: Weather })],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const call = answer.choices[0].message.tool_calls![0];
    expect(call.type === 'function' && Weather.parse(call.function.parsed_arguments)).toBeTruthy();
  });

  it('assembles a streamed tool call and streamed structured output with chat.completions.stream', async () => {
    const toolStream = openai.chat.completions.stream({
      model: 'local',
      messages,
      tools: [zodFunction({ name: 'get_weather', parameters: Weather })],
      tool_choice: 'required',
      stream_options: { include_usage: true },
    });
    const withTool = await toolStream.finalChatCompletion();
    const call = withTool.choices[0].message.tool_calls![0];
    expect(call.type === 'function' && Weather.parse(call.function.parsed_arguments)).toBeTruthy();
    expect(withTool.choices[0].finish_reason).toBe('tool_calls');
    expect(withTool.usage?.completion_tokens).toBeGreaterThan(0);

    const jsonStream = openai.chat.completions.stream({ model: 'local', messages, response_format: zodResponseFormat(Recipe, 'recipe') });
    expect(Recipe.parse((await jsonStream.finalChatCompletion()).choices[0].message.parsed)).toBeTruthy();
  });

  it('runs a tool loop to its end with runTools: the tool is called, then the model answers text', async () => {
    const calls: unknown[] = [];
    const runner = openai.chat.completions.runTools({
      model: 'local',
      messages,
      tools: [
        zodFunction({
          name: 'get_weather',
          parameters: Weather,
          function: (args) => {
            calls.push(args);
            return { temperature: 21 };
          },
        }),
      ],
    });
    const content = await runner.finalContent();
    expect(calls).toHaveLength(1);
    expect(Weather.parse(calls[0])).toBeTruthy();
    expect(content).toMatch(/^Local model reply:/);
  });
});

describe('LangChain against the built-in model', () => {
  const chat = new ChatOpenAI({
    model: 'local',
    apiKey: 'offline',
    configuration: { baseURL: 'http://local.test/v1', fetch: localFetch },
    maxRetries: 0,
  });

  it('answers withStructuredOutput with a value the zod schema parses', async () => {
    const recipe = await chat.withStructuredOutput(Recipe, { name: 'recipe' }).invoke('A pasta recipe');
    expect(Recipe.parse(recipe)).toEqual(recipe);
  });

  it('calls a bound tool with valid arguments, and answers text after the tool result', async () => {
    const bound = chat.bindTools([
      { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: z.toJSONSchema(Weather) } },
    ]);
    const first = await bound.invoke('Weather in Oslo?');
    expect(first.tool_calls).toHaveLength(1);
    expect(Weather.parse(first.tool_calls![0].args)).toBeTruthy();
    const second = await bound.invoke([
      { role: 'user', content: 'Weather in Oslo?' },
      first,
      { role: 'tool', content: '{"temperature":21}', tool_call_id: first.tool_calls![0].id! },
    ]);
    expect(second.tool_calls ?? []).toHaveLength(0);
    expect(String(second.content)).toMatch(/^Local model reply:/);
  });
});
