import { Inject, Injectable, Optional } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  LlmUpstream,
  UpstreamFailed,
  type ChatMessage,
  type CompletionChunk,
  type CompletionRequest,
  type CompletionResult,
  type FinishReason,
} from './llm-upstream.js';
import { countTokens, estimatePromptTokensInSlices } from './tokenizer.js';

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
    for (const [word] of messages[index].content.matchAll(WORD)) {
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

  async complete(request: CompletionRequest, signal?: AbortSignal, onAccepted?: () => void): Promise<CompletionResult> {
    if (signal?.aborted) throw UpstreamFailed.aborted(signal.reason);
    const { pieces, finishReason } = this.answer(request);
    onAccepted?.();
    const text = pieces.join('');
    return { id: this.idOf(request), model: LOCAL_MODEL_ID, text, finishReason, usage: await this.usageOf(request, text) };
  }

  async *stream(request: CompletionRequest, signal?: AbortSignal, onAccepted?: () => void): AsyncGenerator<CompletionChunk> {
    const { pieces, finishReason } = this.answer(request);
    onAccepted?.();
    for (const [index, piece] of pieces.entries()) {
      await this.pause(index, signal);
      yield { text: piece, finishReason: null, usage: null };
    }
    await this.pause(pieces.length, signal);
    yield { text: '', finishReason, usage: await this.usageOf(request, pieces.join('')) };
  }

  private answer(request: CompletionRequest): { pieces: string[]; finishReason: FinishReason } {
    if (!Number.isSafeInteger(request.maxTokens) || request.maxTokens < 1)
      throw new RangeError(`maxTokens must be a positive integer, got ${request.maxTokens}`);
    const full = replyPieces(request.messages, LOCAL_REPLY_TOKENS);
    if (request.maxTokens >= LOCAL_REPLY_TOKENS) return { pieces: full, finishReason: 'stop' };
    const pieces = replyPieces(request.messages, request.maxTokens);
    return { pieces, finishReason: pieces.length < full.length ? 'length' : 'stop' };
  }

  private async usageOf(request: CompletionRequest, text: string) {
    return { promptTokens: await estimatePromptTokensInSlices(request.messages), completionTokens: countTokens(text) };
  }

  private idOf(request: CompletionRequest): string {
    const digest = createHash('sha256')
      .update(JSON.stringify([request.messages, request.maxTokens]))
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
