import type OpenAI from 'openai';

/**
 * OpenAI's Chat Completions API, as the upstreams speak it. A request arrives validated where
 * metering needs it (model, messages, output limit, n) and carries every other field the client
 * sent, unchanged; `max_completion_tokens` is always set to the output limit in effect.
 */
export type ChatRequest = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
/** An answer as the upstream gave it (`usage` may be missing: count with the tokenizer then). */
export type ChatAnswer = OpenAI.Chat.Completions.ChatCompletion;
/** One chunk of a streamed answer as the upstream sent it; the usage chunk (no choices) comes last when reported. */
export type ChatChunk = OpenAI.Chat.Completions.ChatCompletionChunk;
