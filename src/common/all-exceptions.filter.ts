import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBodyFor } from './openai-error-body.js';

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    // Under /v1 (routes that do not exist included) in OpenAI's shape, which its SDKs read.
    const body = errorBodyFor(request.url, error);
    const reply = http.getResponse<FastifyReply>();
    if (typeof body.retryAfter === 'number') void reply.header('Retry-After', String(body.retryAfter));
    void reply.status(body.statusCode).send({ ...body, requestId: request.id });
  }
}
