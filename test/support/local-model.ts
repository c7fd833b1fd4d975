import type { ChatAnswer, ChatChunk, ChatRequest } from '../../src/completions/chat-api.js';
import { LOCAL_MODEL_ID } from '../../src/completions/local-model.js';

/** A conversation for the built-in model, ending with the user's question. */
export const LOCAL_REQUEST: ChatRequest = {
  model: LOCAL_MODEL_ID,
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Tell me about cold brew coffee, please.' },
    { role: 'assistant', content: 'It is brewed cold.' },
    { role: 'user', content: 'How long does cold brew steep?' },
  ],
  max_completion_tokens: 1024,
};

/** Every chunk of a stream. */
export async function collect(chunks: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const all: ChatChunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

/** The content of choice `index` of an answer ('' for a tool call). */
export const textOf = (answer: ChatAnswer, index = 0): string => answer.choices[index].message.content ?? '';

/** The content (or tool call arguments) each choice of a stream added up to. */
export function streamedTexts(chunks: ChatChunk[]): string[] {
  const texts: string[] = [];
  for (const { choices } of chunks) {
    for (const { index, delta } of choices) {
      texts[index] = (texts[index] ?? '') + (delta.content ?? '') + (delta.tool_calls?.[0]?.function?.arguments ?? '');
    }
  }
  return texts;
}
