import type { IncomingMessage } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import { DestinationStream, Level, Logger, pino } from 'pino';
import type { Environment } from '../config/environment.js';

/**
 * Where the JSON log lines go: stdout by default. Tests replace it with an in-memory stream
 * (`overrideProvider(LOG_DESTINATION).useValue({ write: (line) => ... })`).
 */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/** The application's pino logger (one per application instance), built from LOG_LEVEL and LOG_DESTINATION. */
export const APP_LOGGER = Symbol('APP_LOGGER');

/** LOG_LEVEL uses Nest's level names; pino's differ for two of them. */
const PINO_LEVELS: Record<Environment['LOG_LEVEL'], Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * Credentials and signatures never reach a log line: the request log carries headers, so the
 * ones that authenticate (or sign) a request are replaced. Request bodies are not logged at all.
 */
export const REDACTED_HEADERS = ['authorization', 'x-api-key', 'x-signature', 'cookie'] as const;
const CENSOR = '[REDACTED]';

/** The same headers for pino's redaction, wherever a log line carries a request's headers (`req.headers`). */
export const REDACTED_PATHS = REDACTED_HEADERS.map((name) => `req.headers[${JSON.stringify(name)}]`);

/** `headers` with the credentials replaced: a copy when it has one, else the object itself. */
function withoutCredentials(headers: Record<string, unknown>): Record<string, unknown> {
  let censored: Record<string, unknown> | undefined;
  for (const name of REDACTED_HEADERS) {
    if (headers[name] === undefined) continue;
    censored ??= { ...headers };
    censored[name] = CENSOR;
  }
  return censored ?? headers;
}

/** Routes scraped or probed every few seconds: served, but without a request log line. */
const QUIET_ROUTES = new Set(['/metrics', '/health', '/health/ready', '/health/live']);

export function createAppLogger(level: Environment['LOG_LEVEL'], destination: DestinationStream): Logger {
  return pino(
    {
      level: PINO_LEVELS[level],
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: CENSOR },
    },
    destination,
  );
}

export function defaultLogDestination(): DestinationStream {
  return pino.destination({ dest: 1, sync: true });
}

/**
 * nestjs-pino (pino-http) options: one "request completed" line per request, carrying the
 * request id that Fastify assigned (from a well-formed X-Request-Id, else a UUID; middie copies
 * it to the raw request), method, url, redacted headers, status and response time. Logs written
 * while a request is handled carry its `requestId`.
 */
export function httpLoggingParams(logger: Logger): Params {
  return {
    pinoHttp: {
      logger,
      genReqId: (req: IncomingMessage) => req.id ?? 'unknown',
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'requestId' },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      // A 5xx answer has no error object here (an unexpected error is logged where it becomes the
      // error body); pino-http makes one up ("failed with status code 502") whose stack shows only itself.
      customErrorObject: (_req, res, error, value: Record<string, unknown>) =>
        error.message === `failed with status code ${res.statusCode}` ? { ...value, err: undefined } : value,
      autoLogging: {
        // middie strips the matched mount path from req.url; the path as requested is originalUrl.
        ignore: (req: IncomingMessage & { originalUrl?: string }) => QUIET_ROUTES.has((req.originalUrl ?? req.url ?? '').split('?')[0]),
      },
      // The request serializer replaces the credentials itself (once per request, when the request's
      // logger is made), so the request loggers need no redaction pass over every line: cheaper, same lines.
      redact: { paths: [] },
      serializers: {
        req: (req: { id?: string; method?: string; url?: string; headers?: Record<string, unknown>; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          headers: req.headers && withoutCredentials(req.headers),
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
    },
    // Every path. The library's default, '{/*splat}', gets a '/' put in front by @fastify/middie 9.3,
    // which then matches only '/' and '//...': no request would be logged on Fastify.
    forRoutes: [{ path: '/{*splat}', method: RequestMethod.ALL }],
  };
}
