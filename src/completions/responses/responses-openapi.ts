import type { SchemaObject } from '@nestjs/swagger';
import { MAX_OUTPUT_TOKENS_LIMIT } from '../pricing.js';
import { INPUT_LIMITS } from './responses-input.js';

/*
 * The OpenAPI schemas of POST /v1/responses, written out because the request is polymorphic
 * (`input` a string or items of several kinds). They state what parseResponsesRequest checks;
 * objects that take further fields (OpenAI's item ids, statuses, ...) say so with additionalProperties.
 */

const text = (maxLength: number, example?: string): SchemaObject => ({
  type: 'string',
  maxLength,
  ...(example !== undefined && { example }),
});
const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true });
const FUNCTION_NAME = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$', example: 'get_weather' } as const;
const FREE_OBJECT: SchemaObject = { type: 'object', additionalProperties: true };

/** An object of one `type` (one alternative of a oneOf): its fields, and further ones accepted (OpenAI's ids, statuses, ...). */
const kind = (type: string, required: string[], properties: Record<string, SchemaObject>, description?: string): SchemaObject => ({
  type: 'object',
  additionalProperties: true,
  required: ['type', ...required],
  properties: { type: { type: 'string', enum: [type] }, ...properties },
  ...(description !== undefined && { description }),
});
const INPUT_TEXT = kind('input_text', ['text'], { text: text(INPUT_LIMITS.text, 'What is the weather in Paris?') });
const id = (example?: string): SchemaObject => ({ ...text(INPUT_LIMITS.id, example), minLength: 1 });
const upload = (): SchemaObject => ({ type: 'string', minLength: 1, maxLength: INPUT_LIMITS.url });

const CONTENT_PART: SchemaObject = {
  oneOf: [
    INPUT_TEXT,
    kind(
      'input_image',
      ['image_url'],
      { image_url: upload(), detail: nullable({ type: 'string', enum: ['auto', 'low', 'high'] }) },
      'A URL or data URL (file ids are not supported)',
    ),
    kind(
      'input_file',
      [],
      { file_data: nullable(upload()), file_id: nullable(id()), filename: nullable(id()) },
      '`file_data` or `file_id`',
    ),
    kind('input_audio', ['input_audio'], {
      input_audio: {
        type: 'object',
        required: ['data', 'format'],
        properties: { data: upload(), format: { type: 'string', enum: ['wav', 'mp3'] } },
      },
    }),
    kind('output_text', ['text'], { text: text(INPUT_LIMITS.text) }, 'In an assistant message'),
    kind('refusal', ['refusal'], { refusal: text(INPUT_LIMITS.text) }, 'In an assistant message'),
  ],
};

const CONTENT = (parts: SchemaObject): SchemaObject => ({
  oneOf: [text(INPUT_LIMITS.text), { type: 'array', maxItems: INPUT_LIMITS.parts, items: parts }],
});

const INPUT_ITEM: SchemaObject = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: true,
      required: ['role', 'content'],
      description: 'A message (`type` "message" or left out)',
      properties: {
        type: { type: 'string', enum: ['message'] },
        role: { type: 'string', enum: ['user', 'assistant', 'system', 'developer'], example: 'user' },
        content: CONTENT(CONTENT_PART),
      },
    },
    kind(
      'function_call',
      ['call_id', 'name', 'arguments'],
      { call_id: id('call_abc123'), name: FUNCTION_NAME, arguments: text(INPUT_LIMITS.text, '{"city":"Paris"}') },
      "A call the model made: the assistant message's tool call",
    ),
    kind(
      'function_call_output',
      ['call_id', 'output'],
      { call_id: id('call_abc123'), output: CONTENT(INPUT_TEXT) },
      "The call's result: a tool message",
    ),
    kind('reasoning', [], {}, 'Dropped: a chat model cannot take it back'),
  ],
};

const FUNCTION_TOOL: SchemaObject = {
  type: 'object',
  additionalProperties: true,
  required: ['type', 'name'],
  properties: {
    type: { type: 'string', enum: ['function'] },
    name: FUNCTION_NAME,
    description: nullable(text(8_192, 'The current weather of a city')),
    parameters: nullable({ ...FREE_OBJECT, description: 'A JSON schema of the arguments' }),
    strict: nullable({ type: 'boolean', description: 'Passed on when set; otherwise the chat default (not strict)' }),
  },
};

const TEXT_FORMAT: SchemaObject = {
  oneOf: [
    { type: 'object', required: ['type'], properties: { type: { type: 'string', enum: ['text', 'json_object'] } } },
    {
      type: 'object',
      required: ['type', 'name', 'schema'],
      properties: {
        type: { type: 'string', enum: ['json_schema'] },
        name: FUNCTION_NAME,
        schema: FREE_OBJECT,
        description: text(8_192),
        strict: nullable({ type: 'boolean' }),
      },
    },
  ],
};

/** The request body: OpenAI's Responses create parameters, as far as they have a Chat Completions equivalent. */
export const RESPONSES_REQUEST_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['model', 'input'],
  additionalProperties: true,
  properties: {
    model: { type: 'string', pattern: '^[A-Za-z0-9._:/-]{1,64}$', example: 'local', description: 'A model of GET /v1/models' },
    input: {
      oneOf: [text(INPUT_LIMITS.text), { type: 'array', minItems: 1, maxItems: INPUT_LIMITS.items, items: INPUT_ITEM }],
      description:
        'A user message, or items: messages with their content parts, function calls and their outputs; other item types are 400',
      example: 'Write a haiku about token budgets',
    },
    instructions: nullable({ ...text(INPUT_LIMITS.text, 'Be brief.'), description: 'Sent as a leading system message' }),
    max_output_tokens: nullable({
      type: 'integer',
      minimum: 1,
      maximum: MAX_OUTPUT_TOKENS_LIMIT,
      example: 256,
      description: "Output limit; capped at and defaulting to the model's maxOutputTokens (see the clamp in the description)",
    }),
    temperature: nullable({ type: 'number', minimum: 0, maximum: 2, example: 1 }),
    top_p: nullable({ type: 'number', minimum: 0, maximum: 1, example: 1 }),
    stream: nullable({ type: 'boolean', example: false, description: 'Server-sent events; not with Idempotency-Key' }),
    tools: { type: 'array', maxItems: 128, items: FUNCTION_TOOL, description: 'Function tools only' },
    tool_choice: {
      oneOf: [
        { type: 'string', enum: ['auto', 'none', 'required'] },
        { type: 'object', required: ['type', 'name'], properties: { type: { type: 'string', enum: ['function'] }, name: FUNCTION_NAME } },
      ],
    },
    parallel_tool_calls: nullable({ type: 'boolean' }),
    text: {
      type: 'object',
      additionalProperties: true,
      properties: { format: TEXT_FORMAT, verbosity: nullable({ type: 'string', enum: ['low', 'medium', 'high'] }) },
    },
    reasoning: nullable({
      type: 'object',
      additionalProperties: true,
      properties: { effort: nullable({ type: 'string', enum: ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] }) },
    }),
    metadata: nullable({
      type: 'object',
      maxProperties: 16,
      additionalProperties: text(512),
      description: 'Echoed in the Response; not sent to the model',
    }),
    user: text(256, 'user-1234'),
    safety_identifier: nullable(text(64)),
    store: nullable({ type: 'boolean', description: 'Accepted; this service stores no responses' }),
    service_tier: nullable({ type: 'string', enum: ['auto', 'default', 'flex', 'scale', 'priority'] }),
    prompt_cache_key: nullable(text(1024)),
    prompt_cache_retention: nullable({ type: 'string', enum: ['in_memory', '24h'] }),
  },
};

const RESPONSE_EXAMPLE = {
  id: 'resp_6f1c2a4e0b7d4c1e9a553d2f8e7c1b20',
  object: 'response',
  created_at: 1764633600,
  status: 'completed',
  error: null,
  incomplete_details: null,
  model: 'local',
  output: [
    {
      id: 'msg_6f1c2a4e0b7d4c1e9a553d2f8e7c1b20',
      type: 'message',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: 'Tokens held, then settled.', annotations: [], logprobs: [] }],
    },
  ],
  usage: {
    input_tokens: 14,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: 6,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 20,
  },
  instructions: null,
  max_output_tokens: 256,
  parallel_tool_calls: true,
  temperature: null,
  top_p: null,
  tool_choice: 'auto',
  tools: [],
  text: { format: { type: 'text' } },
};

/** The answer: OpenAI's Response object (the SDKs add `output_text`). */
export const RESPONSE_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'object', 'created_at', 'status', 'model', 'output'],
  properties: {
    id: { type: 'string', description: '`resp_` and the request id (X-Request-Id) without dashes' },
    object: { type: 'string', enum: ['response'] },
    created_at: { type: 'integer', description: 'Unix seconds' },
    status: { type: 'string', enum: ['completed', 'incomplete'] },
    incomplete_details: nullable({
      type: 'object',
      properties: { reason: { type: 'string', enum: ['max_output_tokens', 'content_filter'] } },
    }),
    model: { type: 'string' },
    output: {
      type: 'array',
      items: { ...FREE_OBJECT, description: 'A `message` item (`output_text` and `refusal` parts) and/or `function_call` items' },
    },
    usage: {
      type: 'object',
      properties: { input_tokens: { type: 'integer' }, output_tokens: { type: 'integer' }, total_tokens: { type: 'integer' } },
      description: 'The model tokens the price was computed from',
    },
  },
  example: RESPONSE_EXAMPLE,
};
