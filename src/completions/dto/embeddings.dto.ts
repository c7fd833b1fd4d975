import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, registerDecorator, ValidateIf } from 'class-validator';
import { MODEL_ID } from './ai-model.dto.js';

/** Most inputs of one request (OpenAI's own limit). */
export const MAX_EMBEDDING_INPUTS = 2048;
/** Longest input: characters of a text, or ids of a token array (the 1 MiB body limit bounds their sum). */
export const MAX_EMBEDDING_INPUT_LENGTH = 200_000;
/** Highest token id an input may carry. */
export const MAX_TOKEN_ID = 2 ** 31 - 1;
/** Most dimensions a request may ask for (OpenAI's largest embedding models have 3072). */
export const MAX_EMBEDDING_DIMENSIONS = 3072;
export const ENCODING_FORMATS = ['float', 'base64'] as const;
export type EncodingFormat = (typeof ENCODING_FORMATS)[number];

/** What `input` may be: a text, texts, one array of token ids, or arrays of token ids. */
export type EmbeddingInput = string | string[] | number[] | number[][];

/** Optional, but not null: a field that is sent is validated (IsOptional would let null through). */
const Omittable = () => ValidateIf((_, value) => value !== undefined);

const isText = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_EMBEDDING_INPUT_LENGTH;
const isTokenId = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_TOKEN_ID;
const isTokens = (value: unknown): value is number[] =>
  Array.isArray(value) && value.length > 0 && value.length <= MAX_EMBEDDING_INPUT_LENGTH && value.every(isTokenId);
const isList = (value: unknown): value is unknown[] => Array.isArray(value) && value.length > 0 && value.length <= MAX_EMBEDDING_INPUTS;

/** Whether `value` is an input of one of the four forms, within the bounds (one pass over it). */
export function isEmbeddingInput(value: unknown): value is EmbeddingInput {
  if (typeof value === 'string') return isText(value);
  if (!isList(value)) return false;
  if (typeof value[0] === 'string') return value.every(isText);
  if (typeof value[0] === 'number') return isTokens(value);
  return value.every(isTokens);
}

const INPUT_MESSAGE =
  `input must be a non-empty string, an array of 1 to ${MAX_EMBEDDING_INPUTS} non-empty strings, an array of token ids ` +
  `(integers 0 to ${MAX_TOKEN_ID}) or an array of 1 to ${MAX_EMBEDDING_INPUTS} such arrays; ` +
  `each string or token array at most ${MAX_EMBEDDING_INPUT_LENGTH} long`;

function IsEmbeddingInput(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isEmbeddingInput',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: INPUT_MESSAGE },
      validator: { validate: isEmbeddingInput },
    });
}

const tokenArray = {
  type: 'array',
  minItems: 1,
  maxItems: MAX_EMBEDDING_INPUT_LENGTH,
  items: { type: 'integer', minimum: 0, maximum: MAX_TOKEN_ID },
};

/** An OpenAI Embeddings request; any other field is a 400 (as OpenAI answers an unrecognized argument). */
export class EmbeddingsRequestDto {
  @ApiProperty({ example: 'local', description: 'A model of GET /v1/models' })
  @IsString()
  @Matches(MODEL_ID, { message: 'model must be a model id of GET /v1/models' })
  model: string;

  @ApiProperty({
    description: `The text(s) to embed, or their token ids. ${INPUT_MESSAGE}.`,
    oneOf: [
      { type: 'string', minLength: 1, maxLength: MAX_EMBEDDING_INPUT_LENGTH },
      {
        type: 'array',
        minItems: 1,
        maxItems: MAX_EMBEDDING_INPUTS,
        items: { type: 'string', minLength: 1, maxLength: MAX_EMBEDDING_INPUT_LENGTH },
      },
      tokenArray,
      { type: 'array', minItems: 1, maxItems: MAX_EMBEDDING_INPUTS, items: tokenArray },
    ],
    example: ['The food was delicious', 'The waiter was friendly'],
  })
  @IsEmbeddingInput()
  input: EmbeddingInput;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_EMBEDDING_DIMENSIONS,
    example: 256,
    description: "Length of each vector; the built-in model's default is 256, an upstream model's its own",
  })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(MAX_EMBEDDING_DIMENSIONS)
  dimensions?: number;

  @ApiPropertyOptional({
    enum: ENCODING_FORMATS,
    default: 'float',
    example: 'float',
    description: '`base64`: each vector as the base64 of its little-endian float32 values',
  })
  @Omittable()
  @IsIn(ENCODING_FORMATS)
  encoding_format?: EncodingFormat;

  @ApiPropertyOptional({ example: 'user-1234', maxLength: 256 })
  @Omittable()
  @IsString()
  @MaxLength(256)
  user?: string;
}

export class EmbeddingDto {
  @ApiProperty({ enum: ['embedding'], example: 'embedding' })
  object: 'embedding';

  @ApiProperty({ example: 0, description: 'Position of its input in `input`' })
  index: number;

  @ApiProperty({
    oneOf: [
      { type: 'array', items: { type: 'number' } },
      { type: 'string', format: 'byte' },
    ],
    example: [0.0123, -0.0456, 0.0789],
    description: 'The vector (L2-normalised), or with `encoding_format: base64` the base64 of its little-endian float32 values',
  })
  embedding: number[] | string;
}

export class EmbeddingsUsageDto {
  @ApiProperty({ example: 10, description: 'Tokens of the input, as this service counted and charged them' })
  prompt_tokens: number;

  @ApiProperty({ example: 10 })
  total_tokens: number;
}

/** OpenAI's embeddings answer. */
export class EmbeddingListDto {
  @ApiProperty({ enum: ['list'], example: 'list' })
  object: 'list';

  @ApiProperty({ type: [EmbeddingDto] })
  data: EmbeddingDto[];

  @ApiProperty({ example: 'local' })
  model: string;

  @ApiProperty({ type: EmbeddingsUsageDto })
  usage: EmbeddingsUsageDto;
}
