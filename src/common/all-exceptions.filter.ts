import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorBody } from './error-response.js';

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const body = toErrorBody(error);
    const reply = http.getResponse<FastifyReply>();
    if (typeof body.retryAfter === 'number') void reply.header('Retry-After', String(body.retryAfter));
    void reply.status(body.statusCode).send({ ...body, requestId: request.id });
  }
}
