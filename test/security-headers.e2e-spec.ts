/**
 * HTTP hardening: security headers on every answer (the controllers', the error filter's and
 * Fastify's own), a Content-Security-Policy without 'unsafe-eval', CORS only for CORS_ORIGINS,
 * and who may read GET /metrics (the METRICS_TOKEN when it is set, an admin otherwise).
 */
import helmet from 'helmet';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { SECURITY_HEADERS } from '../src/common/http-security.js';
import { loginAdmin, registerUser, TestUser } from './support/factories.js';
import type { HttpResponse } from './support/http-client.js';
import { METRICS_TOKEN } from './support/metrics.js';
import { startTestApp, TestApp } from './support/test-app.js';

const ALLOWED_ORIGIN = 'https://app.example.com';
const OTHER_ORIGIN = 'https://evil.example.net';

/** The headers helmet sets, as the app configures it. */
function expectSecurityHeaders(response: HttpResponse, what: string): void {
  const headers = Object.fromEntries(
    [
      'x-content-type-options',
      'x-frame-options',
      'referrer-policy',
      'cross-origin-opener-policy',
      'cross-origin-resource-policy',
      'strict-transport-security',
    ].map((name) => [name, response.headers.get(name)]),
  );
  expect({ what, headers }).toEqual({
    what,
    headers: {
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'strict-transport-security': 'max-age=31536000',
    },
  });
  expect({ what, csp: response.headers.get('content-security-policy') }).toEqual({
    what,
    csp: expect.stringContaining("default-src 'self'"),
  });
}

const preflight = (t: TestApp, origin: string, path = '/services/chat') =>
  t.http.request('OPTIONS', path, undefined, {
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,idempotency-key',
    },
  });

const expectUnauthenticated = (response: HttpResponse) => {
  expect(response.status).toBe(401);
  expect(response.body).toEqual(expect.objectContaining({ statusCode: 401, code: 'UNAUTHENTICATED', message: expect.any(String) }));
};

describe('security headers, CORS and /metrics access', () => {
  describe('defaults: CORS_ORIGINS and METRICS_TOKEN unset', () => {
    let t: TestApp;
    let user: TestUser;

    beforeAll(async () => {
      t = await startTestApp({ env: { METRICS_TOKEN: '' } });
      user = await registerUser(t.http);
    });
    afterAll(() => t.close());

    it('puts the security headers on successful answers', async () => {
      expectSecurityHeaders(await t.http.get('/health'), 'GET /health');
      expectSecurityHeaders(await t.http.get('/tokens/balance', { token: user.token }), 'GET /tokens/balance');
      expectSecurityHeaders(await t.http.post('/services/chat', { message: 'hi' }, { token: user.token }), 'POST /services/chat');
      expectSecurityHeaders(await t.http.get('/docs'), 'GET /docs');
      expectSecurityHeaders(await t.http.get('/docs/swagger-ui-init.js'), 'GET /docs/swagger-ui-init.js');
    });

    it("sends exactly helmet's headers for the app's options (computed once at start-up, not per request)", async () => {
      // helmet's own middleware, run on a bare answer.
      const answer = new ServerResponse(new IncomingMessage(new Socket()));
      answer.setHeader('X-Powered-By', 'something');
      helmet(SECURITY_HEADERS)(answer.req, answer, () => undefined);
      const expected = answer.getHeaders();
      expect(Object.keys(expected).length).toBeGreaterThan(10);
      expect(expected['x-powered-by']).toBeUndefined();
      for (const response of [await t.http.get('/health'), await t.http.get('/no-such-route'), await t.http.get('/tokens/balance')]) {
        const sent = Object.fromEntries(Object.keys(expected).map((name) => [name, response.headers.get(name)]));
        expect(sent).toEqual(Object.fromEntries(Object.entries(expected).map(([name, value]) => [name, String(value)])));
        expect(response.headers.get('x-powered-by')).toBeNull();
      }
    });

    it("puts them on the error filter's answers", async () => {
      const answers: [string, HttpResponse, number][] = [
        ['401', await t.http.get('/tokens/balance'), 401],
        ['403', await t.http.get('/admin/tokens/integrity', { token: user.token }), 403],
        ['400 validation', await t.http.post('/services/chat', { message: 42 }, { token: user.token }), 400],
        ['402', await t.http.post('/services/write-more', { text: 'more' }, { token: user.token }), 402],
      ];
      for (const [what, response, status] of answers) {
        expect({ what, status: response.status }).toEqual({ what, status });
        expectSecurityHeaders(response, what);
      }
    });

    it("puts them on Fastify's own answers: unknown route, invalid JSON, wrong content type, too large, malformed URL", async () => {
      const answers: [string, HttpResponse, number][] = [
        ['404', await t.http.get('/no-such-route'), 404],
        ['400 invalid JSON', await t.http.post('/auth/login', undefined, { raw: '{"email":' }), 400],
        ['415', await t.http.post('/auth/login', undefined, { raw: 'hello', headers: { 'content-type': 'text/plain' } }), 415],
        ['413', await t.http.post('/auth/login', undefined, { raw: JSON.stringify({ email: 'x'.repeat(1024 * 1024 + 1) }) }), 413],
        ['400 malformed URL', await t.http.get('/plans/%zz'), 400],
      ];
      for (const [what, response, status] of answers) {
        expect({ what, status: response.status, code: response.body?.code }).toEqual({ what, status, code: expect.any(String) });
        expectSecurityHeaders(response, what);
      }
    });

    it("sends a strict Content-Security-Policy: scripts from 'self' only, no 'unsafe-eval', no upgrade to https", async () => {
      for (const path of ['/docs', '/health', '/no-such-route']) {
        const csp = (await t.http.get(path)).headers.get('content-security-policy')!;
        const directives = Object.fromEntries(
          csp
            .split(';')
            .map((d) => d.trim().split(/\s+/))
            .map(([name, ...values]) => [name, values]),
        );
        expect({ path, csp: csp.includes("'unsafe-eval'") }).toEqual({ path, csp: false });
        expect(directives).toEqual(
          expect.objectContaining({
            'default-src': ["'self'"],
            'script-src': ["'self'"],
            'script-src-attr': ["'none'"],
            'object-src': ["'none'"],
            'frame-ancestors': ["'none'"],
          }),
        );
        expect(directives['upgrade-insecure-requests']).toBeUndefined();
      }
    });

    it('sends no CORS headers at all, even to a preflight', async () => {
      const answers = [
        await preflight(t, ALLOWED_ORIGIN),
        await t.http.get('/health', { headers: { origin: ALLOWED_ORIGIN } }),
        await t.http.post('/services/chat', { message: 'hi' }, { token: user.token, headers: { origin: ALLOWED_ORIGIN } }),
      ];
      for (const response of answers) {
        const cors = [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));
        expect(cors).toEqual([]);
      }
    });

    it('answers /metrics to an admin only', async () => {
      expectUnauthenticated(await t.http.get('/metrics'));
      expectUnauthenticated(await t.http.get('/metrics', { token: 'not-a-token' }));
      expectUnauthenticated(await t.http.get('/metrics', { token: METRICS_TOKEN }));
      expectUnauthenticated(await t.http.get('/metrics', { token: user.token }));
      const adminToken = await loginAdmin(t.http);
      const admin = await t.http.get('/metrics', { token: adminToken });
      expect(admin.status).toBe(200);
      expect(admin.text).toMatch(/^# TYPE tokens_charged_total counter$/m);
      const adminKey = (await t.http.post('/api-keys', { name: 'scraper' }, { token: adminToken })).body.key as string;
      expect((await t.http.get('/metrics', { apiKey: adminKey })).status).toBe(200);
    });
  });

  describe(`CORS_ORIGINS=${ALLOWED_ORIGIN} and METRICS_TOKEN set`, () => {
    let t: TestApp;
    let user: TestUser;

    beforeAll(async () => {
      t = await startTestApp({ env: { CORS_ORIGINS: `${ALLOWED_ORIGIN},http://localhost:5173` } });
      user = await registerUser(t.http);
    });
    afterAll(() => t.close());

    it('answers a preflight from a listed origin with 204, the methods and the headers the API uses', async () => {
      const response = await preflight(t, ALLOWED_ORIGIN);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(response.headers.get('access-control-allow-methods')?.split(/,\s*/)).toEqual(
        expect.arrayContaining(['GET', 'POST', 'PUT', 'DELETE']),
      );
      expect(response.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/)).toEqual(
        expect.arrayContaining(['authorization', 'x-api-key', 'content-type', 'idempotency-key']),
      );
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expectSecurityHeaders(response, 'preflight');
    });

    it('lets a listed origin read answers and their token headers, errors included', async () => {
      const charged = await t.http.post('/services/chat', { message: 'hi' }, { token: user.token, headers: { origin: ALLOWED_ORIGIN } });
      expect(charged.status).toBe(201);
      expect(charged.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(charged.headers.get('access-control-expose-headers')?.toLowerCase().split(/,\s*/)).toEqual(
        expect.arrayContaining([
          'x-request-id',
          'x-tokens-charged',
          'x-tokens-remaining',
          'x-tokens-output-limit',
          'retry-after',
          'idempotent-replayed',
        ]),
      );
      const refused = await t.http.get('/tokens/balance', { headers: { origin: 'http://localhost:5173' } });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    });

    it('gives any other origin no Access-Control-Allow-Origin, on a preflight or a request', async () => {
      for (const response of [await preflight(t, OTHER_ORIGIN), await t.http.get('/health', { headers: { origin: OTHER_ORIGIN } })]) {
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
      }
      // A listed origin's scheme or port is part of it.
      expect((await preflight(t, 'http://app.example.com')).headers.get('access-control-allow-origin')).toBeNull();
    });

    it('answers /metrics to the metrics token only', async () => {
      const scraped = await t.http.get('/metrics', { token: METRICS_TOKEN });
      expect(scraped.status).toBe(200);
      expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
      expectUnauthenticated(await t.http.get('/metrics'));
      expectUnauthenticated(await t.http.get('/metrics', { token: `${METRICS_TOKEN}x` }));
      expectUnauthenticated(await t.http.get('/metrics', { token: METRICS_TOKEN.slice(0, -1) }));
      expectUnauthenticated(await t.http.get('/metrics', { headers: { authorization: `Basic ${METRICS_TOKEN}` } }));
      expectUnauthenticated(await t.http.get('/metrics', { token: await loginAdmin(t.http) }));
      expectUnauthenticated(await t.http.get('/metrics', { token: user.token }));
    });

    it('documents the security of /metrics and its 401 in the OpenAPI document', async () => {
      const openapi = (await t.http.get('/docs-json')).body;
      const operation = openapi.paths['/metrics'].get;
      const schemes = (operation.security as object[]).flatMap((s) => Object.keys(s));
      expect(schemes).toContain('metrics-token');
      expect(openapi.components.securitySchemes['metrics-token']).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
      expect(operation.responses['401']).toBeDefined();
    });
  });
});
