import type OpenAI from 'openai';
import type { ChatAnswer, ChatChunk } from '../chat-api.js';
import type { LocalChoice } from './local-choices.js';

/** What every object of one answer shares. */
export interface AnswerHeader {
  /** `chatcmpl-...` */
  id: string;
  /** Unix seconds. */
  created: number;
  model: string;
}

/** Model tokens of an answer. */
export interface LocalUsage {
  promptTokens: number;
  completionTokens: number;
}

/** The id of the tool call of choice `index`: derived from the answer's id, so the same request gets the same ids. */
export function toolCallIdOf(header: AnswerHeader, index: number): string {
  return `call_${header.id.replace(/^chatcmpl-/, '')}_${index}`;
}

function usageOf({ promptTokens, completionTokens }: LocalUsage): OpenAI.Completions.CompletionUsage {
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

function messageOf(header: AnswerHeader, choice: LocalChoice, index: number): OpenAI.Chat.Completions.ChatCompletionMessage {
  const text = choice.pieces.join('');
  if (choice.toolName === null) return { role: 'assistant', content: text, refusal: null, annotations: [] };
  return {
    role: 'assistant',
    content: null,
    refusal: null,
    annotations: [],
    tool_calls: [{ id: toolCallIdOf(header, index), type: 'function', function: { name: choice.toolName, arguments: text } }],
  };
}

/** The answer as OpenAI's ChatCompletion. */
export function chatAnswerOf(header: AnswerHeader, choices: readonly LocalChoice[], usage: LocalUsage): ChatAnswer {
  return {
    ...header,
    object: 'chat.completion',
    choices: choices.map((choice, index) => ({
      index,
      message: messageOf(header, choice, index),
      finish_reason: choice.finishReason,
      logprobs: null,
    })),
    usage: usageOf(usage),
  };
}

type ChunkChoice = OpenAI.Chat.Completions.ChatCompletionChunk.Choice;
type Delta = OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta;

/** The deltas of one choice: its content piece by piece, or its tool call (name first, then the arguments piece by piece). */
function* deltasOf(header: AnswerHeader, choice: LocalChoice, index: number): Generator<Delta> {
  if (choice.toolName === null) {
    const [first = '', ...rest] = choice.pieces;
    yield { role: 'assistant', content: first };
    for (const piece of rest) yield { content: piece };
    return;
  }
  const call = { id: toolCallIdOf(header, index), type: 'function' as const, function: { name: choice.toolName, arguments: '' } };
  yield { role: 'assistant', content: null, tool_calls: [{ index: 0, ...call }] };
  for (const piece of choice.pieces) yield { tool_calls: [{ index: 0, function: { arguments: piece } }] };
}

/**
 * The answer as OpenAI's stream of ChatCompletionChunks: each choice's deltas and then its finish
 * chunk, choice after choice, then the usage chunk (no choices).
 */
export function* chatChunksOf(header: AnswerHeader, choices: readonly LocalChoice[], usage: LocalUsage): Generator<ChatChunk> {
  const chunk = (choice: ChunkChoice | null): ChatChunk => ({
    ...header,
    object: 'chat.completion.chunk',
    choices: choice ? [choice] : [],
  });
  for (const [index, choice] of choices.entries()) {
    for (const delta of deltasOf(header, choice, index)) yield chunk({ index, delta, finish_reason: null, logprobs: null });
    yield chunk({ index, delta: {}, finish_reason: choice.finishReason, logprobs: null });
  }
  yield { ...chunk(null), usage: usageOf(usage) };
}
