import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPaymentRequiredResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Idempotency, type IdempotencyContext, Payer } from '@token-metering/tokens';
import { ApiAuth } from '../common/api-auth.decorator.js';
import { EmbeddingListDto, EmbeddingsRequestDto } from './dto/embeddings.dto.js';
import { EMBEDDING_ACTION, Embeddings } from './embeddings.service.js';
import { OpenAiErrorBodyDto, OpenAiErrors } from './openai-error.filter.js';

const CHARGE_HEADERS = {
  'X-Tokens-Charged': { description: 'Tokens charged for this request', schema: { type: 'integer', example: 1 } },
  'X-Tokens-Remaining': { description: 'Balance after the charge', schema: { type: 'integer', example: 99 } },
};

@ApiTags('ai completions')
@ApiAuth()
@OpenAiErrors()
@Controller('v1/embeddings')
export class EmbeddingsController {
  constructor(private readonly embeddings: Embeddings) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'OpenAI-compatible embeddings, charged by their input tokens',
    description:
      "OpenAI's Embeddings API (`client.embeddings.create` of an OpenAI SDK with `baseURL` = this service's `/v1`). The input is " +
      `known, so it is charged before the work like a fixed-price call (ledger action \`${EMBEDDING_ACTION}\`, metadata \`model\` and ` +
      "`promptTokens`): `ceil(promptTokens * inputPer1k / 1000)` at the model's price (GET /v1/models), the prompt tokens counted with " +
      "this service's tokenizer (a token-id input counts its length) and reported as `usage`. A balance short of that is 402 and nothing " +
      "runs; a failure of the model refunds the charge (502 UPSTREAM_FAILED, or the upstream's own 4xx status when it refused the " +
      'request). The built-in `local` model answers deterministic vectors (the same input, the same vector; 256 dimensions unless ' +
      '`dimensions` says otherwise; at most 2^19 numbers per answer). ' +
      "Errors have OpenAI's shape `{ error: { message, type, param, code } }` beside the usual fields.",
  })
  @ApiBody({
    type: EmbeddingsRequestDto,
    examples: {
      text: { value: { model: 'local', input: 'The food was delicious and the waiter was friendly' } },
      batch: { value: { model: 'local', input: ['first text', 'second text'], dimensions: 64, encoding_format: 'base64' } },
      tokens: {
        value: {
          model: 'local',
          input: [
            [791, 3691, 574],
            [40, 1093],
          ],
        },
      },
    },
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Repeating a key within 24 hours replays the first answer (header `Idempotent-Replayed: true`) and charges nothing more',
  })
  @ApiOkResponse({ type: EmbeddingListDto, description: 'The vectors, one per input in order', headers: CHARGE_HEADERS })
  @ApiBadRequestResponse({
    type: OpenAiErrorBodyDto,
    description: 'VALIDATION_FAILED: a bad request (`param` names the field); nothing charged',
  })
  @ApiPaymentRequiredResponse({
    type: OpenAiErrorBodyDto,
    description:
      "INSUFFICIENT_TOKENS: the balance cannot cover the price; KEY_LIMIT_REACHED: the price would pass the API key's spending limit; nothing ran",
  })
  @ApiNotFoundResponse({ type: OpenAiErrorBodyDto, description: 'NOT_FOUND: no such model, or none this instance serves' })
  @ApiConflictResponse({
    type: OpenAiErrorBodyDto,
    description: 'With an Idempotency-Key used for another request, or whose first request has not finished; nothing runs or is charged',
  })
  @ApiBadGatewayResponse({ type: OpenAiErrorBodyDto, description: 'UPSTREAM_FAILED: the model failed; the charge was refunded' })
  // The service answers JSON text (written in slices), sent as it is.
  @Header('Content-Type', 'application/json; charset=utf-8')
  create(@Body() body: EmbeddingsRequestDto, @Payer() payerId: string, @Idempotency() request: IdempotencyContext): Promise<string> {
    return this.embeddings.create(payerId, body, request);
  }
}
