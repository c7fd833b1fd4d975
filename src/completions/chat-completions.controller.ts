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
import type { FastifyReply } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import { ApiAuth } from '../common/api-auth.decorator.js';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import { AppError, ErrorCode } from '../common/app-error.js';
import { Idempotency, IdempotentApi, type IdempotencyContext, Payer } from '@token-metering/tokens';
import type { ChatChunk } from './chat-api.js';
import { ChatCompletions, OUTPUT_LIMIT_HEADER } from './chat-completions.service.js';
import { type ChatCompletionBody, ChatRequestPipe } from './chat-request.js';
import { chunkTexts } from './chat-texts.js';
import { CompletionSlots } from './completion-slots.js';
import { ChatCompletionRequestDto } from './dto/chat-completion-request.dto.js';
import { ChatCompletionDto, settledChunkOf } from './dto/chat-completion.dto.js';
import { OpenAiErrorBodyDto, OpenAiErrors, toOpenAiErrorBody } from './openai-error.filter.js';

/** Whether a chunk adds output (text, a refusal, a tool call) or ends a choice. */
const carriesOutput = (chunk: ChatChunk): boolean =>
  chunkTexts(chunk).some((text) => text.length > 0) || chunk.choices.some((choice) => Boolean(choice.finish_reason));

@ApiTags('ai completions')
@ApiAuth()
@OpenAiErrors()
@Controller('v1/chat/completions')
export class ChatCompletionsController {
  constructor(
    private readonly completions: ChatCompletions,
    private readonly slots: CompletionSlots,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'An OpenAI-compatible chat completion, metered by its actual usage',
    description:
      "OpenAI's Chat Completions API: an OpenAI SDK works with `baseURL` = this service's `/v1` and an API key as `apiKey`. " +
      "Every parameter of OpenAI's API is accepted: content parts, `tool` messages, `tools`, `tool_choice`, `response_format`, `stop`, " +
      '`seed`, `n`... What the metering needs is validated (model, messages, output limits, `n` up to 128, stream options); ' +
      "everything else is passed to the model's server unchanged, and its own refusal of the request (400, 404, 409, 413, 422) " +
      'comes back with its status, message and param. Before the model is called, the request holds the most it can cost (its ' +
      "estimated prompt tokens, tool definitions included, and its output limit times `n`, at the model's prices, see GET /v1/models). " +
      'With an explicit `max_tokens` / `max_completion_tokens`, a balance short of that is 402 and the model is not called; ' +
      "without one, the limit (the model's maxOutputTokens) is lowered to what the balance affords, down to MIN_OUTPUT_TOKENS " +
      '(default 16) per choice, below which it is 402. The limit in effect is in the header `X-Tokens-Output-Limit`. After the ' +
      'answer, the hold is given back and the actual price charged: `ceil((promptTokens * inputPer1k + completionTokens * outputPer1k) / 1000)`, ' +
      'whatever the model reports: above the hold, what the balance covers is taken and the rest is owed (`owed` on GET /tokens/balance) ' +
      "(headers `X-Tokens-Charged`, `X-Tokens-Remaining`). With `stream: true` the answer is server-sent events: the model's " +
      'chunks as it sent them (tool call deltas and every choice included), then a last chunk before `[DONE]` with ' +
      '`tokens: { charged, remaining }` (and `usage` when `stream_options.include_usage` is true). A stream that breaks or a client ' +
      'that disconnects after output began is charged for the output so far; a client that disconnects before any output, once the ' +
      "model's server took the request, is charged the prompt (`reason: client_aborted`); a model failure before any output is 502 " +
      'UPSTREAM_FAILED and charges nothing. A running request keeps its hold however long it runs. ' +
      "Errors have OpenAI's shape `{ error: { message, type, param, code } }`. " +
      'A user has at most LLM_MAX_CONCURRENT_PER_USER (default 8) completions in flight per app instance, counted from before ' +
      'the hold until the answer or the stream ended: the next is 429 TOO_MANY_REQUESTS with `Retry-After`, holds nothing and ' +
      'does not call the model. A prompt of any size the body limit allows is estimated in slices between which the service ' +
      'keeps answering other requests.',
  })
  @ApiBody({ type: ChatCompletionRequestDto })
  @IdempotentApi()
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({
    type: ChatCompletionDto,
    description: 'The completion (or, with `stream: true`, server-sent chat.completion.chunk events)',
    headers: {
      [OUTPUT_LIMIT_HEADER]: {
        description: 'The output limit per choice the completion ran with',
        schema: { type: 'integer', example: 256 },
      },
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
    @Body(ChatRequestPipe) body: ChatCompletionBody,
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
  private async respond(body: ChatCompletionBody, payerId: string, request: IdempotencyContext, reply: FastifyReply): Promise<void> {
    // The client going away cancels the model's work (and, for a stream, settles what was generated).
    const abort = new AbortController();
    reply.raw.on('close', () => abort.abort());
    if (body.stream) {
      if (request.claim)
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'Idempotency-Key is not supported with stream: true', {
          details: [{ field: 'Idempotency-Key', errors: ['not supported with stream: true'] }],
        });
      return this.stream(payerId, body, request, abort, reply);
    }
    // The X-Tokens-* headers (and Idempotent-Replayed on a replay) are on the reply already.
    void reply.send(await this.completions.complete(payerId, body, abort.signal, request));
  }

  /**
   * Server-sent events, opened only once the first piece arrived: until then a failure (402, a model
   * that failed before any output) is an ordinary error answer.
   */
  private async stream(
    payerId: string,
    body: ChatCompletionBody,
    request: IdempotencyContext,
    abort: AbortController,
    reply: FastifyReply,
  ): Promise<void> {
    const events = this.completions.stream(payerId, body, abort.signal, request);
    // Chunks without output (the role announcement) wait with the headers: a failure before any output stays an error status.
    const quiet: ChatChunk[] = [];
    let next = await events.next();
    for (; !next.done && next.value.kind === 'chunk' && !carriesOutput(next.value.chunk); next = await events.next())
      quiet.push(next.value.chunk);
    const includeUsage = body.stream_options?.include_usage === true;
    let last: Pick<ChatChunk, 'id' | 'created' | 'model'> = {
      id: `chatcmpl-${request.requestId}`,
      created: Math.floor(Date.now() / 1000),
      model: body.model,
    };
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...(reply.getHeaders() as OutgoingHttpHeaders),
      'x-request-id': request.requestId,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const send = (data: unknown) => raw.write(`data: ${JSON.stringify(data)}\n\n`);
    const forward = (whole: ChatChunk) => {
      const { usage, ...chunk } = whole;
      // The model's usage-only chunk: its usage goes out in the last chunk, with the charge.
      if (chunk.choices.length === 0 && usage) return;
      last = chunk;
      send(includeUsage ? whole : chunk);
    };
    try {
      quiet.forEach(forward);
      for (; !next.done; next = await events.next()) {
        const event = next.value;
        if (event.kind === 'chunk') forward(event.chunk);
        else send(settledChunkOf(last, includeUsage ? event.usage : null, event.charge));
      }
      raw.write('data: [DONE]\n\n');
    } catch (error) {
      // After output began the answer cannot become an error status: the stream ends with an error event instead.
      if (!raw.destroyed) send(toOpenAiErrorBody(error));
    } finally {
      raw.end();
    }
  }
}
