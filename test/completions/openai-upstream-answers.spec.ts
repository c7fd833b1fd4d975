/**
 * OpenAiUpstream hands back what the server answered, as it answered it: tool calls and every choice,
 * whole or as stream deltas; an answer that is not a chat completion is `malformed`; and a refusal
 * keeps what the server said about the request (its message and param) for a caller to relay.
 */
import { Logger } from '@nestjs/common';
import type { ChatChunk, ChatRequest } from '../../src/completions/chat-api.js';
import { UpstreamFailed } from '../../src/completions/llm-upstream.js';
import { OpenAiUpstream } from '../../src/completions/openai.upstream.js';
import { FakeOpenAi } from '../support/fake-openai.js';

const REQUEST: ChatRequest = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Weather in Paris?' }],
  max_completion_tokens: 100,
  n: 1,
};

async function collect(chunks: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const all: ChatChunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

async function failureOf(run: () => Promise<unknown>): Promise<UpstreamFailed> {
  const error = await run().then(
    () => new Error('expected an UpstreamFailed, but it succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamFailed);
  return error as UpstreamFailed;
}

const kindAndStatus = (error: UpstreamFailed) => [error.kind, error.upstreamStatus, error.status];

describe('OpenAiUpstream answers as the server gave them', () => {
  const fake = new FakeOpenAi();
  let upstream: OpenAiUpstream;

  beforeAll(async () => {
    // Each failure is logged at warn level, by design; the log is not what this suite checks.
    Logger.overrideLogger(['error', 'fatal']);
    upstream = new OpenAiUpstream({ baseURL: await fake.start(), apiKey: 'sk-test' });
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  it('answers tool calls and every choice as the upstream gave them', async () => {
    fake.next({ kind: 'toolCall', name: 'get_weather', arguments: '{"city":"Paris"}' });
    const result = await upstream.complete({ ...REQUEST, n: 2 });
    expect(result.choices.map((choice) => [choice.index, choice.finish_reason, choice.message.tool_calls])).toEqual(
      [0, 1].map((index) => [
        index,
        'tool_calls',
        [{ id: 'call_fake1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      ]),
    );
  });

  it('fails with kind malformed when the answer is not a chat completion', async () => {
    fake.next({ kind: 'answer', body: { hello: 'world' } });
    expect(kindAndStatus(await failureOf(() => upstream.complete(REQUEST)))).toEqual(['malformed', null, 502]);
  });

  it('keeps what the upstream said about a request it refused (message and param), for the caller to relay', async () => {
    fake.next({ kind: 'fail', status: 400, message: 'Unrecognized request argument supplied: foo', param: 'foo' });
    const error = await failureOf(() => upstream.complete(REQUEST));
    expect([kindAndStatus(error), error.complaint]).toEqual([
      ['error', 400, 502],
      { message: 'Unrecognized request argument supplied: foo', param: 'foo' },
    ]);
  });

  it('passes tool call deltas and the choices after the first through unchanged', async () => {
    fake.next({ kind: 'toolCall', name: 'get_weather', arguments: '{"city":"Paris"}' });
    const chunks = await collect(upstream.stream({ ...REQUEST, n: 2 }));
    const deltas = chunks.flatMap((chunk) => chunk.choices.filter((choice) => choice.index === 1).map((choice) => choice.delta.tool_calls));
    expect(deltas.filter(Boolean)).toEqual([
      [{ index: 0, id: 'call_fake1', type: 'function', function: { name: 'get_weather', arguments: '{"city":' } }],
      [{ index: 0, function: { arguments: '"Paris"}' } }],
    ]);
    expect(chunks.at(-2)!.choices.map((choice) => choice.finish_reason)).toEqual(['tool_calls', 'tool_calls']);
  });
});
