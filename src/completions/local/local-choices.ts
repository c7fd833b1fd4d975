import { O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/esm/encodingParams/constants';
import type { ChatRequest } from '../chat-api.js';
import type { AnswerPlan } from './answer-plan.js';
import { echoedWords, LOCAL_REPLY_TOKENS, replyPieces } from './echo-reply.js';
import { jsonTextOf } from './json-value.js';
import { choiceRandom } from './seeded-random.js';
import { cutAtStop, cutToTokens, type Cut } from './text-cuts.js';

/** One choice of the built-in model's answer, before it is dressed as OpenAI's objects. */
export interface LocalChoice {
  /** What the model generated (the content, or the tool call's arguments), in the pieces it streams them in. */
  pieces: string[];
  /** The function called, when the choice is a tool call. */
  toolName: string | null;
  finishReason: 'stop' | 'length' | 'tool_calls';
}

/** The output limit the request carries (`max_completion_tokens`, else `max_tokens`): a positive integer. */
export function outputLimitOf(request: ChatRequest): number {
  const limit = request.max_completion_tokens ?? request.max_tokens;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1)
    throw new RangeError(`max_completion_tokens must be a positive integer, got ${limit}`);
  return limit;
}

/** `text` in its pre-tokenized pieces (words with their leading space, punctuation runs): how a JSON answer streams. */
function piecesOf(text: string): string[] {
  return Array.from(text.matchAll(O200K_TOKEN_SPLIT_REGEX), ([piece]) => piece);
}

/** The first `length` characters of the pieces' text, in the same pieces (the last one cut). */
function piecesUpTo(pieces: readonly string[], length: number): string[] {
  const kept: string[] = [];
  let left = length;
  for (const piece of pieces) {
    if (left <= 0) break;
    kept.push(piece.slice(0, left));
    left -= piece.length;
  }
  return kept;
}

/** The finish of content cut by the output limit (`limited`), then at the first stop string. */
function contentChoice(pieces: readonly string[], limited: Cut, request: ChatRequest): LocalChoice {
  const stopped = cutAtStop(limited.text, request.stop);
  return {
    pieces: piecesUpTo(pieces, stopped.text.length),
    toolName: null,
    finishReason: stopped.cut || !limited.cut ? 'stop' : 'length',
  };
}

/**
 * Choice `index` of the built-in model's answer to `request`. Its random source (json-value, the
 * order of echoed words) is the request's seed plus the index; text without a seed keeps the
 * message's word order in choice 0, so unseeded requests answer as they always have.
 */
export function localChoiceOf(request: ChatRequest, plan: AnswerPlan, index: number): LocalChoice {
  const limit = outputLimitOf(request);
  const seeded = request.seed !== null && request.seed !== undefined;
  const random = () => choiceRandom(request.seed, index);
  const textRandom = () => (seeded || index > 0 ? random() : null);
  if (plan.kind === 'tool') {
    const limited = cutToTokens(jsonTextOf(plan.parameters, random()), limit);
    return { pieces: piecesOf(limited.text), toolName: plan.name, finishReason: limited.cut ? 'length' : 'tool_calls' };
  }
  const words = echoedWords(request.messages);
  if (plan.kind === 'json') {
    const json =
      plan.schema === null
        ? JSON.stringify({ reply: replyPieces(words, LOCAL_REPLY_TOKENS, textRandom()).join('') })
        : jsonTextOf(plan.schema, random());
    const limited = cutToTokens(json, limit);
    return contentChoice(piecesOf(limited.text), limited, request);
  }
  const full = replyPieces(words, LOCAL_REPLY_TOKENS, textRandom());
  const pieces = limit >= LOCAL_REPLY_TOKENS ? full : replyPieces(words, limit, textRandom());
  return contentChoice(pieces, { text: pieces.join(''), cut: pieces.length < full.length }, request);
}
