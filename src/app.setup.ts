import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { toErrorBody } from './common/error-response.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const JSON_CONTENT_TYPE = /^application\/json\s*(;|$)/i;

/** Options of the Nest application; the raw body is kept for signed webhooks (req.rawBody). */
export const APP_OPTIONS = { rawBody: true } as const;

/** The HTTP adapter: request ids from X-Request-Id when well-formed, a 1 MiB body limit. */
export function createFastifyAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: 1024 * 1024,
    requestIdHeader: false,
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const header = request.headers['x-request-id'];
      return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    },
  });
}

/** Everything main.ts and the tests share: error shape for Fastify's own errors, request ids, API docs. */
export function configureApp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });
  // The API speaks JSON only: form and text bodies are refused before any route runs.
  fastify.addHook('onRequest', async (request) => {
    const type = request.headers['content-type'];
    if (type !== undefined && !JSON_CONTENT_TYPE.test(type)) {
      throw Object.assign(new Error('Content-Type must be application/json'), { statusCode: 415 });
    }
  });
  // Errors raised by Fastify before Nest sees the request (invalid JSON, body too large).
  fastify.setErrorHandler((error, request, reply) => {
    const body = toErrorBody(error);
    void reply.status(body.statusCode).send({ ...body, requestId: request.id });
  });
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Token metering API')
      .setDescription(
        'API work sold for prepaid tokens. Metered routes declare their cost (see `x-token-cost` and each 201 description), ' +
          'charge before the work runs, refund when it fails, and answer 402 INSUFFICIENT_TOKENS when the balance is short.',
      )
      .setVersion('1.0')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
