import helmet, { type HelmetOptions } from 'helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The options of @fastify/cors, which Nest's Fastify adapter registers for enableCors(). */
type CorsOptions = NonNullable<Parameters<NestFastifyApplication['enableCors']>[0]>;

/**
 * Security headers of every answer (@fastify/helmet). The API answers JSON; the only HTML is
 * Swagger UI at /docs (@nestjs/swagger), whose page loads its scripts from /docs itself
 * (swagger-ui-bundle.js, swagger-ui-init.js: no inline script, no eval), but has inline <style>
 * blocks and style attributes, and its stylesheet draws icons as data: images. Scripts are held to
 * 'self'; only styles get 'unsafe-inline'.
 *
 * The service runs behind a TLS-terminating proxy in production, so it cannot tell http from
 * https itself. Strict-Transport-Security is sent anyway: browsers ignore it on plain http (local
 * use stays possible) and keep it when it reaches them over the proxy's https. It leaves out
 * includeSubDomains, which would bind hosts of the domain this service does not own.
 * upgrade-insecure-requests is not sent: on plain http it would send /docs' own assets to https.
 */
export const SECURITY_HEADERS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'self'"],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      imgSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
    },
  },
  strictTransportSecurity: { maxAge: 365 * 24 * 3600, includeSubDomains: false },
  // What frame-ancestors 'none' says, for browsers that only know the older header.
  xFrameOptions: { action: 'deny' },
} satisfies HelmetOptions;

/**
 * The same headers for answers given before @fastify/helmet's hook runs: those of Fastify's router
 * (a malformed URL, before any hook) and CORS preflights (answered by the adapter's first hook).
 */
export const setSecurityHeaders: (request: IncomingMessage, response: ServerResponse) => void = (() => {
  const middleware = helmet(SECURITY_HEADERS);
  return (request, response) => middleware(request, response, () => undefined);
})();

/** Headers a browser may send cross-origin, and those of our answers it may read. */
const ALLOWED_HEADERS = ['Authorization', 'X-API-Key', 'Content-Type', 'Idempotency-Key'];
const EXPOSED_HEADERS = ['X-Request-Id', 'X-Tokens-Charged', 'X-Tokens-Remaining', 'Retry-After', 'Idempotent-Replayed'];

/**
 * CORS for the listed origins only; any other origin gets no Access-Control-Allow-Origin. The API
 * authenticates with headers, never cookies, so credentials stay off.
 */
export function corsOptions(origins: string[]): CorsOptions {
  return {
    origin: origins,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
  };
}
