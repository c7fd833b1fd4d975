import { Inject, Injectable, Optional } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatAnswer, ChatChunk, ChatRequest } from './chat-api.js';
import { contentTexts, countedMessagesOf, promptExtrasOf } from './chat-texts.js';
import { LlmUpstream, UpstreamFailed } from './llm-upstream.js';
import { countTokens, estimatePromptTokensInSlices } from './tokenizer.js';

type FinishReason = 'stop' | 'length';
type ChatMessage = ChatRequest['messages'][number];

/** The id of the built-in model (seeded into ai_models by the AiModels migration). */
export const LOCAL_MODEL_ID = 'local';
/** Length of the local model's reply when the request's limit does not cut it: at most this many tokens. */
export const LOCAL_REPLY_TOKENS = 48;
/** Words of the user's message longer than this are cut, so a long one cannot crowd out the rest. */
const MAX_WORD_LENGTH = 24;
/** The reply's opening words; "Local" is one token, so even a limit of 1 gets a reply. */
const OPENING = ['Local', ' model', ' reply:'];
/** What the reply echoes when there is no user message with words in it. */
const NOTHING_TO_ECHO = ['(no', 'words', 'to', 'echo)'];

export interface LocalModelOptions {
  /** Pause between streamed pieces (tests of slow streams and disconnects); default none. */
  chunkDelayMs?: number;
}

/** Injection token of LocalModelOptions (optional). */
export const LOCAL_MODEL_OPTIONS = Symbol('LOCAL_MODEL_OPTIONS');

/** A word the reply echoes: a run of anything but whitespace. */
const WORD = /\S+/gu;

/**
 * The words of the last user message that has any, each cut to MAX_WORD_LENGTH characters: at most
 * LOCAL_REPLY_TOKENS of them (each echoed word takes at least a token), read without copying a long message or word.
 */
function echoedWords(messages: readonly ChatMessage[]): string[] {
  for (let index = messages.length - 1; index >= 0; index--) {
    if (messages[index].role !== 'user') continue;
    const words: string[] = [];
    for (const [word] of contentTexts(messages[index].content).join(' ').matchAll(WORD)) {
      // MAX_WORD_LENGTH characters are at most twice as many UTF-16 code units.
      words.push(
        Array.from(word.slice(0, 2 * MAX_WORD_LENGTH))
          .slice(0, MAX_WORD_LENGTH)
          .join(''),
      );
      if (words.length === LOCAL_REPLY_TOKENS) break;
    }
    if (words.length > 0) return words;
  }
  return NOTHING_TO_ECHO;
}

/**
 * The pieces of the reply: the opening, then the user's words over and over, as long as the whole
 * text stays within `limit` tokens (counted on the whole text, so the count is exact).
 */
function replyPieces(messages: readonly ChatMessage[], limit: number): string[] {
  const words = echoedWords(messages);
  const pieces: string[] = [];
  let text = '';
  for (let index = 0; ; index++) {
    const piece = index < OPENING.length ? OPENING[index] : ` ${words[(index - OPENING.length) % words.length]}`;
    if (countTokens(text + piece) > limit) return pieces;
    pieces.push(piece);
    text += piece;
  }
}

/**
 * The built-in model `local`: deterministic, offline, free of any network. Its reply is "Local model
 * reply:" followed by the words of the last user message, repeated, up to LOCAL_REPLY_TOKENS tokens
 * or the request's `maxTokens`, whichever is lower (finish reason `length` when the limit cut it,
 * `stop` otherwise). Usage is exact: prompt tokens by estimatePromptTokens (in slices), completion tokens by
 * countTokens of the reply, the tokenizer this service meters with. The same request always gets
 * the same answer, streamed word by word, with usage on the last piece.
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
    const { pieces, finishReason } = this.answer(request);
    onAccepted?.();
    const text = pieces.join('');
    const choices = this.choicesOf(request);
    return {
      id: this.idOf(request),
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: LOCAL_MODEL_ID,
      choices: Array.from({ length: choices }, (_, index) => ({
        index,
        message: { role: 'assistant' as const, content: text, refusal: null },
        finish_reason: finishReason,
        logprobs: null,
      })),
      usage: await this.usageOf(request, text),
    };
  }

  async *stream(request: ChatRequest, signal?: AbortSignal, onAccepted?: () => void): AsyncGenerator<ChatChunk> {
    const { pieces, finishReason } = this.answer(request);
    onAccepted?.();
    const base = {
      id: this.idOf(request),
      object: 'chat.completion.chunk' as const,
      created: Math.floor(Date.now() / 1000),
      model: LOCAL_MODEL_ID,
    };
    const indexes = Array.from({ length: this.choicesOf(request) }, (_, index) => index);
    for (const [index, piece] of pieces.entries()) {
      await this.pause(index, signal);
      const delta = index === 0 ? { role: 'assistant' as const, content: piece } : { content: piece };
      yield { ...base, choices: indexes.map((choice) => ({ index: choice, delta, finish_reason: null, logprobs: null })) };
    }
    await this.pause(pieces.length, signal);
    yield { ...base, choices: indexes.map((choice) => ({ index: choice, delta: {}, finish_reason: finishReason, logprobs: null })) };
    yield { ...base, choices: [], usage: await this.usageOf(request, pieces.join('')) };
  }

  private choicesOf(request: ChatRequest): number {
    return typeof request.n === 'number' && request.n > 1 ? request.n : 1;
  }

  private limitOf(request: ChatRequest): number {
    const limit = request.max_completion_tokens;
    if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1)
      throw new RangeError(`max_completion_tokens must be a positive integer, got ${limit}`);
    return limit;
  }

  private answer(request: ChatRequest): { pieces: string[]; finishReason: FinishReason } {
    const limit = this.limitOf(request);
    const full = replyPieces(request.messages, LOCAL_REPLY_TOKENS);
    if (limit >= LOCAL_REPLY_TOKENS) return { pieces: full, finishReason: 'stop' };
    const pieces = replyPieces(request.messages, limit);
    return { pieces, finishReason: pieces.length < full.length ? 'length' : 'stop' };
  }

  /** Exact usage: the prompt as this service estimates it, and the reply's tokens once per choice. */
  private async usageOf(request: ChatRequest, text: string) {
    const promptTokens = await estimatePromptTokensInSlices(countedMessagesOf(request), promptExtrasOf(request));
    const completionTokens = countTokens(text) * this.choicesOf(request);
    return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  }

  private idOf(request: ChatRequest): string {
    const digest = createHash('sha256')
      .update(JSON.stringify([request.messages, request.max_completion_tokens]))
      .digest('hex');
    return `chatcmpl-local-${digest.slice(0, 24)}`;
  }

  /** Checks the signal before a piece (and waits chunkDelayMs after the first), so an abort stops the stream at once. */
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
