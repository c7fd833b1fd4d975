import type OpenAI from 'openai';
import type { CountedMessage } from '../tokenizer.js';

type MessageParam = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/** A content part a model reads as text: `text` parts, and an assistant's `refusal` parts. */
interface TextLikePart {
  type: string;
  text?: unknown;
  refusal?: unknown;
}

/**
 * The text parts of a message's content, in order: the whole string, or the `text` (and `refusal`)
 * parts of a parts array; images, audio and files have none.
 */
export function* textPartsOf(content: unknown): Generator<string> {
  if (typeof content === 'string') {
    yield content;
    return;
  }
  if (!Array.isArray(content)) return;
  for (const part of content as TextLikePart[]) {
    if (typeof part?.text === 'string') yield part.text;
    else if (typeof part?.refusal === 'string') yield part.refusal;
  }
}

/**
 * A message as the token estimate counts it (estimatePromptTokens): its role, its text (text parts
 * joined; an assistant's tool calls as their names and arguments) and its name.
 */
export function countedMessageOf(message: MessageParam): CountedMessage {
  const texts = [...textPartsOf(message.content)];
  if (message.role === 'assistant') {
    for (const call of message.tool_calls ?? []) {
      if (call.type === 'function') texts.push(call.function.name, call.function.arguments);
      else texts.push(call.custom.name, call.custom.input);
    }
    if (message.function_call) texts.push(message.function_call.name, message.function_call.arguments);
  }
  const name = 'name' in message && typeof message.name === 'string' ? message.name : undefined;
  return { role: message.role, content: texts.join('\n'), ...(name === undefined ? {} : { name }) };
}
