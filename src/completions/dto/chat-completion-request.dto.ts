import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
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
import { CHAT_ROLES, type ChatRole } from '../llm-upstream.js';
import { MAX_OUTPUT_TOKENS_LIMIT } from '../pricing.js';

/** Optional, but not null: a field that is sent is validated (IsOptional would let null through). */
const Omittable = () => ValidateIf((_, value) => value !== undefined);

export class ChatMessageDto {
  @ApiProperty({ enum: CHAT_ROLES, example: 'user' })
  @IsIn(CHAT_ROLES)
  role: ChatRole;

  @ApiProperty({ example: 'Write a haiku about token budgets', maxLength: 200_000 })
  @IsString()
  @MaxLength(200_000)
  content: string;

  @ApiPropertyOptional({ example: 'alice', maxLength: 64 })
  @Omittable()
  @IsString()
  @MaxLength(64)
  name?: string;
}

export class StreamOptionsDto {
  @ApiPropertyOptional({ description: 'Accepted for compatibility: the last chunk always carries usage and the charge' })
  @Omittable()
  @IsBoolean()
  include_usage?: boolean;
}

/**
 * An OpenAI Chat Completions request, with the fields this service supports; any other field is a
 * 400 (as OpenAI answers an unrecognized argument).
 */
export class ChatCompletionRequestDto {
  @ApiProperty({ example: 'local', description: 'A model of GET /v1/models' })
  @IsString()
  @Matches(/^[A-Za-z0-9._:/-]{1,64}$/, { message: 'model must be a model id of GET /v1/models' })
  model: string;

  @ApiProperty({ type: [ChatMessageDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(512)
  @ValidateNested({ each: true })
  @Type(() => ChatMessageDto)
  messages: ChatMessageDto[];

  @ApiPropertyOptional({
    nullable: true,
    description: "Output limit; capped at and defaulting to the model's maxOutputTokens",
    example: 256,
  })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(MAX_OUTPUT_TOKENS_LIMIT)
  max_tokens?: number;

  @ApiPropertyOptional({
    nullable: true,
    description: 'The newer name of max_tokens; when both are given, the smaller counts',
    example: 256,
  })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(MAX_OUTPUT_TOKENS_LIMIT)
  max_completion_tokens?: number;

  @ApiPropertyOptional({ description: 'Server-sent events; not with Idempotency-Key', example: false })
  @Omittable()
  @IsBoolean()
  stream?: boolean;

  @ApiPropertyOptional({ type: StreamOptionsDto })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => StreamOptionsDto)
  stream_options?: StreamOptionsDto;

  @ApiPropertyOptional({ minimum: 0, maximum: 2, example: 1 })
  @Omittable()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(2)
  temperature?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, example: 1 })
  @Omittable()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  top_p?: number;

  @ApiPropertyOptional({ description: 'Only 1 choice per request', example: 1 })
  @Omittable()
  @Equals(1, { message: 'n must be 1: one choice per request' })
  n?: number;

  @ApiPropertyOptional({ example: 'user-1234', maxLength: 256 })
  @Omittable()
  @IsString()
  @MaxLength(256)
  user?: string;
}

/** What the request asks for as its output limit: the smaller of `max_tokens` and `max_completion_tokens`, if any. */
export function requestedOutputOf(request: Pick<ChatCompletionRequestDto, 'max_tokens' | 'max_completion_tokens'>): number | undefined {
  const asked = [request.max_tokens, request.max_completion_tokens].filter((value): value is number => typeof value === 'number');
  return asked.length > 0 ? Math.min(...asked) : undefined;
}
