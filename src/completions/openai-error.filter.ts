import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorBody } from '../common/error-response.js';

/** OpenAI's error `type` for an HTTP status, so its SDKs raise the matching error class. */
function typeOf(status: number): string {
  if (status === 400 || status === 404 || status === 409 || status === 413 || status === 422) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'insufficient_quota';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  return 'api_error';
}

/**
 * Errors of the OpenAI-compatible routes in OpenAI's shape, `{ error: { message, type, param, code } }`,
 * with this service's status and `code` (INSUFFICIENT_TOKENS, VALIDATION_FAILED, ...).
 */
@Catch()
export class OpenAiErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { statusCode, code, message, details, retryAfter } = toErrorBody(error);
    if (typeof retryAfter === 'number') void reply.header('Retry-After', String(retryAfter));
    const param = Array.isArray(details) ? ((details[0] as { field?: string } | undefined)?.field ?? null) : null;
    void reply.status(statusCode).send({ error: { message, type: typeOf(statusCode), param, code, request_id: request.id } });
  }
}
