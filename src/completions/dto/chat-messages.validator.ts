import { registerDecorator, type ValidationArguments } from 'class-validator';

/** Roles of Chat Completions messages (`function` is OpenAI's deprecated form of `tool`). */
export const CHAT_ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;
/** Content parts a message of each role may have. */
const PART_TYPES: Record<(typeof CHAT_ROLES)[number], readonly string[]> = {
  system: ['text'],
  developer: ['text'],
  user: ['text', 'image_url', 'input_audio', 'file'],
  assistant: ['text', 'refusal'],
  tool: ['text'],
  function: [],
};
/** Most content parts of one message, and most tool calls of one assistant message. */
export const MAX_CONTENT_PARTS = 1024;
export const MAX_TOOL_CALLS = 1024;

type Loose = Record<string, unknown>;
const isLoose = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';

/** What is wrong with a content part (the fields its type needs), or null. */
function partProblem(part: unknown, allowed: readonly string[]): string | null {
  if (!isLoose(part)) return 'must be an object';
  if (!isString(part.type) || !allowed.includes(part.type)) return `type must be one of: ${allowed.join(', ')}`;
  const field = part[part.type];
  switch (part.type) {
    case 'text':
    case 'refusal':
      return isString(field) ? null : `${part.type} must be a string`;
    case 'image_url':
      return isLoose(field) && isString(field.url) ? null : 'image_url must be an object with a url string';
    case 'input_audio':
      return isLoose(field) && isString(field.data) && isString(field.format)
        ? null
        : 'input_audio must be an object with data and format strings';
    default:
      return isLoose(field) ? null : 'file must be an object';
  }
}

/** What is wrong with a message's content, or null; `null` content is for assistant and function messages only. */
function contentProblem(message: Loose, role: (typeof CHAT_ROLES)[number]): string | null {
  const { content } = message;
  if (isString(content)) return null;
  if (content === null || content === undefined) {
    if (role === 'function' || (role === 'assistant' && content === null)) return null;
    // An assistant message may leave its content out when it calls tools.
    if (role === 'assistant' && (message.tool_calls !== undefined || message.function_call !== undefined)) return null;
    return 'content must be a string or an array of content parts';
  }
  const allowed = PART_TYPES[role];
  if (!Array.isArray(content) || allowed.length === 0)
    return `content must be a string${allowed.length > 0 ? ' or an array of content parts' : ''}`;
  if (content.length > MAX_CONTENT_PARTS) return `content must have at most ${MAX_CONTENT_PARTS} parts`;
  for (const [index, part] of content.entries()) {
    const problem = partProblem(part, allowed);
    if (problem) return `content.${index}: ${problem}`;
  }
  return null;
}

/** What is wrong with an assistant message's tool calls, or null. */
function toolCallsProblem(toolCalls: unknown): string | null {
  if (toolCalls === undefined || toolCalls === null) return null;
  if (!Array.isArray(toolCalls)) return 'tool_calls must be an array';
  if (toolCalls.length > MAX_TOOL_CALLS) return `tool_calls must have at most ${MAX_TOOL_CALLS} calls`;
  for (const [index, call] of toolCalls.entries()) {
    if (!isLoose(call) || !isString(call.id)) return `tool_calls.${index} must be an object with an id string`;
    const fn = call.type === 'custom' ? call.custom : call.function;
    const body = call.type === 'custom' ? 'custom with name and input' : 'function with name and arguments';
    const argument = call.type === 'custom' ? 'input' : 'arguments';
    if ((call.type !== 'function' && call.type !== 'custom') || !isLoose(fn) || !isString(fn.name) || !isString(fn[argument]))
      return `tool_calls.${index} must have type "function" or "custom" and its ${body} strings`;
  }
  return null;
}

/** What is wrong with one message (its role, content, name and the fields of its role), or null. */
export function chatMessageProblem(message: unknown): string | null {
  if (!isLoose(message)) return 'must be an object';
  const role = message.role as (typeof CHAT_ROLES)[number];
  if (!CHAT_ROLES.includes(role)) return `role must be one of: ${CHAT_ROLES.join(', ')}`;
  const problem = contentProblem(message, role);
  if (problem) return problem;
  if (role === 'function' ? !isString(message.name) : message.name !== undefined && !isString(message.name)) return 'name must be a string';
  if (role === 'tool' && !isString(message.tool_call_id)) return 'tool_call_id must be a string';
  if (role === 'assistant') {
    if (message.refusal !== undefined && message.refusal !== null && !isString(message.refusal)) return 'refusal must be a string';
    return toolCallsProblem(message.tool_calls);
  }
  return null;
}

/** The first problem of a list of messages, with the message's index; null when every message has its role's shape. */
export function chatMessagesProblem(messages: unknown): string | null {
  if (!Array.isArray(messages)) return null;
  for (const [index, message] of messages.entries()) {
    const problem = chatMessageProblem(message);
    if (problem) return `messages.${index}${problem.startsWith('must') ? ' ' : '.'}${problem}`;
  }
  return null;
}

/** Validates an array of Chat Completions messages (roles, content strings or parts, tool calls, tool_call_id). */
export function IsChatMessages(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isChatMessages',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => chatMessagesProblem(value) === null,
        defaultMessage: (args?: ValidationArguments) => chatMessagesProblem(args?.value) ?? 'messages must be chat messages',
      },
    });
}
