import type { ChatAnswer, ChatChunk, ChatRequest } from './chat-api.js';
import type { CountedMessage } from './tokenizer.js';

/**
 * The texts of Chat Completions objects that the model reads or writes, for token counts: message
 * content (a string or its text and refusal parts), refusals, and tool calls (name and arguments).
 * Images, audio and files are not text: they are not counted here.
 */

type Loose = Record<string, unknown>;
const isLoose = (value: unknown): value is Loose => typeof value === 'object' && value !== null;
const stringsOf = (...values: unknown[]): string[] => values.filter((value): value is string => typeof value === 'string');

/** The text of a content: itself when a string, else its text and refusal parts. */
export function contentTexts(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  return content.flatMap((part: unknown) => (isLoose(part) ? stringsOf(part.text, part.refusal) : []));
}

/** The names and arguments of tool calls (function and custom) and of a legacy `function_call`. */
function callTexts(toolCalls: unknown, functionCall: unknown): string[] {
  const calls = Array.isArray(toolCalls) ? toolCalls : [];
  const texts = calls.flatMap((call: unknown) => {
    if (!isLoose(call)) return [];
    const fn = isLoose(call.function) ? call.function : {};
    const custom = isLoose(call.custom) ? call.custom : {};
    return stringsOf(fn.name, fn.arguments, custom.name, custom.input);
  });
  return isLoose(functionCall) ? [...texts, ...stringsOf(functionCall.name, functionCall.arguments)] : texts;
}

/** The messages of a request as the tokenizer counts them. */
export function countedMessagesOf(request: Pick<ChatRequest, 'messages'>): CountedMessage[] {
  return request.messages.map((message) => {
    const loose = message as unknown as Loose;
    return {
      role: message.role,
      content: [...contentTexts(loose.content), ...stringsOf(loose.refusal), ...callTexts(loose.tool_calls, loose.function_call)],
      ...(typeof loose.name === 'string' && { name: loose.name }),
    };
  });
}

/** What else of a request the model reads besides its messages: its tool and function definitions, and a JSON schema to answer with. */
export function promptExtrasOf(request: Pick<ChatRequest, 'tools' | 'functions' | 'response_format'>): string[] {
  const loose = request as unknown as Loose;
  const format = isLoose(loose.response_format) ? loose.response_format.json_schema : undefined;
  return [loose.tools, loose.functions, format]
    .filter((value) => value !== undefined && value !== null)
    .map((value) => JSON.stringify(value));
}

/** The texts every choice of an answer generated. */
export function answerTexts(answer: ChatAnswer): string[] {
  return answer.choices.flatMap((choice) => {
    const message = (isLoose(choice.message) ? choice.message : {}) as Loose;
    return [...contentTexts(message.content), ...stringsOf(message.refusal), ...callTexts(message.tool_calls, message.function_call)];
  });
}

/** The texts a chunk adds to its choices. */
export function chunkTexts(chunk: ChatChunk): string[] {
  return chunk.choices.flatMap((choice) => {
    const delta: Loose = isLoose(choice.delta) ? choice.delta : {};
    return [...stringsOf(delta.content, delta.refusal), ...callTexts(delta.tool_calls, delta.function_call)];
  });
}
