import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Matches, Max, Min, ValidateIf } from 'class-validator';
import { UPSTREAM_NAME, UPSTREAM_NAME_MESSAGE } from '../../config/llm-upstreams.js';
import type { AiModelView } from '../ai-models.service.js';
import { LOCAL_MODEL_ID } from '../local-model.js';
import type { ModelRouter } from '../model-router.js';
import { MAX_OUTPUT_TOKENS_LIMIT, MAX_PRICE_PER_1K } from '../pricing.js';

/** A model id: 1 to 64 letters, digits, `.`, `_`, `:`, `/` or `-`, starting with a letter or digit (`gpt-4o-mini`, `meta-llama/Llama-3.1-8B`). */
export const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
export const MODEL_ID_MESSAGE =
  'model must be a model id: 1 to 64 letters, digits, ".", "_", ":", "/" or "-", starting with a letter or digit';

export class ModelParamDto {
  @Matches(MODEL_ID, { message: MODEL_ID_MESSAGE })
  model: string;
}

/** The path parameter's documentation: an id with a `/` is sent percent-encoded (`meta-llama%2FLlama-3.1-8B`). */
export const MODEL_PARAM_DOCS = {
  name: 'model',
  description: 'The model id; a `/` in it is sent as `%2F`',
  schema: { type: 'string', pattern: MODEL_ID.source, minLength: 1, maxLength: 64, example: 'gpt-4o-mini' },
} as const;

export class SetModelPricingDto {
  @ApiProperty({
    example: 150,
    minimum: 0,
    maximum: MAX_PRICE_PER_1K,
    description: "This service's tokens per 1,000 prompt (input) tokens of the model; 0 makes input free",
  })
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_PER_1K)
  inputPer1k: number;

  @ApiProperty({
    example: 600,
    minimum: 0,
    maximum: MAX_PRICE_PER_1K,
    description: "This service's tokens per 1,000 completion (output) tokens of the model; 0 makes output free",
  })
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_PER_1K)
  outputPer1k: number;

  @ApiProperty({
    example: 4096,
    minimum: 1,
    maximum: MAX_OUTPUT_TOKENS_LIMIT,
    description: 'The most completion tokens one request may ask for, and the limit of a request that names none',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_OUTPUT_TOKENS_LIMIT)
  maxOutputTokens: number;

  @ApiProperty({
    required: false,
    example: 'vllm',
    pattern: UPSTREAM_NAME.source,
    description:
      'Which upstream serves the model: a name of LLM_UPSTREAMS, `default` (LLM_BASE_URL), or `local` for the built-in model only. ' +
      'Must be configured on this instance (400 lists the names that are). Omitted: the model keeps its upstream (a new model: `default`).',
  })
  // Omitted is fine; null is not a name.
  @ValidateIf((_body: unknown, value: unknown) => value !== undefined)
  @Matches(UPSTREAM_NAME, { message: `upstream ${UPSTREAM_NAME_MESSAGE}` })
  upstream?: string;
}

export class ModelPricesDto {
  @ApiProperty({ example: 150, description: "This service's tokens per 1,000 prompt tokens" })
  inputPer1k: number;

  @ApiProperty({ example: 600, description: "This service's tokens per 1,000 completion tokens" })
  outputPer1k: number;
}

/** A model as OpenAI's model list shows it, with this service's prices. */
export class ModelDto {
  @ApiProperty({ example: 'gpt-4o-mini', description: 'The model id to send as `model`' })
  id: string;

  @ApiProperty({ enum: ['model'], example: 'model' })
  object: 'model';

  @ApiProperty({ example: 1763700000, description: "When the model's prices were last set, in Unix seconds" })
  created: number;

  @ApiProperty({
    enum: ['local', 'upstream'],
    example: 'upstream',
    description: '`local`: the built-in model; `upstream`: served by an OpenAI-compatible upstream',
  })
  owned_by: 'local' | 'upstream';

  @ApiProperty({ type: ModelPricesDto })
  pricing: ModelPricesDto;

  @ApiProperty({ example: 4096, description: 'The most completion tokens one request may ask for (the default limit)' })
  maxOutputTokens: number;

  static from(view: AiModelView): ModelDto {
    return {
      id: view.model,
      object: 'model',
      created: Math.floor(view.updatedAt.getTime() / 1000),
      owned_by: view.model === LOCAL_MODEL_ID ? 'local' : 'upstream',
      pricing: { inputPer1k: view.inputPer1k, outputPer1k: view.outputPer1k },
      maxOutputTokens: view.maxOutputTokens,
    };
  }
}

export class ModelListDto {
  @ApiProperty({ enum: ['list'], example: 'list' })
  object: 'list';

  @ApiProperty({ type: [ModelDto] })
  data: ModelDto[];
}

/** A model as admins see and set it. */
export class AdminModelDto extends SetModelPricingDto {
  @ApiProperty({ example: 'gpt-4o-mini' })
  model: string;

  @ApiProperty({ example: '2026-11-21T10:00:00.000Z' })
  updatedAt: string;

  @ApiProperty({
    required: true,
    example: 'vllm',
    description: 'The upstream that serves the model: a name of LLM_UPSTREAMS, `default` (LLM_BASE_URL) or `local` (the built-in model)',
  })
  upstream: string;

  @ApiProperty({
    example: true,
    description:
      'Whether this instance serves the model now: false when its upstream is not configured here (then GET /v1/models leaves it out)',
  })
  served: boolean;

  static from(view: AiModelView, router: ModelRouter): AdminModelDto {
    return {
      model: view.model,
      inputPer1k: view.inputPer1k,
      outputPer1k: view.outputPer1k,
      maxOutputTokens: view.maxOutputTokens,
      upstream: router.routeOf(view),
      served: router.serves(view),
      updatedAt: view.updatedAt.toISOString(),
    };
  }
}
