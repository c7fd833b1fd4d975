import { applyDecorators, ArgumentsHost, Catch, ExceptionFilter, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '../common/app-error.js';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import { toOpenAiErrorBody } from '../common/openai-error-body.js';

export { openAiErrorType, toOpenAiErrorBody, type OpenAiErrorBody } from '../common/openai-error-body.js';

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
 * and the metering guard's included) get OpenAI's shape (see toOpenAiErrorBody). The API docs show
 * each in that shape (addErrorExamples).
 */
export const OpenAiErrors = (): ClassDecorator & MethodDecorator =>
  applyDecorators(
    UseFilters(OpenAiErrorFilter),
    ApiBadRequestResponse({
      description: 'VALIDATION_FAILED: the request is not valid (`error.param` names the first bad field); nothing is held or charged',
      type: OpenAiErrorBodyDto,
    }),
    ApiUnauthorizedResponse({ description: "On /v1 routes the body also has OpenAI's `error` object", type: OpenAiErrorBodyDto }),
    ApiUnsupportedMediaTypeResponse({
      description: 'UNSUPPORTED_MEDIA_TYPE: the body is not JSON (`Content-Type: application/json`); nothing is held or charged',
      type: OpenAiErrorBodyDto,
    }),
    ApiServiceUnavailableResponse({
      description:
        'LEDGER_UNAVAILABLE: the database cannot be reached; nothing is held or charged and the model is not called (retry later)',
      type: OpenAiErrorBodyDto,
    }),
  );
