import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { addErrorExamples } from './common/error-examples.js';
import { errorBodyFor } from './common/openai-error-body.js';
import { corsOptions, setSecurityHeaders } from './common/http-security.js';
import { serveConsole } from './console/console-pages.js';
import { AppConfig } from './config/app-config.js';

const JSON_CONTENT_TYPE = /^application\/json\s*(;|$)/i;
/** No body of the API nests deeper than a few levels; deeper ones would overflow the stack of recursive validation. */
const MAX_BODY_DEPTH = 32;

/** True when `value` has objects or arrays nested more than `limit` levels deep (checked without recursion). */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
}

/**
 * The contract's error body (OpenAI's shape under /v1), with the request id in body and header, for
 * what the router rejects before any hook or error handler runs.
 */
function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const body = errorBodyFor(request.raw.url, error);
  void reply
    .status(body.statusCode)
    .header('X-Request-Id', request.id)
    .send({ ...body, requestId: request.id });
}

/** Options of the Nest application; the raw body is kept for signed webhooks (req.rawBody). */
export const APP_OPTIONS = { rawBody: true } as const;

/**
 * The HTTP adapter: a server-made id for every request (a client's X-Request-Id is never used as one), a 1 MiB body limit,
 * and X-Forwarded-For believed only from the proxies TRUST_PROXY names (the client address rate limits count by).
 */
export function createFastifyAdapter(options: { trustProxy?: boolean | string[] } = {}): FastifyAdapter {
  return new FastifyAdapter({
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 1024 * 1024,
    requestIdHeader: false,
    // The router answers a malformed URL (400) or an over-long path parameter (414) before any hook
    // or error handler runs: those answers get the contract's error body and the security headers too.
    frameworkErrors: (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
      setSecurityHeaders(request.raw, reply.raw);
      sendError(error, request, reply);
    },
    genReqId: () => randomUUID(),
  });
}

/** Everything serve.ts and the tests share: security headers, CORS, error shape for Fastify's own errors, request ids, API docs. */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // Added before the hooks below, so it runs first and the answers they refuse carry the headers too.
  fastify.addHook('onRequest', (request, reply, done) => {
    setSecurityHeaders(request.raw, reply.raw);
    done();
  });
  const origins = app.get(AppConfig).get('CORS_ORIGINS');
  if (origins.length > 0) app.enableCors(corsOptions(origins));

  fastify.addHook('onSend', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
    // A CORS preflight is answered by the adapter's first hook, before the one above: it gets the headers here.
    if (!reply.raw.hasHeader('x-content-type-options')) setSecurityHeaders(request.raw, reply.raw);
  });
  // The API speaks JSON only: form and text bodies are refused before any route runs.
  fastify.addHook('onRequest', async (request) => {
    const type = request.headers['content-type'];
    if (type !== undefined && !JSON_CONTENT_TYPE.test(type)) {
      throw Object.assign(new Error('Content-Type must be application/json'), { statusCode: 415 });
    }
  });
  fastify.addHook('preValidation', async (request) => {
    if (nestedDeeperThan(request.body, MAX_BODY_DEPTH)) {
      throw Object.assign(new Error(`The body is nested more than ${MAX_BODY_DEPTH} levels deep`), { statusCode: 400 });
    }
  });
  // Errors Fastify raises before a route runs (invalid JSON, body too large, the hooks above) reach
  // the error handler Nest installs when the app starts, which hands them to AllExceptionsFilter:
  // a second handler here would only be overridden by it (Fastify warning FSTWRN004).
  app.enableShutdownHooks();

  const document = addErrorExamples(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Token metering API')
        .setDescription(
          'API work sold for prepaid tokens. Metered routes declare their cost (see `x-token-cost` and each 201 description), ' +
            'charge before the work runs, refund when it fails, and answer 402 INSUFFICIENT_TOKENS when the balance is short.',
        )
        .setVersion('1.0')
        // Relative to the host that serves this document, so it stays right behind any host name or port.
        .addServer('/', 'This service (the host that serves this document)')
        // Every tag a controller uses, in the order Swagger UI shows them.
        .addTag('auth', 'Sign-up, login and logout: access tokens and their sessions')
        .addTag('users', 'The signed-in user: profile, plan, balance and password')
        .addTag('api keys', "The caller's API keys; managing them needs a session, an API key cannot")
        .addTag('plans and subscriptions', "The plan catalog and the caller's subscription and billing period")
        .addTag('tokens', "The caller's balance, ledger and effective prices; never metered")
        .addTag('services', 'The metered work: each call is charged before it runs and refunded if it fails')
        .addTag(
          'ai completions',
          'OpenAI-compatible (`baseURL = <service>/v1`): the models and their prices; completions are metered by actual usage',
        )
        .addTag('billing', "Buying token packages, and the payment providers' webhooks; never metered")
        .addTag('alerts', 'Balance alerts posted to your webhook, signed, delivered at least once and in order; never metered')
        .addTag(
          'admin',
          'Admin only: token grants and deducts, plan changes, price overrides, AI models and their prices, the integrity report',
        )
        .addTag('operations', 'Health check and Prometheus metrics, for monitoring')
        // What the Authorize dialog shows in each box: which credential goes where.
        .addBearerAuth({
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'access token or API key',
          description:
            'An access token (`accessToken` of POST /auth/login or /auth/register), or an API key (POST /api-keys), ' +
            'sent as `Authorization: Bearer <token>`',
        })
        .addBearerAuth(
          {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'METRICS_TOKEN',
            description: 'The METRICS_TOKEN of the server (its environment), for GET /metrics only',
          },
          'metrics-token',
        )
        .addApiKey(
          { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key (POST /api-keys), sent as `X-API-Key: <key>`' },
          'api-key',
        )
        .build(),
    ),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  await serveConsole(app);
}
