import type OpenAI from 'openai';
import { arrayAt, type Fields, invalid, isAbsent, objectAt, oneOf, optional, stringAt } from './request-fields.js';

type ChatMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type ChatAssistantMessage = OpenAI.Chat.Completions.ChatCompletionAssistantMessageParam;
type ChatContentPart = OpenAI.Chat.Completions.ChatCompletionContentPart;
type ChatTextPart = OpenAI.Chat.Completions.ChatCompletionContentPartText;

/** Bounds of a request's input (the body limit bounds the whole; these name the field at fault). */
export const INPUT_LIMITS = { items: 512, parts: 64, text: 200_000, url: 1024 * 1024, id: 256 } as const;

const MESSAGE_ROLES = ['user', 'assistant', 'system', 'developer'] as const;
const IMAGE_DETAILS = ['auto', 'low', 'high'] as const;
const AUDIO_FORMATS = ['wav', 'mp3'] as const;

/**
 * The Chat Completions messages of a Responses request: `instructions` first (a system message),
 * then `input` (a string is one user message). Input items: messages of every role with their
 * content parts, `function_call` items (assistant tool calls, joined to the assistant message they
 * follow) and `function_call_output` items (`tool` messages). Reasoning items are dropped (a chat
 * model cannot take them back); any other item type is a 400 naming it.
 */
export function chatMessagesOf(input: unknown, instructions: string | undefined): ChatMessage[] {
  const messages: ChatMessage[] = instructions === undefined ? [] : [{ role: 'system', content: instructions }];
  if (typeof input === 'string') {
    messages.push({ role: 'user', content: stringAt(input, 'input', { max: INPUT_LIMITS.text }) });
    return messages;
  }
  const items = arrayAt(input, 'input', { min: 1, max: INPUT_LIMITS.items });
  items.forEach((item, index) => addItem(messages, objectAt(item, `input[${index}]`), `input[${index}]`));
  return messages;
}

function addItem(messages: ChatMessage[], item: Fields, param: string): void {
  const type = item.type === undefined ? 'message' : item.type;
  if (type === 'message') {
    messages.push(messageOf(item, param));
  } else if (type === 'function_call') {
    const call = {
      id: stringAt(item.call_id, `${param}.call_id`, { min: 1, max: INPUT_LIMITS.id }),
      type: 'function' as const,
      function: {
        name: stringAt(item.name, `${param}.name`, { min: 1, max: 64 }),
        arguments: stringAt(item.arguments, `${param}.arguments`, { max: INPUT_LIMITS.text }),
      },
    };
    const last = messages.at(-1);
    if (last?.role === 'assistant') last.tool_calls = [...(last.tool_calls ?? []), call];
    else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
  } else if (type === 'function_call_output') {
    messages.push({
      role: 'tool',
      tool_call_id: stringAt(item.call_id, `${param}.call_id`, { min: 1, max: INPUT_LIMITS.id }),
      content: toolOutputOf(item.output, `${param}.output`),
    });
  } else if (type === 'item_reference') {
    // The Vercel AI SDK refers to its earlier answers by id unless told not to store them.
    throw invalid(
      `${param}.type`,
      'item references are not supported (this service stores no responses): send the item itself (the Vercel AI SDK does with providerOptions { openai: { store: false } })',
    );
  } else if (type !== 'reasoning') {
    throw invalid(
      `${param}.type`,
      typeof type === 'string'
        ? `input items of type '${type}' are not supported (this service stores no responses and runs function tools only)`
        : 'expected a string',
    );
  }
}

function messageOf(item: Fields, param: string): ChatMessage {
  const role = oneOf(item.role, `${param}.role`, MESSAGE_ROLES);
  const contentParam = `${param}.content`;
  if (role === 'assistant') return assistantMessageOf(item.content, contentParam);
  if (typeof item.content === 'string') return { role, content: stringAt(item.content, contentParam, { max: INPUT_LIMITS.text }) };
  const parts = arrayAt(item.content, contentParam, { min: 1, max: INPUT_LIMITS.parts }).map((part, index) =>
    contentPartOf(objectAt(part, `${contentParam}[${index}]`), `${contentParam}[${index}]`),
  );
  if (role === 'user') return { role, content: parts };
  const nonText = parts.findIndex((part) => part.type !== 'text');
  if (nonText >= 0) throw invalid(`${contentParam}[${nonText}].type`, `${role} messages take text only`);
  return { role, content: parts as ChatTextPart[] };
}

/** A past answer: its text (output_text parts, joined) and refusal, as one assistant message. */
function assistantMessageOf(content: unknown, param: string): ChatAssistantMessage {
  if (typeof content === 'string') return { role: 'assistant', content: stringAt(content, param, { max: INPUT_LIMITS.text }) };
  const texts: string[] = [];
  const refusals: string[] = [];
  arrayAt(content, param, { max: INPUT_LIMITS.parts }).forEach((value, index) => {
    const part = objectAt(value, `${param}[${index}]`);
    const type = oneOf(part.type, `${param}[${index}].type`, ['output_text', 'input_text', 'refusal']);
    if (type === 'refusal') refusals.push(stringAt(part.refusal, `${param}[${index}].refusal`, { max: INPUT_LIMITS.text }));
    else texts.push(stringAt(part.text, `${param}[${index}].text`, { max: INPUT_LIMITS.text }));
  });
  return {
    role: 'assistant',
    content: texts.length > 0 ? texts.join('') : null,
    ...(refusals.length > 0 ? { refusal: refusals.join('') } : {}),
  };
}

function contentPartOf(part: Fields, param: string): ChatContentPart {
  const type = oneOf(part.type, `${param}.type`, ['input_text', 'input_image', 'input_file', 'input_audio']);
  if (type === 'input_text') return { type: 'text', text: stringAt(part.text, `${param}.text`, { max: INPUT_LIMITS.text }) };
  if (type === 'input_image') {
    if (isAbsent(part.image_url))
      throw invalid(`${param}.image_url`, 'required: file ids are not supported, send the image as a URL or data URL');
    const detail = optional(part.detail, (value) => oneOf(value, `${param}.detail`, IMAGE_DETAILS));
    return {
      type: 'image_url',
      image_url: { url: stringAt(part.image_url, `${param}.image_url`, { min: 1, max: INPUT_LIMITS.url }), ...(detail && { detail }) },
    };
  }
  if (type === 'input_audio') {
    const audio = objectAt(part.input_audio, `${param}.input_audio`);
    return {
      type: 'input_audio',
      input_audio: {
        data: stringAt(audio.data, `${param}.input_audio.data`, { min: 1, max: INPUT_LIMITS.url }),
        format: oneOf(audio.format, `${param}.input_audio.format`, AUDIO_FORMATS),
      },
    };
  }
  if (!isAbsent(part.file_url)) throw invalid(`${param}.file_url`, 'not supported: send the file as file_data');
  const file = {
    ...optional(part.file_data, (value) => ({ file_data: stringAt(value, `${param}.file_data`, { min: 1, max: INPUT_LIMITS.url }) })),
    ...optional(part.file_id, (value) => ({ file_id: stringAt(value, `${param}.file_id`, { min: 1, max: INPUT_LIMITS.id }) })),
    ...optional(part.filename, (value) => ({ filename: stringAt(value, `${param}.filename`, { min: 1, max: INPUT_LIMITS.id }) })),
  };
  if (file.file_data === undefined && file.file_id === undefined) throw invalid(`${param}.file_data`, 'required: file_data or file_id');
  return { type: 'file', file };
}

/** A function's output: a string, or text parts (joined); the chat API takes only text back from a tool. */
function toolOutputOf(output: unknown, param: string): string {
  if (typeof output === 'string') return stringAt(output, param, { max: INPUT_LIMITS.text });
  return arrayAt(output, param, { min: 1, max: INPUT_LIMITS.parts })
    .map((value, index) => {
      const part = objectAt(value, `${param}[${index}]`);
      if (part.type !== 'input_text')
        throw invalid(`${param}[${index}].type`, "expected 'input_text': function outputs are text only here");
      return stringAt(part.text, `${param}[${index}].text`, { max: INPUT_LIMITS.text });
    })
    .join('');
}
