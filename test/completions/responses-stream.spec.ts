/**
 * A streamed chat completion as the Responses API's server-sent events (ResponsesStreamMapper):
 * the event order and sequence numbers for text, refusals and function calls, `response.incomplete`
 * when the output limit cut it, the `error` event, and that the official openai SDK's own stream
 * parser (served the events by a local HTTP server) accepts every sequence and accumulates the
 * same final Response, and so do the Vercel AI SDK's and LangChain's Responses clients (whose
 * requests the request parser takes).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOpenAI } from '@ai-sdk/openai';
import { HumanMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { generateText, jsonSchema, streamText, tool } from 'ai';
import OpenAI from 'openai';
import type { ChatAnswer, ChatChunk } from '../../src/completions/chat-api.js';
import { identityOf, responseOf } from '../../src/completions/responses/responses-answer.js';
import { parseResponsesRequest } from '../../src/completions/responses/responses-request.js';
import {
  carriesOutput,
  type ResponsesStreamEvent,
  ResponsesStreamMapper,
  sseOf,
} from '../../src/completions/responses/responses-stream.js';

type Delta = ChatChunk['choices'][number]['delta'];
type FinishReason = ChatChunk['choices'][number]['finish_reason'];

const USAGE = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
const CITY_SCHEMA = {
  type: 'object' as const,
  properties: { city: { type: 'string' as const } },
  required: ['city'],
  additionalProperties: false,
};
const ECHO = parseResponsesRequest({ model: 'gpt-4o-mini', input: 'Hi' }).echo;

function answerOf(content: string): ChatAnswer {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1764633600,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: USAGE,
  };
}

function chunkOf(delta: Delta, finishReason: FinishReason = null): ChatChunk {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1764633600,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
  };
}

const TEXT: ChatChunk[] = [
  chunkOf({ role: 'assistant', content: '' }),
  chunkOf({ content: 'Hello' }),
  chunkOf({ content: ' world' }),
  chunkOf({}, 'stop'),
];
const TOOL_CALLS: ChatChunk[] = [
  chunkOf({ role: 'assistant', content: 'Checking.' }),
  chunkOf({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
  chunkOf({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
  chunkOf({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
  chunkOf({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } }] }),
  chunkOf({}, 'tool_calls'),
];
const NAME_IN_PIECES: ChatChunk[] = [
  chunkOf({ tool_calls: [{ index: 0, function: { name: 'get_', arguments: '' } }] }),
  chunkOf({ tool_calls: [{ index: 0, function: { name: 'weather', arguments: '{}' } }] }),
  chunkOf({}, 'tool_calls'),
];
const CUT: ChatChunk[] = [chunkOf({ content: 'Once upon' }), chunkOf({ content: ' a' }, 'length')];
const REFUSED: ChatChunk[] = [chunkOf({ refusal: 'I cannot ' }), chunkOf({ refusal: 'help.' }, 'stop')];

function mapperOf(): ResponsesStreamMapper {
  return new ResponsesStreamMapper(
    identityOf({ id: 'chatcmpl-0b7d4c1e9a554d2f8e7c1b206f1c2a4e', created: 1764633601, model: 'gpt-4o-mini' }, ECHO),
  );
}

function eventsOf(chunks: ChatChunk[]): ResponsesStreamEvent[] {
  const mapper = mapperOf();
  return [...mapper.start(), ...chunks.flatMap((chunk) => mapper.push(chunk)), ...mapper.finish(USAGE)];
}

describe('ResponsesStreamMapper', () => {
  it('streams text as one message item with output_text deltas, numbered in order, then response.completed', () => {
    const events = eventsOf(TEXT);
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(events[0]).toMatchObject({ response: { status: 'in_progress', output: [], model: 'gpt-4o-mini' } });
    expect(events[0]).not.toHaveProperty('response.usage');
    expect(events.filter((event) => event.type === 'response.output_text.delta').map((event) => event.delta)).toEqual(['Hello', ' world']);
    expect(events[6]).toMatchObject({ type: 'response.output_text.done', text: 'Hello world', output_index: 0, content_index: 0 });
    const completed = events.at(-1)!;
    expect(completed).toMatchObject({
      type: 'response.completed',
      response: {
        id: 'resp_0b7d4c1e9a554d2f8e7c1b206f1c2a4e',
        status: 'completed',
        model: 'gpt-4o-mini-2024-07-18',
        output: [{ type: 'message', status: 'completed', content: [{ type: 'output_text', text: 'Hello world', annotations: [] }] }],
        usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15 },
      },
    });
  });

  it('streams function calls as function_call items with argument deltas, after the text', () => {
    const events = eventsOf(TOOL_CALLS);
    const added = events.filter((event) => event.type === 'response.output_item.added');
    expect(added.map((event) => [event.output_index, event.item.type])).toEqual([
      [0, 'message'],
      [1, 'function_call'],
      [2, 'function_call'],
    ]);
    expect(added[1]).toMatchObject({ item: { call_id: 'call_a', name: 'get_weather', arguments: '', status: 'in_progress' } });
    const argumentDeltas = events.filter((event) => event.type === 'response.function_call_arguments.delta');
    expect(argumentDeltas.map((event) => [event.output_index, event.delta])).toEqual([
      [1, '{"city":'],
      [1, '"Paris"}'],
      [2, '{}'],
    ]);
    expect(events.filter((event) => event.type === 'response.function_call_arguments.done').map((event) => event.arguments)).toEqual([
      '{"city":"Paris"}',
      '{}',
    ]);
    const completed = events.at(-1)!;
    expect(completed.type).toBe('response.completed');
    expect(completed.type === 'response.completed' && completed.response.output).toEqual([
      expect.objectContaining({ type: 'message', content: [expect.objectContaining({ text: 'Checking.' })] }),
      expect.objectContaining({
        type: 'function_call',
        call_id: 'call_a',
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
        status: 'completed',
      }),
      expect.objectContaining({ type: 'function_call', call_id: 'call_b', name: 'get_time', arguments: '{}', status: 'completed' }),
    ]);
  });

  it('ends with response.incomplete (reason max_output_tokens) when the output limit cut the answer', () => {
    const last = eventsOf(CUT).at(-1)!;
    expect(last).toMatchObject({
      type: 'response.incomplete',
      response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [{ status: 'incomplete' }] },
    });
  });

  it('streams a refusal as a refusal part', () => {
    const events = eventsOf(REFUSED);
    expect(events.filter((event) => event.type === 'response.refusal.delta').map((event) => event.delta)).toEqual(['I cannot ', 'help.']);
    expect(events.find((event) => event.type === 'response.refusal.done')).toMatchObject({ refusal: 'I cannot help.' });
  });

  it('reports a failure as an error event with the next sequence number', () => {
    const mapper = mapperOf();
    const started = [...mapper.start(), ...mapper.push(TEXT[1])];
    expect(mapper.hasOutput).toBe(true);
    expect(mapper.fail({ code: 'UPSTREAM_FAILED', message: 'The model failed', param: null })).toEqual([
      { type: 'error', code: 'UPSTREAM_FAILED', message: 'The model failed', param: null, sequence_number: started.length },
    ]);
  });

  it('names a function call whose name comes in pieces, and makes up a call id the upstream did not send', () => {
    const events = eventsOf(NAME_IN_PIECES);
    const last = events.at(-1)!;
    expect(last.type === 'response.completed' && last.response.output).toEqual([
      expect.objectContaining({
        type: 'function_call',
        name: 'get_weather',
        arguments: '{}',
        call_id: 'call_0b7d4c1e9a554d2f8e7c1b206f1c2a4e_0',
      }),
    ]);
  });

  it('tells which chunks carry output', () => {
    expect(TEXT.map(carriesOutput)).toEqual([false, true, true, false]);
    expect(TOOL_CALLS.map(carriesOutput)).toEqual([true, true, true, true, true, false]);
    expect(REFUSED.map(carriesOutput)).toEqual([true, true]);
  });

  it('ignores chunks of other choices and empty usage chunks', () => {
    const mapper = mapperOf();
    mapper.start();
    expect(
      mapper.push({
        ...chunkOf({ content: 'other' }),
        choices: [{ index: 1, delta: { content: 'x' }, finish_reason: null, logprobs: null }],
      }),
    ).toEqual([]);
    expect(mapper.push({ ...chunkOf({}), choices: [], usage: USAGE })).toEqual([]);
    expect(mapper.hasOutput).toBe(false);
  });
});

describe('OpenAI, Vercel AI SDK and LangChain clients reading the answers', () => {
  let server: Server;
  let client: OpenAI;
  /** What the server answers the next request: server-sent events, or JSON when `json` is set. */
  let body = '';
  let json = false;
  /** The body of the last request the server received. */
  let received: Record<string, unknown> = {};

  function serveJson(response: unknown): void {
    body = JSON.stringify(response);
    json = true;
  }

  function serveEvents(events: ResponsesStreamEvent[]): void {
    body = events.map(sseOf).join('');
    json = false;
  }

  beforeAll(async () => {
    server = createServer((request, reply) => {
      let text = '';
      request.on('data', (piece: Buffer) => (text += piece.toString()));
      request.on('end', () => {
        received = JSON.parse(text) as Record<string, unknown>;
        reply.writeHead(200, { 'content-type': json ? 'application/json' : 'text/event-stream' });
        reply.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new OpenAI({ baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ['text', TEXT],
    ['text and function calls', TOOL_CALLS],
    ['an answer cut by the output limit', CUT],
    ['a refusal', REFUSED],
    ['a function call named in pieces', NAME_IN_PIECES],
  ])('accumulates %s into the same final Response (responses.stream)', async (_, chunks) => {
    const events = eventsOf(chunks);
    serveEvents(events);
    const final = await client.responses.stream({ model: 'gpt-4o-mini', input: 'Hi' }).finalResponse();
    const last = events.at(-1)!;
    if (!('response' in last)) throw new Error('the last event has no response');
    expect(final).toMatchObject(last.response);
    expect(final.id).toBe(last.response.id);
  });

  it('gives the events in order to responses.create({ stream: true }), and output_text on the final Response', async () => {
    const events = eventsOf(TEXT);
    serveEvents(events);
    const types: string[] = [];
    for await (const event of await client.responses.create({ model: 'gpt-4o-mini', input: 'Hi', stream: true })) types.push(event.type);
    expect(types).toEqual(events.map((event) => event.type));
    const final = await client.responses.stream({ model: 'gpt-4o-mini', input: 'Hi' }).finalResponse();
    expect(final.output_text).toBe('Hello world');
    expect(final.usage).toMatchObject({ input_tokens: 10, output_tokens: 5 });
  });

  it('fails responses.stream() with the error event, its message and code', async () => {
    const mapper = mapperOf();
    serveEvents([
      ...mapper.start(),
      ...mapper.push(TEXT[1]),
      ...mapper.fail({ code: 'UPSTREAM_FAILED', message: 'The model failed', param: null }),
    ]);
    const failure = await client.responses
      .stream({ model: 'gpt-4o-mini', input: 'Hi' })
      .finalResponse()
      .then(
        () => null,
        (error: unknown) => error,
      );
    // openai 6 rejects with the event itself; openai 7 wraps it in an APIError with the same message and code.
    expect(failure).toMatchObject({ type: 'error', message: expect.stringContaining('The model failed'), code: 'UPSTREAM_FAILED' });
  });

  it('answers a plain responses.create with the Response (output_text added by the SDK)', async () => {
    serveJson(responseOf(answerOf('Hello world'), ECHO));
    const response = await client.responses.create({ model: 'gpt-4o-mini', input: 'Hi' });
    expect(response.output_text).toBe('Hello world');
    expect(response.status).toBe('completed');
  });

  it("serves the Vercel AI SDK's responses model, streamed and not, and parses what it sends", async () => {
    const openai = createOpenAI({ baseURL: client.baseURL, apiKey: 'sk-test' });
    serveEvents(eventsOf(TOOL_CALLS));
    const streamed = streamText({
      model: openai.responses('gpt-4o-mini'),
      system: 'Be brief.',
      prompt: 'Weather in Paris?',
      tools: { get_weather: tool({ description: 'Weather of a city', inputSchema: jsonSchema<{ city: string }>(CITY_SCHEMA) }) },
    });
    expect(await streamed.text).toBe('Checking.');
    expect((await streamed.toolCalls).map((call) => [call.toolName, call.input])).toEqual([
      ['get_weather', { city: 'Paris' }],
      ['get_time', {}],
    ]);
    expect(await streamed.usage).toMatchObject({ inputTokens: 10, outputTokens: 5 });
    expect(parseResponsesRequest(received).chat).toMatchObject({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: CITY_SCHEMA } }],
    });

    serveJson(responseOf(answerOf('Hello world'), ECHO));
    const generated = await generateText({ model: openai.responses('gpt-4o-mini'), prompt: 'Hi' });
    expect(generated.text).toBe('Hello world');
    expect(generated.finishReason).toBe('stop');
  });

  it("takes the Vercel AI SDK's next turn with store: false; with references to stored answers it is refused", async () => {
    const openai = createOpenAI({ baseURL: client.baseURL, apiKey: 'sk-test' });
    serveJson(responseOf(answerOf('Hello world'), ECHO));
    const first = await generateText({ model: openai.responses('gpt-4o-mini'), prompt: 'Hi' });
    const messages = [...first.response.messages, { role: 'user' as const, content: 'And then?' }];
    const next = async (store: boolean) => {
      await generateText({ model: openai.responses('gpt-4o-mini'), messages, providerOptions: { openai: { store } } });
      return received;
    };
    expect(parseResponsesRequest(await next(false)).chat.messages).toEqual([
      { role: 'assistant', content: 'Hello world' },
      { role: 'user', content: [{ type: 'text', text: 'And then?' }] },
    ]);
    const referenced = await next(true);
    expect(() => parseResponsesRequest(referenced)).toThrow(/store: false/);
  });

  it("serves LangChain's ChatOpenAI with useResponsesApi, streamed and not", async () => {
    const model = new ChatOpenAI({
      model: 'gpt-4o-mini',
      apiKey: 'sk-test',
      configuration: { baseURL: client.baseURL },
      useResponsesApi: true,
      maxRetries: 0,
    });
    serveJson(responseOf(answerOf('Hello world'), ECHO));
    const answer = await model.invoke('Hi');
    expect(answer.text).toBe('Hello world');
    expect(parseResponsesRequest(received).chat.messages).toEqual([{ role: 'user', content: 'Hi' }]);
    // The next turn sends the answer back as an item, with its id.
    await model.invoke([new HumanMessage('Hi'), answer, new HumanMessage('And then?')]);
    expect(parseResponsesRequest(received).chat.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello world' },
      { role: 'user', content: 'And then?' },
    ]);
    serveEvents(eventsOf(TEXT));
    let text = '';
    for await (const chunk of await model.stream('Hi')) text += chunk.text;
    expect(text).toBe('Hello world');
  });
});
