import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiPaymentRequiredResponse,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Idempotency, IdempotentApi, type IdempotencyContext, Payer } from '@token-metering/tokens';
import type { FastifyReply } from 'fastify';
import { ApiAuth } from '../../common/api-auth.decorator.js';
import { AppError, ErrorCode } from '../../common/app-error.js';
import { ErrorBodyDto } from '../../common/error-body.dto.js';
import { ChatCompletions, OUTPUT_LIMIT_HEADER } from '../chat-completions.service.js';
import { CompletionSlots } from '../completion-slots.js';
import { OpenAiErrorBodyDto, OpenAiErrors } from '../openai-error.filter.js';
import { responseOf } from './responses-answer.js';
import { RESPONSE_SCHEMA, RESPONSES_REQUEST_SCHEMA } from './responses-openapi.js';
import { streamResponse } from './responses-reply.js';
import { ResponsesRequestPipe } from './responses-request.pipe.js';
import type { ResponsesRequest } from './responses-request.js';

@ApiTags('ai completions')
@ApiAuth()
@OpenAiErrors()
@Controller('v1/responses')
export class ResponsesController {
  constructor(
    private readonly completions: ChatCompletions,
    private readonly slots: CompletionSlots,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: "OpenAI's Responses API, served by a chat completion and metered like one",
    description:
      "OpenAI's Responses API (`client.responses` of the openai SDK, the Vercel AI SDK's default model, LangChain's " +
      '`useResponsesApi`), answered by mapping the request onto a chat completion of POST /v1/chat/completions, whatever the ' +
      'model: the same hold of the most it can cost, clamp of the output limit to the balance (`X-Tokens-Output-Limit`), ' +
      'settlement to the actual price `ceil((promptTokens * inputPer1k + completionTokens * outputPer1k) / 1000)`, ledger entries ' +
      '(`hold`, `hold_release`, `usage`), Idempotency-Key replays and per-user limit of completions in flight. Not streamed, the ' +
      "answer carries `X-Tokens-Charged` and `X-Tokens-Remaining`. With `stream: true` it is OpenAI's server-sent events " +
      '(`response.created` ... `response.completed`), which have no place for the charge: read it from GET /tokens/transactions ' +
      "(the `usage` entry whose `requestId` is the stream's `X-Request-Id`). Function tools, `tool_choice` and `text.format` " +
      '(JSON schema) map onto their chat equivalents; `previous_response_id`, `conversation`, `prompt` and `background` are ' +
      "400 (nothing is stored); other parameters without a chat equivalent are ignored. A bad parameter is 400 in OpenAI's " +
      'error shape with `param` naming it.',
  })
  @ApiBody({
    schema: RESPONSES_REQUEST_SCHEMA,
    examples: {
      text: {
        summary: 'A text answer',
        value: { model: 'local', instructions: 'Be brief.', input: 'Write a haiku about token budgets', max_output_tokens: 256 },
      },
      tool: {
        summary: 'A forced function call',
        value: {
          model: 'local',
          input: [{ role: 'user', content: [{ type: 'input_text', text: 'What is the weather in Paris?' }] }],
          tools: [
            {
              type: 'function',
              name: 'get_weather',
              description: 'The current weather of a city',
              parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
              strict: true,
            },
          ],
          tool_choice: { type: 'function', name: 'get_weather' },
        },
      },
      json: {
        summary: 'Structured output',
        value: {
          model: 'local',
          input: 'Name a city and its country',
          text: {
            format: {
              type: 'json_schema',
              name: 'city',
              schema: {
                type: 'object',
                properties: { city: { type: 'string' }, country: { type: 'string' } },
                required: ['city', 'country'],
                additionalProperties: false,
              },
              strict: true,
            },
          },
        },
      },
    },
  })
  @IdempotentApi()
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({
    schema: RESPONSE_SCHEMA,
    description: 'The Response (or, with `stream: true`, its server-sent events)',
    headers: {
      [OUTPUT_LIMIT_HEADER]: { description: 'The output limit the completion ran with', schema: { type: 'integer', example: 256 } },
    },
  })
  @ApiPaymentRequiredResponse({
    type: ErrorBodyDto,
    description:
      'INSUFFICIENT_TOKENS: the balance cannot cover the hold (without an explicit limit: not even with MIN_OUTPUT_TOKENS). ' +
      'KEY_LIMIT_REACHED: the hold would pass the spending limit of the API key; the model is not called',
  })
  @ApiTooManyRequestsResponse({
    type: OpenAiErrorBodyDto,
    description: 'TOO_MANY_REQUESTS: the user already has LLM_MAX_CONCURRENT_PER_USER completions in flight; see `Retry-After` (seconds)',
  })
  async create(
    @Body(ResponsesRequestPipe) body: ResponsesRequest,
    @Payer() payerId: string,
    @Idempotency() request: IdempotencyContext,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const slot = this.slots.take(payerId);
    try {
      await this.respond(body, payerId, request, reply);
    } finally {
      slot.release();
    }
  }

  /** The answer, whole or streamed; it resolves once the answer or the stream ended, however it ended. */
  private async respond(
    { chat, stream, echo }: ResponsesRequest,
    payerId: string,
    request: IdempotencyContext,
    reply: FastifyReply,
  ): Promise<void> {
    // The client going away cancels the model's work (and, for a stream, settles what was generated).
    const abort = new AbortController();
    reply.raw.on('close', () => abort.abort());
    if (stream) {
      if (request.claim)
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'Idempotency-Key is not supported with stream: true', {
          details: [{ field: 'Idempotency-Key', errors: ['not supported with stream: true'] }],
        });
      const events = this.completions.stream(payerId, { ...chat, stream: true }, abort.signal, request);
      return streamResponse(events, { requestId: request.requestId, model: chat.model, echo }, reply);
    }
    // The X-Tokens-* headers (and Idempotent-Replayed on a replay) are on the reply already.
    void reply.send(responseOf(await this.completions.complete(payerId, chat, abort.signal, request), echo));
  }
}
