import { Injectable, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type OpenAI from 'openai';
import { AppError, ErrorCode } from '../common/app-error.js';
import { validationError } from '../common/validation.js';
import type { ChatRequest } from './chat-api.js';
import { ChatCompletionRequestDto } from './dto/chat-completion-request.dto.js';

/**
 * A Chat Completions request as a client sent it, validated where the metering needs it (see
 * ChatCompletionRequestDto): the body ChatCompletions takes, from this route or another one that
 * speaks for it.
 */
export type ChatCompletionBody = OpenAI.Chat.Completions.ChatCompletionCreateParams;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Validates a Chat Completions body against ChatCompletionRequestDto and answers it as it was sent:
 * a bad known field is a 400, an unknown one is kept for the upstream. The app's global pipe refuses
 * unknown properties and leaves a body typed with an interface alone, so this route types its body
 * as ChatCompletionBody and validates it here.
 */
@Injectable()
export class ChatRequestPipe implements PipeTransform<unknown, Promise<ChatCompletionBody>> {
  async transform(value: unknown): Promise<ChatCompletionBody> {
    if (!isPlainObject(value))
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'The body must be a JSON object', {
        details: [{ field: 'body', errors: ['must be a JSON object'] }],
      });
    const errors = await validate(plainToInstance(ChatCompletionRequestDto, value), { forbidUnknownValues: true, stopAtFirstError: false });
    if (errors.length > 0) throw validationError(errors);
    return value as unknown as ChatCompletionBody;
  }
}

/**
 * The request an upstream gets: the client's body unchanged but for the model (as the model table
 * names it), the output limit in effect as `max_completion_tokens` (no `max_tokens`), `n`, and no
 * `stream` or `stream_options` (an upstream asks for what it streams itself).
 */
export function upstreamRequestOf(body: ChatCompletionBody, model: string, outputLimit: number, n: number): ChatRequest {
  const { stream: _stream, stream_options: _options, max_tokens: _maxTokens, ...passed } = body;
  return { ...passed, model, max_completion_tokens: outputLimit, n };
}

/** What the request asks for as its output limit: the smaller of `max_tokens` and `max_completion_tokens`, if any. */
export function requestedOutputOf(request: Pick<ChatCompletionBody, 'max_tokens' | 'max_completion_tokens'>): number | undefined {
  const asked = [request.max_tokens, request.max_completion_tokens].filter((value): value is number => typeof value === 'number');
  return asked.length > 0 ? Math.min(...asked) : undefined;
}

/** The choices a request asks for (`n`, default 1). */
export const choicesOf = (body: Pick<ChatCompletionBody, 'n'>): number => (typeof body.n === 'number' ? body.n : 1);
