import { applyDecorators, ArgumentsHost, Catch, ExceptionFilter, UseFilters } from '@nestjs/common';
import { ApiProperty, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '../common/app-error.js';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import { toErrorBody, type ErrorBody } from '../common/error-response.js';

/** OpenAI's error `type` for an HTTP status. */
export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'insufficient_quota';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

export class OpenAiErrorDto {
  @ApiProperty({ example: 'Missing, invalid or revoked credentials' })
  message: string;

  @ApiProperty({
    enum: ['invalid_request_error', 'authentication_error', 'insufficient_quota', 'permission_error', 'rate_limit_error', 'api_error'],
    example: 'authentication_error',
  })
  type: string;

  @ApiProperty({ enum: ErrorCode, example: ErrorCode.UNAUTHENTICATED, description: "This service's stable error code" })
  code: ErrorCode;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'The first bad field, on VALIDATION_FAILED' })
  param: string | null;
}

/** Swagger: the error body of a /v1 route. */
export class OpenAiErrorBodyDto extends ErrorBodyDto {
  @ApiProperty({ type: OpenAiErrorDto, description: "OpenAI's error object, which OpenAI SDKs read" })
  error: OpenAiErrorDto;
}

/** The answer body of an error on a /v1 route. */
export interface OpenAiErrorBody extends ErrorBody {
  error: { message: string; type: string; code: string; param: string | null };
}

/**
 * The error body of a /v1 route: OpenAI's `{ error: { message, type, code, param } }`, which the
 * OpenAI SDKs read (`code` is this service's stable code, e.g. INSUFFICIENT_TOKENS), beside the
 * fields every other route answers with (`statusCode`, `code`, `message`, details, `requestId`),
 * so clients of either kind read it. Same HTTP statuses as everywhere.
 */
export function toOpenAiErrorBody(error: unknown): OpenAiErrorBody {
  const body = toErrorBody(error);
  const field = Array.isArray(body.details) ? (body.details as { field?: unknown }[])[0]?.field : undefined;
  return {
    error: {
      message: body.message,
      type: openAiErrorType(body.statusCode),
      code: body.code,
      param: typeof field === 'string' ? field : null,
    },
    ...body,
  };
}

@Catch()
export class OpenAiErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = toOpenAiErrorBody(error);
    if (typeof body.retryAfter === 'number') void reply.header('Retry-After', String(body.retryAfter));
    void reply.status(body.statusCode).send({ ...body, requestId: request.id });
  }
}

/**
 * For the controllers of the OpenAI-compatible /v1 routes: their errors (the authentication guard's
 * and the metering guard's included) get OpenAI's shape (see toOpenAiErrorBody).
 */
export const OpenAiErrors = (): ClassDecorator & MethodDecorator =>
  applyDecorators(
    UseFilters(OpenAiErrorFilter),
    ApiUnauthorizedResponse({ description: "On /v1 routes the body also has OpenAI's `error` object", type: OpenAiErrorBodyDto }),
  );
