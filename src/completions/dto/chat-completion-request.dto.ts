import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNumber,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { MAX_OUTPUT_TOKENS_LIMIT } from '../pricing.js';
import { CHAT_ROLES, IsChatMessages } from './chat-messages.validator.js';

/** Optional: a field that is absent or null is not validated (OpenAI takes null for "not set"); one that is sent is. */
const Optional = () => ValidateIf((_, value) => value !== undefined && value !== null);

/** Most messages of one request, most tools and functions it may define, and most choices it may ask for. */
export const MAX_MESSAGES = 2048;
export const MAX_TOOLS = 128;
export const MAX_CHOICES = 128;

export class ChatMessageDto {
  @ApiProperty({ enum: CHAT_ROLES, example: 'user' })
  role: string;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'object' } }],
    nullable: true,
    example: 'Write a haiku about token budgets',
    description:
      'A string, or content parts: `text` (every role), `image_url`, `input_audio`, `file` (user), `refusal` (assistant). ' +
      'null or absent only for an assistant message (with `tool_calls`) or a function message',
  })
  content?: string | object[] | null;

  @ApiPropertyOptional({ example: 'alice' })
  name?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description: 'Assistant messages: the tool calls the model made, `{ id, type: "function", function: { name, arguments } }`',
  })
  tool_calls?: object[];

  @ApiPropertyOptional({ example: 'call_abc123', description: 'Tool messages: the id of the tool call this answers' })
  tool_call_id?: string;
}

export class StreamOptionsDto {
  @ApiPropertyOptional({
    type: 'boolean',
    nullable: true,
    description: 'Send the `usage` of the whole completion in the last chunk before `[DONE]` (the one with `tokens`)',
    example: true,
  })
  @Optional()
  @IsBoolean()
  include_usage?: boolean | null;
}

/**
 * An OpenAI Chat Completions request. What the metering needs is validated (model, messages, the
 * output limits, `n`, `stream`, `stream_options`, and the sizes of tools); every other parameter of
 * OpenAI's API is passed to the upstream unchanged, unknown ones included (the upstream judges
 * them). Validated by ChatRequestPipe, which keeps the body as sent.
 */
export class ChatCompletionRequestDto {
  @ApiProperty({ example: 'local', description: 'A model of GET /v1/models' })
  @IsString()
  @Matches(/^[A-Za-z0-9._:/-]{1,64}$/, { message: 'model must be a model id of GET /v1/models' })
  model: string;

  @ApiProperty({ type: [ChatMessageDto], maxItems: MAX_MESSAGES })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_MESSAGES)
  @IsChatMessages()
  messages: ChatMessageDto[];

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    description:
      "Output limit of each choice; capped at and defaulting to the model's maxOutputTokens. Without it (or max_completion_tokens), " +
      'a balance short of the default hold lowers the limit to what it affords (header `X-Tokens-Output-Limit`)',
    example: 256,
  })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(MAX_OUTPUT_TOKENS_LIMIT)
  max_tokens?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    description: 'The newer name of max_tokens; when both are given, the smaller counts',
    example: 256,
  })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(MAX_OUTPUT_TOKENS_LIMIT)
  max_completion_tokens?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_CHOICES,
    nullable: true,
    example: 1,
    description: 'Choices to generate; the output limit applies to each, the hold and the usage count them all',
  })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(MAX_CHOICES)
  n?: number | null;

  @ApiPropertyOptional({ type: 'boolean', nullable: true, description: 'Server-sent events; not with Idempotency-Key', example: false })
  @Optional()
  @IsBoolean()
  stream?: boolean | null;

  @ApiPropertyOptional({ type: StreamOptionsDto, nullable: true })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => StreamOptionsDto)
  stream_options?: StreamOptionsDto | null;

  @ApiPropertyOptional({ type: 'number', minimum: 0, maximum: 2, nullable: true, example: 1 })
  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(2)
  temperature?: number | null;

  @ApiPropertyOptional({ type: 'number', minimum: 0, maximum: 1, nullable: true, example: 1 })
  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  top_p?: number | null;

  @ApiPropertyOptional({ example: 'user-1234', maxLength: 256 })
  @Optional()
  @IsString()
  @MaxLength(256)
  user?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    maxItems: MAX_TOOLS,
    description: 'Tools the model may call (passed on unchanged; their definitions count as prompt tokens in the hold)',
    example: [
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
    ],
  })
  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_TOOLS)
  @IsObject({ each: true })
  tools?: object[];

  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, maxItems: MAX_TOOLS, description: "OpenAI's deprecated form of tools" })
  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_TOOLS)
  @IsObject({ each: true })
  functions?: object[];

  // Documented only: passed to the upstream unchanged, like every parameter not named above.
  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'object' }], example: 'auto', description: 'Passed on unchanged' })
  tool_choice?: unknown;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { type: 'json_object' }, description: 'Passed on unchanged' })
  response_format?: unknown;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: ['\n\n'],
    description: 'Passed on unchanged',
  })
  stop?: unknown;

  @ApiPropertyOptional({ type: 'integer', example: 42, description: 'Passed on unchanged' })
  seed?: unknown;
}
