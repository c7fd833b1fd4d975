import helmet, { type HelmetOptions } from 'helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The options of @fastify/cors, which Nest's Fastify adapter registers for enableCors(). */
type CorsOptions = NonNullable<Parameters<NestFastifyApplication['enableCors']>[0]>;

/**
 * Security headers of every answer (helmet's, set by setSecurityHeaders). The web console (src/console)
 * and the API get a policy without 'unsafe-inline' or 'unsafe-eval': the console's scripts and
 * stylesheet are files under /assets, and React sets styles through the CSSOM, which the policy allows.
 * Swagger UI at /docs (@nestjs/swagger) loads its scripts from /docs itself (no inline script, no eval)
 * but has inline <style> blocks and style attributes, and draws icons as data: images: only its pages
 * (DOCS_SECURITY_HEADERS) allow inline styles.
 *
 * The service runs behind a TLS-terminating proxy in production, so it cannot tell http from
 * https itself. Strict-Transport-Security is sent anyway: browsers ignore it on plain http (local
 * use stays possible) and keep it when it reaches them over the proxy's https. It leaves out
 * includeSubDomains, which would bind hosts of the domain this service does not own.
 * upgrade-insecure-requests is not sent: on plain http it would send /docs' own assets to https.
 *
 * No value may depend on the request (no function directive, no nonce): the headers are computed once.
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
      styleSrc: ["'self'"],
    },
  },
  strictTransportSecurity: { maxAge: 365 * 24 * 3600, includeSubDomains: false },
  // What frame-ancestors 'none' says, for browsers that only know the older header.
  xFrameOptions: { action: 'deny' },
} satisfies HelmetOptions;

/** The same, with inline styles allowed: Swagger UI's pages under /docs only. */
export const DOCS_SECURITY_HEADERS = {
  ...SECURITY_HEADERS,
  contentSecurityPolicy: {
    ...SECURITY_HEADERS.contentSecurityPolicy,
    directives: { ...SECURITY_HEADERS.contentSecurityPolicy.directives, styleSrc: ["'self'", "'unsafe-inline'"] },
  },
} satisfies HelmetOptions;

const DOCS_PATH = /^\/docs(\/|\?|$)/;

/** What helmet's middleware does to an answer with `options`: the headers it sets, in its order, and those it removes. */
export function helmetHeaders(options: HelmetOptions): { set: [string, string][]; removed: string[] } {
  const set: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      if (typeof value !== 'string') throw new Error(`helmet set ${name} to a ${typeof value}: only fixed string values are supported`);
      set.push([name, value]);
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  };
  const request = new Proxy({} as IncomingMessage, {
    get() {
      throw new Error('a security header depends on the request: it cannot be computed once');
    },
  });
  // helmet 8 throws an invalid option (it no longer passes it to the callback).
  helmet(options)(request, recorder as unknown as ServerResponse, () => undefined);
  return { set, removed };
}

/**
 * Sets the security headers on an answer: a hook of every request (configureApp), and for answers given
 * before the hooks run: those of Fastify's router (a malformed URL, before any hook) and CORS preflights
 * (answered by the adapter's first hook). What helmet(SECURITY_HEADERS) sets, computed once at start-up:
 * helmet's own middleware (and @fastify/helmet, which builds that middleware again for every request)
 * costs more than setting the dozen fixed headers.
 */
export const setSecurityHeaders: (request: IncomingMessage, response: ServerResponse) => void = (() => {
  const strict = helmetHeaders(SECURITY_HEADERS);
  const docs = helmetHeaders(DOCS_SECURITY_HEADERS);
  return (request, response) => {
    const { set, removed } = DOCS_PATH.test(request.url ?? '') ? docs : strict;
    for (const [name, value] of set) response.setHeader(name, value);
    for (const name of removed) response.removeHeader(name);
  };
})();

/** Headers a browser may send cross-origin, and those of our answers it may read. */
const ALLOWED_HEADERS = ['Authorization', 'X-API-Key', 'Content-Type', 'Idempotency-Key'];
const EXPOSED_HEADERS = [
  'X-Request-Id',
  'X-Tokens-Charged',
  'X-Tokens-Remaining',
  'X-Tokens-Output-Limit',
  'Retry-After',
  'Idempotent-Replayed',
];

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
