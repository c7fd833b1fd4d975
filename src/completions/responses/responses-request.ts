import type OpenAI from 'openai';
import type { ChatRequest } from '../chat-api.js';
import { MAX_OUTPUT_TOKENS_LIMIT } from '../pricing.js';
import {
  arrayAt,
  booleanAt,
  type Fields,
  ifSent,
  integerAt,
  invalid,
  isAbsent,
  numberAt,
  objectAt,
  oneOf,
  optional,
  stringAt,
} from './request-fields.js';
import { chatMessagesOf, INPUT_LIMITS } from './responses-input.js';

type Response = OpenAI.Responses.Response;
type ChatTool = OpenAI.Chat.Completions.ChatCompletionFunctionTool;

/** The fields of a request that the Response object repeats (OpenAI's SDKs and clients read them back). */
export type ResponseEcho = Pick<
  Response,
  'instructions' | 'metadata' | 'parallel_tool_calls' | 'temperature' | 'top_p' | 'tool_choice' | 'tools' | 'text'
> &
  Required<Pick<Response, 'max_output_tokens' | 'safety_identifier' | 'previous_response_id' | 'truncation' | 'reasoning'>> & {
    store: boolean;
    user?: string;
  };

/** A Responses request as this service runs it: a chat completion, whether to stream it, and the echo. */
export interface ResponsesRequest {
  chat: ChatRequest;
  stream: boolean;
  echo: ResponseEcho;
}

const MODEL_ID = /^[A-Za-z0-9._:/-]{1,64}$/;
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const LIMITS = { tools: 128, description: 8_192, metadataKeys: 16, metadataKey: 64, metadataValue: 512, user: 256 } as const;
/** Parameters whose meaning needs responses stored on the server, which this service does not keep. */
const STORED_STATE = ['previous_response_id', 'conversation', 'prompt'] as const;

/**
 * Reads a Responses create request (the parsed JSON body) into the chat completion that answers
 * it. A known field with a bad value is a 400 naming it (`param`); a field that needs state this
 * service does not keep (`previous_response_id`, `conversation`, a stored `prompt`) or `background`
 * mode is a 400 too. Fields with a Chat Completions equivalent are passed on as that; the others
 * (`include`, `truncation`, `max_tool_calls`, `stream_options`, ...) are accepted and ignored.
 */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  const request = objectAt(body, 'body');
  for (const field of STORED_STATE)
    if (!isAbsent(request[field]))
      throw invalid(field, 'not supported: this service stores no responses; send the whole conversation as input');
  if (optional(request.background, (value) => booleanAt(value, 'background')))
    throw invalid('background', 'not supported: use stream: true for long answers');
  if (isAbsent(request.input)) throw invalid('input', 'required');

  const model = stringAt(request.model, 'model', { max: 64, pattern: MODEL_ID });
  const instructions = optional(request.instructions, (value) => stringAt(value, 'instructions', { max: INPUT_LIMITS.text }));
  const maxOutputTokens = optional(request.max_output_tokens, (value) => integerAt(value, 'max_output_tokens', 1, MAX_OUTPUT_TOKENS_LIMIT));
  const temperature = optional(request.temperature, (value) => numberAt(value, 'temperature', 0, 2));
  const topP = optional(request.top_p, (value) => numberAt(value, 'top_p', 0, 1));
  const parallelToolCalls = optional(request.parallel_tool_calls, (value) => booleanAt(value, 'parallel_tool_calls'));
  const user = ifSent(request.user, (value) => stringAt(value, 'user', { max: LIMITS.user }));
  const safetyIdentifier = optional(request.safety_identifier, (value) => stringAt(value, 'safety_identifier', { max: 64 }));
  const tools = ifSent(request.tools, (value) => toolsOf(value)) ?? [];
  const toolChoice = ifSent(request.tool_choice, (value) => toolChoiceOf(value, tools));
  const text = ifSent(request.text, (value) => objectAt(value, 'text')) ?? {};
  const format = ifSent(text.format, (value) => formatOf(objectAt(value, 'text.format')));
  const verbosity = optional(text.verbosity, (value) => oneOf(value, 'text.verbosity', ['low', 'medium', 'high']));
  const effort = optional(request.reasoning, (value) => optional(objectAt(value, 'reasoning').effort, reasoningEffortOf));

  const chat: ChatRequest = {
    model,
    messages: chatMessagesOf(request.input, instructions),
    ...(maxOutputTokens !== undefined && { max_completion_tokens: maxOutputTokens }),
    ...(temperature !== undefined && { temperature }),
    ...(topP !== undefined && { top_p: topP }),
    ...(tools.length > 0 && { tools: tools.map(chatToolOf) }),
    ...(toolChoice !== undefined && { tool_choice: chatToolChoiceOf(toolChoice) }),
    // OpenAI's chat API refuses parallel_tool_calls on a request without tools.
    ...(parallelToolCalls !== undefined && tools.length > 0 && { parallel_tool_calls: parallelToolCalls }),
    ...(format && format.type !== 'text' && { response_format: chatFormatOf(format) }),
    ...(verbosity && { verbosity }),
    ...(effort && { reasoning_effort: effort }),
    ...(user !== undefined && { user }),
    ...(safetyIdentifier !== undefined && { safety_identifier: safetyIdentifier }),
    ...passedOn(request),
  };
  const echo: ResponseEcho = {
    instructions: instructions ?? null,
    max_output_tokens: maxOutputTokens ?? null,
    metadata: optional(request.metadata, metadataOf) ?? {},
    parallel_tool_calls: parallelToolCalls ?? true,
    temperature: temperature ?? null,
    top_p: topP ?? null,
    tool_choice: toolChoice ?? 'auto',
    tools,
    text: { format: format ?? { type: 'text' }, ...(verbosity && { verbosity }) },
    safety_identifier: safetyIdentifier ?? null,
    previous_response_id: null,
    truncation: 'disabled',
    reasoning: { effort: effort ?? null, summary: null },
    store: optional(request.store, (value) => booleanAt(value, 'store')) ?? true,
    ...(user !== undefined && { user }),
  };
  return { chat, stream: optional(request.stream, (value) => booleanAt(value, 'stream')) ?? false, echo };
}

/** Fields that mean the same in both APIs, passed on when sent. */
function passedOn(request: Fields): Partial<ChatRequest> {
  return {
    ...optional(request.service_tier, (value) => ({
      service_tier: oneOf(value, 'service_tier', ['auto', 'default', 'flex', 'scale', 'priority']),
    })),
    ...optional(request.prompt_cache_key, (value) => ({ prompt_cache_key: stringAt(value, 'prompt_cache_key', { max: 1024 }) })),
    ...optional(request.prompt_cache_retention, (value) => ({
      prompt_cache_retention: oneOf(value, 'prompt_cache_retention', ['in_memory', '24h']),
    })),
  };
}

function reasoningEffortOf(value: unknown): OpenAI.ReasoningEffort {
  return oneOf(value, 'reasoning.effort', ['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);
}

function toolsOf(value: unknown): OpenAI.Responses.FunctionTool[] {
  const names = new Set<string>();
  return arrayAt(value, 'tools', { max: LIMITS.tools }).map((each, index) => {
    const param = `tools[${index}]`;
    const tool = objectAt(each, param);
    if (tool.type !== 'function')
      throw invalid(
        `${param}.type`,
        typeof tool.type === 'string' ? `tools of type '${tool.type}' are not supported: use function tools` : "expected 'function'",
      );
    const name = stringAt(tool.name, `${param}.name`, { max: 64, pattern: FUNCTION_NAME });
    if (names.has(name)) throw invalid(`${param}.name`, `a function named '${name}' is already in tools`);
    names.add(name);
    return {
      type: 'function',
      name,
      description: optional(tool.description, (text) => stringAt(text, `${param}.description`, { max: LIMITS.description })) ?? null,
      parameters: optional(tool.parameters, (schema) => objectAt(schema, `${param}.parameters`)) ?? null,
      strict: optional(tool.strict, (strict) => booleanAt(strict, `${param}.strict`)) ?? null,
    };
  });
}

/** A function tool of the chat API; `strict` is passed on only when the request set it (the chat API's default is non-strict). */
function chatToolOf(tool: OpenAI.Responses.FunctionTool): ChatTool {
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description !== null && tool.description !== undefined && { description: tool.description }),
      ...(tool.parameters !== null && { parameters: tool.parameters }),
      ...(tool.strict !== null && { strict: tool.strict }),
    },
  };
}

type ToolChoice = OpenAI.Responses.ToolChoiceOptions | OpenAI.Responses.ToolChoiceFunction;

function toolChoiceOf(value: unknown, tools: OpenAI.Responses.FunctionTool[]): ToolChoice {
  if (typeof value === 'string') return oneOf(value, 'tool_choice', ['auto', 'none', 'required']);
  const choice = objectAt(value, 'tool_choice');
  if (choice.type !== 'function') throw invalid('tool_choice.type', "expected 'function' (or tool_choice 'auto', 'none', 'required')");
  const name = stringAt(choice.name, 'tool_choice.name', { max: 64, pattern: FUNCTION_NAME });
  if (!tools.some((tool) => tool.name === name)) throw invalid('tool_choice.name', `no function named '${name}' in tools`);
  return { type: 'function', name };
}

function chatToolChoiceOf(choice: ToolChoice): OpenAI.Chat.Completions.ChatCompletionToolChoiceOption {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function formatOf(format: Fields): OpenAI.Responses.ResponseFormatTextConfig {
  const type = oneOf(format.type, 'text.format.type', ['text', 'json_object', 'json_schema']);
  if (type !== 'json_schema') return { type };
  const description = ifSent(format.description, (value) => stringAt(value, 'text.format.description', { max: LIMITS.description }));
  const strict = optional(format.strict, (value) => booleanAt(value, 'text.format.strict'));
  return {
    type,
    name: stringAt(format.name, 'text.format.name', { max: 64, pattern: FUNCTION_NAME }),
    schema: objectAt(format.schema, 'text.format.schema'),
    ...(description !== undefined && { description }),
    ...(strict !== undefined && { strict }),
  };
}

function chatFormatOf(format: OpenAI.Responses.ResponseFormatTextConfig): NonNullable<ChatRequest['response_format']> {
  if (format.type !== 'json_schema') return { type: 'json_object' };
  const { name, schema, description, strict } = format;
  return {
    type: 'json_schema',
    json_schema: { name, schema, ...(description !== undefined && { description }), ...(strict !== undefined && { strict }) },
  };
}

function metadataOf(value: unknown): Record<string, string> {
  const entries = Object.entries(objectAt(value, 'metadata'));
  if (entries.length > LIMITS.metadataKeys) throw invalid('metadata', `expected at most ${LIMITS.metadataKeys} keys`);
  for (const [key, text] of entries) {
    stringAt(key, 'metadata', { min: 1, max: LIMITS.metadataKey });
    stringAt(text, `metadata.${key}`, { max: LIMITS.metadataValue });
  }
  return Object.fromEntries(entries) as Record<string, string>;
}
