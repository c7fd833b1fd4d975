import { Inject, Injectable, Optional } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatAnswer, ChatChunk, ChatRequest } from './chat-api.js';
import { LlmUpstream, UpstreamFailed } from './llm-upstream.js';
import { answerPlanOf } from './local/answer-plan.js';
import { countedMessagesOf, promptExtrasOf } from './chat-texts.js';
import { type AnswerHeader, chatAnswerOf, chatChunksOf, type LocalUsage } from './local/chat-objects.js';
import { type LocalChoice, localChoiceOf } from './local/local-choices.js';
import { countTokensInSlices, estimatePromptTokensInSlices, SLICE_MS } from './tokenizer.js';

export { LOCAL_REPLY_TOKENS } from './local/echo-reply.js';

/** The id of the built-in model (seeded into ai_models by the AiModels migration). */
export const LOCAL_MODEL_ID = 'local';

export interface LocalModelOptions {
  /** Pause between streamed chunks (tests of slow streams and disconnects); default none. */
  chunkDelayMs?: number;
}

/** Injection token of LocalModelOptions (optional). */
export const LOCAL_MODEL_OPTIONS = Symbol('LOCAL_MODEL_OPTIONS');

/** A whole answer before it is dressed as OpenAI's objects. */
interface LocalAnswer {
  header: AnswerHeader;
  choices: LocalChoice[];
  usage: LocalUsage;
}

/**
 * The built-in model `local`: deterministic, offline, free of any network, and answering like
 * OpenAI's API, so the SDKs' helpers for tools and structured output work against it:
 * - text: "Local model reply:" and the words of the last user message, repeated, up to
 *   LOCAL_REPLY_TOKENS tokens; `seed` picks the order of the words (the same seed, the same text);
 * - `response_format` json_object: `{"reply": ...}`; json_schema: JSON valid against the schema
 *   (local/json-value.ts);
 * - a tool call (content null, finish reason `tool_calls`) with arguments valid against the
 *   function's parameters, when `tool_choice` names a function or is `required`, or is `auto` (the
 *   default with tools) and the last message is the user's (local/answer-plan.ts);
 * - `n` choices (choice i draws from seed + i), each within `max_completion_tokens` (finish reason
 *   `length` when cut) and cut before the first `stop` string (finish reason `stop`).
 * Usage is exact: prompt tokens by estimatePromptTokens, completion tokens by countTokens of what
 * the choices generated, the tokenizer this service meters with. A stream has the same answer,
 * piece by piece, each choice's finish chunk, then a usage chunk.
 */
@Injectable()
export class LocalModel extends LlmUpstream {
  private readonly chunkDelayMs: number;

  constructor(@Optional() @Inject(LOCAL_MODEL_OPTIONS) options: LocalModelOptions | null = null) {
    super();
    this.chunkDelayMs = options?.chunkDelayMs ?? 0;
  }

  serves(model: string): boolean {
    return model === LOCAL_MODEL_ID;
  }

  async complete(request: ChatRequest, signal?: AbortSignal, onAccepted?: () => void): Promise<ChatAnswer> {
    if (signal?.aborted) throw UpstreamFailed.aborted(signal.reason);
    const { header, choices, usage } = await this.answer(request);
    onAccepted?.();
    return chatAnswerOf(header, choices, usage);
  }

  async *stream(request: ChatRequest, signal?: AbortSignal, onAccepted?: () => void): AsyncGenerator<ChatChunk> {
    const { header, choices, usage } = await this.answer(request);
    onAccepted?.();
    let index = 0;
    for (const chunk of chatChunksOf(header, choices, usage)) {
      await this.pause(index++, signal);
      yield chunk;
    }
  }

  /** The choices, made one after another with the event loop free between them, and their exact usage. */
  private async answer(request: ChatRequest): Promise<LocalAnswer> {
    const count = request.n ?? 1;
    if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`n must be a positive integer, got ${count}`);
    const plan = answerPlanOf(request);
    const choices: LocalChoice[] = [];
    let completionTokens = 0;
    let started = performance.now();
    for (let index = 0; index < count; index++) {
      if (performance.now() - started >= SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        started = performance.now();
      }
      const choice = localChoiceOf(request, plan, index);
      choices.push(choice);
      completionTokens += await countTokensInSlices(choice.pieces.join(''));
    }
    const promptTokens = await estimatePromptTokensInSlices(countedMessagesOf(request), promptExtrasOf(request));
    return { header: this.headerOf(request), choices, usage: { promptTokens, completionTokens } };
  }

  private headerOf(request: ChatRequest): AnswerHeader {
    const digest = createHash('sha256').update(JSON.stringify(request)).digest('hex');
    return { id: `chatcmpl-local-${digest.slice(0, 24)}`, created: Math.floor(Date.now() / 1000), model: LOCAL_MODEL_ID };
  }

  /** Checks the signal before a chunk (and waits chunkDelayMs before every one after the first), so an abort stops the stream at once. */
  private async pause(index: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw UpstreamFailed.aborted(signal.reason);
    if (this.chunkDelayMs === 0 || index === 0) return;
    try {
      await sleep(this.chunkDelayMs, undefined, { signal });
    } catch (error) {
      throw UpstreamFailed.aborted(error);
    }
  }
}
