/**
 * The built-in `local` model: the same request always gets the same answer, usage is exact (counted
 * with the tokenizer the service meters with), the limit is honoured, a stream adds up to the
 * completion, and an abort stops it; the router sends `local` to it and other models to the
 * upstream at LLM_BASE_URL, or nowhere.
 */
import { AppError } from '../../src/common/app-error.js';
import {
  LlmUpstream,
  UpstreamFailed,
  type CompletionChunk,
  type CompletionRequest,
  type CompletionResult,
} from '../../src/completions/llm-upstream.js';
import { LOCAL_MODEL_ID, LOCAL_REPLY_TOKENS, LocalModel } from '../../src/completions/local-model.js';
import { ModelRouter } from '../../src/completions/model-router.js';
import { countTokens, estimatePromptTokens } from '../../src/completions/tokenizer.js';
import { longestBlockDuring, randomWord } from '../support/event-loop.js';

const REQUEST: CompletionRequest = {
  model: LOCAL_MODEL_ID,
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Tell me about cold brew coffee, please.' },
    { role: 'assistant', content: 'It is brewed cold.' },
    { role: 'user', content: 'How long does cold brew steep?' },
  ],
  maxTokens: 1024,
};

async function collect(chunks: AsyncIterable<CompletionChunk>): Promise<CompletionChunk[]> {
  const all: CompletionChunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

describe('LocalModel', () => {
  const model = new LocalModel();

  it('serves the model id local only', () => {
    expect([model.serves('local'), model.serves('gpt-4o-mini'), model.serves('Local')]).toEqual([true, false, false]);
  });

  it('answers the same request the same way, every time and on every instance', async () => {
    const first = await model.complete(REQUEST);
    expect(await model.complete(REQUEST)).toEqual(first);
    expect(await new LocalModel().complete(structuredClone(REQUEST))).toEqual(first);
    expect((await model.complete({ ...REQUEST, messages: [{ role: 'user', content: 'Something else entirely' }] })).text).not.toBe(
      first.text,
    );
  });

  it('replies with the words of the last user message, up to LOCAL_REPLY_TOKENS tokens, finish reason stop', async () => {
    const result = await model.complete(REQUEST);
    expect(result.text.startsWith('Local model reply: How long does cold brew steep? How long')).toBe(true);
    expect(result).toMatchObject({ model: 'local', finishReason: 'stop' });
    expect(result.id).toMatch(/^chatcmpl-local-[0-9a-f]{24}$/);
    expect(countTokens(result.text)).toBeLessThanOrEqual(LOCAL_REPLY_TOKENS);
    // Filled up to the cap: one more word would not have fitted.
    expect(countTokens(`${result.text} steep?`)).toBeGreaterThan(LOCAL_REPLY_TOKENS);
  });

  it('reports exact usage: the prompt estimate and the tokens of the reply, counted with the tokenizer', async () => {
    const result = await model.complete(REQUEST);
    expect(result.usage).toEqual({ promptTokens: estimatePromptTokens(REQUEST.messages), completionTokens: countTokens(result.text) });
  });

  it.each([1, 2, 5, 13, LOCAL_REPLY_TOKENS - 1])(
    'keeps within maxTokens %i (finish reason length) and still reports exact usage',
    async (maxTokens) => {
      const result = await model.complete({ ...REQUEST, maxTokens });
      expect(result.finishReason).toBe('length');
      expect(result.text.length).toBeGreaterThan(0);
      expect(result.usage!.completionTokens).toBe(countTokens(result.text));
      expect(result.usage!.completionTokens).toBeLessThanOrEqual(maxTokens);
      expect((await model.complete(REQUEST)).text.startsWith(result.text)).toBe(true);
    },
  );

  it('has finish reason stop when the limit does not cut the reply', async () => {
    const { id: _id, ...exactlyEnough } = await model.complete({ ...REQUEST, maxTokens: LOCAL_REPLY_TOKENS });
    const { id: _other, ...unlimited } = await model.complete(REQUEST);
    expect(exactlyEnough).toEqual(unlimited);
    expect(unlimited.finishReason).toBe('stop');
  });

  it('answers a request without a usable user message, and cuts very long words', async () => {
    const none = await model.complete({ ...REQUEST, messages: [{ role: 'system', content: 'Only a system prompt.' }] });
    expect(none.text.startsWith('Local model reply: (no words to echo)')).toBe(true);
    const long = await model.complete({ ...REQUEST, messages: [{ role: 'user', content: `${'x'.repeat(10_000)} tail` }] });
    expect(long.text.startsWith(`Local model reply: ${'x'.repeat(24)} tail`)).toBe(true);
    const special = await model.complete({ ...REQUEST, messages: [{ role: 'user', content: '<|endoftext|> <|im_start|>' }] });
    expect(special.usage!.completionTokens).toBe(countTokens(special.text));
  });

  it('answers a message of one 200,000-character word, or of 100,000 short words, without holding the event loop over 50 ms', async () => {
    for (const content of [randomWord(200_000, 5), 'ab '.repeat(66_000)]) {
      const request = { ...REQUEST, messages: [{ role: 'user' as const, content }] };
      const { result, ...longest } = await longestBlockDuring(() => model.complete(request));
      expect(result.text.startsWith(`Local model reply: ${content.slice(0, 24).trim()} `)).toBe(true);
      expect(result.usage!.promptTokens).toBe(estimatePromptTokens(request.messages));
      expect(longest.cpuMs).toBeLessThanOrEqual(50);
      expect(longest.withGc.cpuMs).toBeLessThan(250);
    }
  });

  it('streams the same text word by word, then a last piece with the finish reason and the same usage', async () => {
    for (const maxTokens of [1024, 7]) {
      const whole: CompletionResult = await model.complete({ ...REQUEST, maxTokens });
      const chunks = await collect(model.stream({ ...REQUEST, maxTokens }));
      const pieces = chunks.slice(0, -1);
      expect(pieces.length).toBeGreaterThan(1);
      expect(pieces.every((chunk) => chunk.text.length > 0 && chunk.finishReason === null && chunk.usage === null)).toBe(true);
      expect(pieces.map((chunk) => chunk.text).join('')).toBe(whole.text);
      expect(pieces.slice(1).every((chunk) => /^ \S+$/.test(chunk.text))).toBe(true);
      expect(chunks.at(-1)).toEqual({ text: '', finishReason: whole.finishReason, usage: whole.usage });
    }
  });

  it('stops at once when the signal aborts: UpstreamFailed aborted', async () => {
    const controller = new AbortController();
    const seen: CompletionChunk[] = [];
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

  it('waits chunkDelayMs between pieces when told to, and an abort ends the wait', async () => {
    const slow = new LocalModel({ chunkDelayMs: 40 });
    const started = Date.now();
    const chunks = await collect(slow.stream({ ...REQUEST, maxTokens: 5 }));
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
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      return { id: 'remote', model: request.model, text: `from ${this.name}`, finishReason: 'stop', usage: null };
    }
    async *stream(): AsyncGenerator<CompletionChunk> {
      yield { text: `from ${this.name}`, finishReason: null, usage: null };
      yield { text: '', finishReason: 'stop', usage: null };
    }
  }
  const routerWith = (...names: string[]) =>
    new ModelRouter(new LocalModel(), new Map(names.map((name) => [name, new NamedUpstream(name)])));

  it('sends local to the local model and every other model to the upstream at LLM_BASE_URL (default)', async () => {
    const router = routerWith('default');
    expect([router.serves('local'), router.serves('gpt-4o-mini')]).toEqual([true, true]);
    expect((await router.complete(REQUEST)).text).toMatch(/^Local model reply:/);
    expect((await router.complete({ ...REQUEST, model: 'gpt-4o-mini' })).text).toBe('from default');
    expect((await collect(router.stream({ ...REQUEST, model: 'gpt-4o-mini' })))[0].text).toBe('from default');
    expect((await collect(router.stream(REQUEST)))[0].text).toBe('Local');
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
      (await router.upstreamFor({ model, upstream }).complete({ ...REQUEST, model })).text;
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
