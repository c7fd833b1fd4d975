/**
 * The built-in `local` model: the same request always gets the same answer, usage is exact (counted
 * with the tokenizer the service meters with), the limit is honoured, a stream adds up to the
 * completion, and an abort stops it; the router sends `local` to it and other models to the
 * upstream at LLM_BASE_URL, or nowhere.
 */
import { AppError } from '../../src/common/app-error.js';
import type { ChatAnswer, ChatChunk, ChatRequest } from '../../src/completions/chat-api.js';
import { LlmUpstream, UpstreamFailed } from '../../src/completions/llm-upstream.js';
import { countedMessagesOf } from '../../src/completions/chat-texts.js';
import { LOCAL_MODEL_ID, LOCAL_REPLY_TOKENS, LocalModel } from '../../src/completions/local-model.js';
import { ModelRouter } from '../../src/completions/model-router.js';
import { countTokens, estimatePromptTokens } from '../../src/completions/tokenizer.js';
import { longestBlockDuring, randomWord } from '../support/event-loop.js';

const REQUEST: ChatRequest = {
  model: LOCAL_MODEL_ID,
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Tell me about cold brew coffee, please.' },
    { role: 'assistant', content: 'It is brewed cold.' },
    { role: 'user', content: 'How long does cold brew steep?' },
  ],
  max_completion_tokens: 1024,
  n: 1,
};

async function collect(chunks: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const all: ChatChunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

type Usage = { promptTokens: number; completionTokens: number } | null;
const usageOf = (usage: ChatAnswer['usage'] | null | undefined): Usage =>
  usage ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens } : null;

/** What this suite checks of an answer: its id and model, the text and finish reason of its choice, its usage. */
const summaryOf = (answer: ChatAnswer) => ({
  id: answer.id,
  model: answer.model,
  text: answer.choices[0].message.content ?? '',
  finishReason: answer.choices[0].finish_reason,
  usage: usageOf(answer.usage),
});

/** The local model's answer to a request, as summaryOf reads it. */
const completeWith = async (model: LlmUpstream, request: ChatRequest, signal?: AbortSignal) =>
  summaryOf(await model.complete(request, signal));

/** The text pieces a stream added, its finish reason and its usage. */
const streamedOf = (chunks: ChatChunk[]) => ({
  pieces: chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').filter((text) => text.length > 0),
  finishReason: chunks.map((chunk) => chunk.choices[0]?.finish_reason).find(Boolean) ?? null,
  usage: usageOf(chunks.at(-1)?.usage),
});

describe('LocalModel', () => {
  const model = new LocalModel();

  it('serves the model id local only', () => {
    expect([model.serves('local'), model.serves('gpt-4o-mini'), model.serves('Local')]).toEqual([true, false, false]);
  });

  it('answers the same request the same way, every time and on every instance', async () => {
    const first = await completeWith(model, REQUEST);
    expect(await completeWith(model, REQUEST)).toEqual(first);
    expect(await completeWith(new LocalModel(), structuredClone(REQUEST))).toEqual(first);
    expect((await completeWith(model, { ...REQUEST, messages: [{ role: 'user', content: 'Something else entirely' }] })).text).not.toBe(
      first.text,
    );
  });

  it('replies with the words of the last user message, up to LOCAL_REPLY_TOKENS tokens, finish reason stop', async () => {
    const result = await completeWith(model, REQUEST);
    expect(result.text.startsWith('Local model reply: How long does cold brew steep? How long')).toBe(true);
    expect(result).toMatchObject({ model: 'local', finishReason: 'stop' });
    expect(result.id).toMatch(/^chatcmpl-local-[0-9a-f]{24}$/);
    expect(countTokens(result.text)).toBeLessThanOrEqual(LOCAL_REPLY_TOKENS);
    // Filled up to the cap: one more word would not have fitted.
    expect(countTokens(`${result.text} steep?`)).toBeGreaterThan(LOCAL_REPLY_TOKENS);
  });

  it('reports exact usage: the prompt estimate and the tokens of the reply, counted with the tokenizer', async () => {
    const result = await completeWith(model, REQUEST);
    expect(result.usage).toEqual({
      promptTokens: estimatePromptTokens(countedMessagesOf(REQUEST)),
      completionTokens: countTokens(result.text),
    });
  });

  it.each([1, 2, 5, 13, LOCAL_REPLY_TOKENS - 1])(
    'keeps within maxTokens %i (finish reason length) and still reports exact usage',
    async (maxTokens) => {
      const result = await completeWith(model, { ...REQUEST, max_completion_tokens: maxTokens });
      expect(result.finishReason).toBe('length');
      expect(result.text.length).toBeGreaterThan(0);
      expect(result.usage!.completionTokens).toBe(countTokens(result.text));
      expect(result.usage!.completionTokens).toBeLessThanOrEqual(maxTokens);
      expect((await completeWith(model, REQUEST)).text.startsWith(result.text)).toBe(true);
    },
  );

  it('has finish reason stop when the limit does not cut the reply', async () => {
    const { id: _id, ...exactlyEnough } = await completeWith(model, { ...REQUEST, max_completion_tokens: LOCAL_REPLY_TOKENS });
    const { id: _other, ...unlimited } = await completeWith(model, REQUEST);
    expect(exactlyEnough).toEqual(unlimited);
    expect(unlimited.finishReason).toBe('stop');
  });

  it('answers a request without a usable user message, and cuts very long words', async () => {
    const none = await completeWith(model, { ...REQUEST, messages: [{ role: 'system', content: 'Only a system prompt.' }] });
    expect(none.text.startsWith('Local model reply: (no words to echo)')).toBe(true);
    const long = await completeWith(model, { ...REQUEST, messages: [{ role: 'user', content: `${'x'.repeat(10_000)} tail` }] });
    expect(long.text.startsWith(`Local model reply: ${'x'.repeat(24)} tail`)).toBe(true);
    const special = await completeWith(model, { ...REQUEST, messages: [{ role: 'user', content: '<|endoftext|> <|im_start|>' }] });
    expect(special.usage!.completionTokens).toBe(countTokens(special.text));
  });

  it('answers a message of one 200,000-character word, or of 100,000 short words, without holding the event loop over 50 ms', async () => {
    for (const content of [randomWord(200_000, 5), 'ab '.repeat(66_000)]) {
      const request = { ...REQUEST, messages: [{ role: 'user' as const, content }] };
      const { result, ...longest } = await longestBlockDuring(() => completeWith(model, request));
      expect(result.text.startsWith(`Local model reply: ${content.slice(0, 24).trim()} `)).toBe(true);
      expect(result.usage!.promptTokens).toBe(estimatePromptTokens(countedMessagesOf(request)));
      expect(longest.cpuMs).toBeLessThanOrEqual(50);
      expect(longest.withGc.cpuMs).toBeLessThan(250);
    }
  });

  it('streams the same text word by word, then the finish reason, then the same usage', async () => {
    for (const maxTokens of [1024, 7]) {
      const whole = await completeWith(model, { ...REQUEST, max_completion_tokens: maxTokens });
      const chunks = await collect(model.stream({ ...REQUEST, max_completion_tokens: maxTokens }));
      const { pieces, finishReason, usage } = streamedOf(chunks);
      expect(pieces.length).toBeGreaterThan(1);
      expect(chunks.slice(0, pieces.length).every((chunk) => chunk.choices[0].finish_reason === null && !chunk.usage)).toBe(true);
      expect(pieces.join('')).toBe(whole.text);
      expect(pieces.slice(1).every((text) => /^ \S+$/.test(text))).toBe(true);
      expect({ finishReason, usage }).toEqual({ finishReason: whole.finishReason, usage: whole.usage });
      expect(chunks.at(-1)!.choices).toEqual([]);
    }
  });

  it('answers n identical choices, and usage counts them all', async () => {
    const one = await model.complete(REQUEST);
    const three = await model.complete({ ...REQUEST, n: 3 });
    expect(three.choices.map((choice) => [choice.index, choice.message.content])).toEqual(
      [0, 1, 2].map((index) => [index, one.choices[0].message.content]),
    );
    expect(three.usage).toMatchObject({ prompt_tokens: one.usage!.prompt_tokens, completion_tokens: 3 * one.usage!.completion_tokens });
    const chunks = await collect(model.stream({ ...REQUEST, n: 3 }));
    expect(chunks.at(-1)!.usage).toEqual(three.usage);
    expect(chunks[0].choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
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

  it('waits chunkDelayMs between pieces when told to, and an abort ends the wait', async () => {
    const slow = new LocalModel({ chunkDelayMs: 40 });
    const started = Date.now();
    const chunks = await collect(slow.stream({ ...REQUEST, max_completion_tokens: 5 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(40 * streamedOf(chunks).pieces.length - 5);

    const controller = new AbortController();
    const glacial = new LocalModel({ chunkDelayMs: 60_000 });
    setTimeout(() => controller.abort(), 50);
    const waited = Date.now();
    await expect(collect(glacial.stream(REQUEST, controller.signal))).rejects.toMatchObject({ kind: 'aborted' });
    expect(Date.now() - waited).toBeLessThan(5_000);
  });
});

describe('ModelRouter (the LlmUpstream binding)', () => {
  /** An upstream at LLM_BASE_URL that serves everything and answers with its name. */
  class NamedUpstream extends LlmUpstream {
    serves(): boolean {
      return true;
    }
    async complete(request: ChatRequest): Promise<ChatAnswer> {
      const message = { role: 'assistant' as const, content: 'from the upstream', refusal: null };
      return {
        id: 'remote',
        object: 'chat.completion',
        created: 0,
        model: request.model,
        choices: [{ index: 0, message, finish_reason: 'stop', logprobs: null }],
      };
    }
    async *stream(): AsyncGenerator<ChatChunk> {
      yield {
        id: 'remote',
        object: 'chat.completion.chunk',
        created: 0,
        model: 'x',
        choices: [{ index: 0, delta: { content: 'from the upstream' }, finish_reason: null }],
      };
      yield {
        id: 'remote',
        object: 'chat.completion.chunk',
        created: 0,
        model: 'x',
        choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
      };
    }
  }

  it('sends local to the local model and every other model to the upstream at LLM_BASE_URL', async () => {
    const router = new ModelRouter(new LocalModel(), new NamedUpstream());
    expect([router.serves('local'), router.serves('gpt-4o-mini')]).toEqual([true, true]);
    expect((await completeWith(router, REQUEST)).text).toMatch(/^Local model reply:/);
    expect((await completeWith(router, { ...REQUEST, model: 'gpt-4o-mini' })).text).toBe('from the upstream');
    expect(streamedOf(await collect(router.stream({ ...REQUEST, model: 'gpt-4o-mini' }))).pieces[0]).toBe('from the upstream');
    expect(streamedOf(await collect(router.stream(REQUEST))).pieces[0]).toBe('Local');
  });

  it('without LLM_BASE_URL serves local only: other models are NOT_FOUND', async () => {
    const router = new ModelRouter(new LocalModel(), null);
    expect([router.serves('local'), router.serves('gpt-4o-mini')]).toEqual([true, false]);
    await expect(router.complete({ ...REQUEST, model: 'gpt-4o-mini' })).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await expect(collect(router.stream({ ...REQUEST, model: 'gpt-4o-mini' }))).rejects.toBeInstanceOf(AppError);
  });
});
