/**
 * The built-in `local` model answers like OpenAI's API: the same request always gets the same
 * answer, usage is exact (counted with the tokenizer the service meters with), the output limit,
 * `stop`, `seed` and `n` are honoured, a stream adds up to the answer, and an abort stops it; the
 * router sends `local` to it and other models to the upstream at LLM_BASE_URL, or nowhere. JSON
 * modes and tools: local-model-outputs.spec.ts.
 */
import { AppError } from '../../src/common/app-error.js';
import type { ChatAnswer, ChatChunk, ChatRequest } from '../../src/completions/chat-api.js';
import { LlmUpstream, UpstreamFailed } from '../../src/completions/llm-upstream.js';
import { LOCAL_REPLY_TOKENS, LocalModel } from '../../src/completions/local-model.js';
import { ModelRouter } from '../../src/completions/model-router.js';
import { countTokens, estimatePromptTokens } from '../../src/completions/tokenizer.js';
import { longestBlockDuring, randomWord } from '../support/event-loop.js';
import { collect, LOCAL_REQUEST, streamedTexts, textOf } from '../support/local-model.js';

const REQUEST = LOCAL_REQUEST;
const PROMPT_TOKENS = estimatePromptTokens(REQUEST.messages as { role: string; content: string }[]);
const withoutTime = ({ created: _created, ...answer }: ChatAnswer) => answer;

describe('LocalModel', () => {
  const model = new LocalModel();

  it('serves the model id local only', () => {
    expect([model.serves('local'), model.serves('gpt-4o-mini'), model.serves('Local')]).toEqual([true, false, false]);
  });

  it('answers the same request the same way, every time and on every instance', async () => {
    const first = withoutTime(await model.complete(REQUEST));
    expect(withoutTime(await model.complete(REQUEST))).toEqual(first);
    expect(withoutTime(await new LocalModel().complete(structuredClone(REQUEST)))).toEqual(first);
    const other = await model.complete({ ...REQUEST, messages: [{ role: 'user', content: 'Something else entirely' }] });
    expect(textOf(other)).not.toBe(first.choices[0].message.content);
  });

  it("answers OpenAI's ChatCompletion: the user's last words, up to LOCAL_REPLY_TOKENS tokens, finish reason stop", async () => {
    const answer = await model.complete(REQUEST);
    expect(answer).toMatchObject({ object: 'chat.completion', model: 'local', created: expect.any(Number) });
    expect(answer.id).toMatch(/^chatcmpl-local-[0-9a-f]{24}$/);
    expect(answer.choices).toEqual([
      {
        index: 0,
        finish_reason: 'stop',
        logprobs: null,
        message: { role: 'assistant', content: expect.any(String), refusal: null, annotations: [] },
      },
    ]);
    const text = textOf(answer);
    expect(text.startsWith('Local model reply: How long does cold brew steep? How long')).toBe(true);
    expect(countTokens(text)).toBeLessThanOrEqual(LOCAL_REPLY_TOKENS);
    // Filled up to the cap: one more word would not have fitted.
    expect(countTokens(`${text} steep?`)).toBeGreaterThan(LOCAL_REPLY_TOKENS);
  });

  it('reports exact usage: the prompt estimate and the tokens of the reply, counted with the tokenizer', async () => {
    const answer = await model.complete(REQUEST);
    const completion = countTokens(textOf(answer));
    expect(answer.usage).toEqual({ prompt_tokens: PROMPT_TOKENS, completion_tokens: completion, total_tokens: PROMPT_TOKENS + completion });
  });

  it.each([1, 2, 5, 13, LOCAL_REPLY_TOKENS - 1])(
    'keeps within max_completion_tokens %i (finish reason length) and still reports exact usage',
    async (limit) => {
      const answer = await model.complete({ ...REQUEST, max_completion_tokens: limit });
      expect(answer.choices[0].finish_reason).toBe('length');
      expect(textOf(answer).length).toBeGreaterThan(0);
      expect(answer.usage!.completion_tokens).toBe(countTokens(textOf(answer)));
      expect(answer.usage!.completion_tokens).toBeLessThanOrEqual(limit);
      expect(textOf(await model.complete(REQUEST)).startsWith(textOf(answer))).toBe(true);
    },
  );

  it('has finish reason stop when the limit does not cut the reply', async () => {
    const exactlyEnough = await model.complete({ ...REQUEST, max_completion_tokens: LOCAL_REPLY_TOKENS });
    const unlimited = await model.complete(REQUEST);
    expect(exactlyEnough.choices).toEqual(unlimited.choices);
    expect(unlimited.choices[0].finish_reason).toBe('stop');
  });

  it('answers a request without a usable user message, reads text content parts, and cuts very long words', async () => {
    const none = await model.complete({ ...REQUEST, messages: [{ role: 'system', content: 'Only a system prompt.' }] });
    expect(textOf(none).startsWith('Local model reply: (no words to echo)')).toBe(true);
    const parts = await model.complete({
      ...REQUEST,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
            { type: 'text', text: 'shown here?' },
          ],
        },
      ],
    });
    expect(textOf(parts).startsWith('Local model reply: What is shown here? What')).toBe(true);
    const long = await model.complete({ ...REQUEST, messages: [{ role: 'user', content: `${'x'.repeat(10_000)} tail` }] });
    expect(textOf(long).startsWith(`Local model reply: ${'x'.repeat(24)} tail`)).toBe(true);
    const special = await model.complete({ ...REQUEST, messages: [{ role: 'user', content: '<|endoftext|> <|im_start|>' }] });
    expect(special.usage!.completion_tokens).toBe(countTokens(textOf(special)));
  });

  it('answers a message of one 200,000-character word, or of 100,000 short words, without holding the event loop over 50 ms', async () => {
    for (const content of [randomWord(200_000, 5), 'ab '.repeat(66_000)]) {
      const request: ChatRequest = { ...REQUEST, messages: [{ role: 'user', content }] };
      const { result, ...longest } = await longestBlockDuring(() => model.complete(request));
      expect(textOf(result).startsWith(`Local model reply: ${content.slice(0, 24).trim()} `)).toBe(true);
      expect(result.usage!.prompt_tokens).toBe(estimatePromptTokens([{ role: 'user', content }]));
      expect(longest.cpuMs).toBeLessThanOrEqual(50);
      expect(longest.withGc.cpuMs).toBeLessThan(250);
    }
  });

  it('ends before the first stop string, which is left out (finish reason stop); a stop string that never occurs changes nothing', async () => {
    const whole = textOf(await model.complete(REQUEST));
    const stopped = await model.complete({ ...REQUEST, stop: ' cold' });
    expect(stopped.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'Local model reply: How long does' } });
    expect(stopped.usage!.completion_tokens).toBe(countTokens('Local model reply: How long does'));
    const several = await model.complete({ ...REQUEST, stop: ['steep', 'long'] });
    expect(textOf(several)).toBe('Local model reply: How ');
    const never = await model.complete({ ...REQUEST, stop: ['zebra'], max_completion_tokens: 5 });
    expect(never.choices[0].finish_reason).toBe('length');
    expect(whole.startsWith(textOf(never))).toBe(true);
  });

  it('gives the same text for the same seed and input, other texts for other seeds', async () => {
    const seeded = async (seed: number) => textOf(await model.complete({ ...REQUEST, seed }));
    expect(await seeded(7)).toBe(await seeded(7));
    const texts = await Promise.all([1, 2, 3, 4, 5].map(seeded));
    expect(new Set(texts).size).toBe(5);
    for (const text of texts) {
      expect(text.startsWith('Local model reply:')).toBe(true);
      expect(countTokens(text)).toBeLessThanOrEqual(LOCAL_REPLY_TOKENS);
      expect(text.split(' ').slice(3, 9).sort()).toEqual(['How', 'brew', 'cold', 'does', 'long', 'steep?']);
    }
  });

  it('answers n choices, each within the limit, choice i as seed + i would, with usage counting all of them', async () => {
    const answer = await model.complete({ ...REQUEST, n: 3, seed: 40, max_completion_tokens: 12 });
    expect(answer.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
    expect(new Set(answer.choices.map((choice) => choice.message.content)).size).toBe(3);
    for (const [index, choice] of answer.choices.entries()) {
      expect(countTokens(choice.message.content!)).toBeLessThanOrEqual(12);
      expect(choice.message.content).toBe(textOf(await model.complete({ ...REQUEST, seed: 40 + index, max_completion_tokens: 12 })));
    }
    const completion = answer.choices.reduce((sum, choice) => sum + countTokens(choice.message.content!), 0);
    expect(answer.usage).toEqual({ prompt_tokens: PROMPT_TOKENS, completion_tokens: completion, total_tokens: PROMPT_TOKENS + completion });
    const unseeded = await model.complete({ ...REQUEST, n: 2 });
    expect(unseeded.choices[0].message.content).toBe(textOf(await model.complete(REQUEST)));
    expect(unseeded.choices[1].message.content).not.toBe(unseeded.choices[0].message.content);
  });
});

describe('LocalModel: streams', () => {
  const model = new LocalModel();

  it('streams the same text word by word, a finish chunk, then a usage chunk with no choices', async () => {
    for (const max_completion_tokens of [1024, 7]) {
      const whole = await model.complete({ ...REQUEST, max_completion_tokens });
      const chunks = await collect(model.stream({ ...REQUEST, max_completion_tokens }));
      for (const chunk of chunks) expect(chunk).toMatchObject({ id: whole.id, object: 'chat.completion.chunk', model: 'local' });
      const deltas = chunks.slice(0, -2).map((chunk) => chunk.choices[0]);
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas[0].delta).toEqual({ role: 'assistant', content: 'Local' });
      expect(deltas.every((choice) => choice.finish_reason === null && choice.delta.content!.length > 0)).toBe(true);
      expect(deltas.slice(1).every((choice) => /^ \S+$/.test(choice.delta.content!))).toBe(true);
      expect(streamedTexts(chunks)).toEqual([textOf(whole)]);
      expect(chunks.at(-2)!.choices).toEqual([{ index: 0, delta: {}, finish_reason: whole.choices[0].finish_reason, logprobs: null }]);
      expect(chunks.at(-1)).toMatchObject({ choices: [], usage: whole.usage });
    }
  });

  it('stops at once when the signal aborts: UpstreamFailed aborted', async () => {
    const controller = new AbortController();
    const seen: ChatChunk[] = [];
    const stream = async () => {
      for await (const chunk of model.stream(REQUEST, controller.signal)) {
        seen.push(chunk);
        if (seen.length === 3) controller.abort();
      }
    };
    await expect(stream()).rejects.toMatchObject({ kind: 'aborted', code: 'UPSTREAM_FAILED' });
    expect(seen).toHaveLength(3);
    await expect(model.complete(REQUEST, controller.signal)).rejects.toBeInstanceOf(UpstreamFailed);
  });

  it('waits chunkDelayMs between chunks when told to, and an abort ends the wait', async () => {
    const slow = new LocalModel({ chunkDelayMs: 40 });
    const started = Date.now();
    const chunks = await collect(slow.stream({ ...REQUEST, max_completion_tokens: 5 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(40 * (chunks.length - 1) - 5);

    const controller = new AbortController();
    const glacial = new LocalModel({ chunkDelayMs: 60_000 });
    setTimeout(() => controller.abort(), 50);
    const waited = Date.now();
    await expect(collect(glacial.stream(REQUEST, controller.signal))).rejects.toMatchObject({ kind: 'aborted' });
    expect(Date.now() - waited).toBeLessThan(5_000);
  });
});

describe('ModelRouter (the LlmUpstream binding)', () => {
  /** An OpenAI-compatible upstream that serves everything and answers with its name. */
  class NamedUpstream extends LlmUpstream {
    constructor(private readonly name = 'the upstream') {
      super();
    }
    serves(): boolean {
      return true;
    }
    async complete(request: ChatRequest): Promise<ChatAnswer> {
      return {
        id: 'remote',
        object: 'chat.completion',
        created: 0,
        model: request.model,
        choices: [
          { index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content: `from ${this.name}`, refusal: null } },
        ],
      };
    }
    async *stream(request: ChatRequest): AsyncGenerator<ChatChunk> {
      const base = { id: 'remote', object: 'chat.completion.chunk' as const, created: 0, model: request.model };
      yield { ...base, choices: [{ index: 0, delta: { content: `from ${this.name}` }, finish_reason: null }] };
      yield { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] };
    }
  }
  const routerWith = (...names: string[]) =>
    new ModelRouter(new LocalModel(), new Map(names.map((name) => [name, new NamedUpstream(name)])));

  it('sends local to the local model and every other model to the upstream at LLM_BASE_URL (default)', async () => {
    const router = routerWith('default');
    expect([router.serves('local'), router.serves('gpt-4o-mini')]).toEqual([true, true]);
    expect(textOf(await router.complete(REQUEST))).toMatch(/^Local model reply:/);
    expect(textOf(await router.complete({ ...REQUEST, model: 'gpt-4o-mini' }))).toBe('from default');
    expect(streamedTexts(await collect(router.stream({ ...REQUEST, model: 'gpt-4o-mini' })))).toEqual(['from default']);
    expect((await collect(router.stream(REQUEST)))[0].choices[0].delta.content).toBe('Local');
  });

  it('without LLM_BASE_URL serves local only: other models are NOT_FOUND', async () => {
    const router = routerWith();
    expect([router.serves('local'), router.serves('gpt-4o-mini')]).toEqual([true, false]);
    await expect(router.complete({ ...REQUEST, model: 'gpt-4o-mini' })).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await expect(collect(router.stream({ ...REQUEST, model: 'gpt-4o-mini' }))).rejects.toBeInstanceOf(AppError);
  });

  it("routes a model's row to the upstream it names; a row naming none goes where the id alone would", async () => {
    const router = routerWith('default', 'hosted', 'vllm');
    expect(router.names).toEqual(['default', 'hosted', 'local', 'vllm']);
    const answerOf = async (model: string, upstream: string | null) =>
      (await router.upstreamFor({ model, upstream }).complete({ ...REQUEST, model })).choices[0].message.content;
    expect(await answerOf('llama', 'vllm')).toBe('from vllm');
    expect(await answerOf('gpt-4o', 'hosted')).toBe('from hosted');
    expect(await answerOf('gpt-4o', null)).toBe('from default');
    expect(await answerOf('local', null)).toMatch(/^Local model reply:/);
    expect(router.routeOf({ model: 'local', upstream: null })).toBe('local');
  });

  it('does not serve a row whose upstream is not configured here, nor another model on the local upstream', () => {
    const router = routerWith('hosted');
    for (const route of [
      { model: 'llama', upstream: 'vllm' },
      { model: 'gpt-4o', upstream: null },
      { model: 'gpt-4o', upstream: 'local' },
    ]) {
      expect(router.serves(route)).toBe(false);
      expect(() => router.upstreamFor(route)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    }
    expect(router.serves({ model: 'gpt-4o', upstream: 'hosted' })).toBe(true);
  });

  it('lets an admin map a model only to a configured upstream, and the local upstream only to the built-in model', () => {
    const router = routerWith('default', 'hosted');
    expect(router.refusalToMap('gpt-4o', 'hosted')).toBeNull();
    expect(router.refusalToMap('gpt-4o', 'default')).toBeNull();
    expect(router.refusalToMap('local', 'local')).toBeNull();
    expect(router.refusalToMap('gpt-4o', 'vllm')).toBe('upstream must be one of the configured upstreams: default, hosted');
    expect(router.refusalToMap('gpt-4o', 'local')).toMatch(/only the built-in model "local"/);
    expect(router.refusalToMap('local', 'hosted')).toMatch(/only the built-in model "local"/);
    expect(routerWith().refusalToMap('gpt-4o', 'vllm')).toMatch(/configured upstreams: none \(set LLM_BASE_URL or LLM_UPSTREAMS\)/);
  });
});
