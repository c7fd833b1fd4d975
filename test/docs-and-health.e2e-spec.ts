/**
 * Operations and API documentation: /health, Swagger UI and the OpenAPI document, and the
 * error shape for requests that never reach a controller (unknown route, oversized or
 * mistyped bodies).
 */
import { registerUser } from './support/factories.js';
import { expectLedgerConsistent } from './support/ledger-assertions.js';
import { startTestApp, TestApp } from './support/test-app.js';

/** Every route of API.md, in OpenAPI path syntax. */
const ROUTES: [method: string, path: string][] = [
  ['post', '/auth/register'],
  ['post', '/auth/login'],
  ['get', '/users/me'],
  ['post', '/api-keys'],
  ['get', '/api-keys'],
  ['delete', '/api-keys/{id}'],
  ['get', '/plans'],
  ['get', '/subscriptions/me'],
  ['put', '/admin/users/{userId}/subscription'],
  ['get', '/tokens/balance'],
  ['get', '/tokens/transactions'],
  ['get', '/tokens/costs'],
  ['post', '/admin/users/{userId}/tokens/grant'],
  ['post', '/admin/users/{userId}/tokens/deduct'],
  ['get', '/admin/users/{userId}/tokens'],
  ['get', '/admin/tokens/integrity'],
  ['put', '/admin/costs/{action}'],
  ['delete', '/admin/costs/{action}'],
  ['get', '/v1/models'],
  ['get', '/v1/models/{model}'],
  ['post', '/v1/embeddings'],
  ['put', '/admin/models/{model}'],
  ['delete', '/admin/models/{model}'],
  ['get', '/billing/packages'],
  ['post', '/billing/checkout'],
  ['post', '/billing/webhooks/payment'],
  ['post', '/billing/webhooks/stripe'],
  ['get', '/billing/purchases'],
  ['get', '/health'],
  ['get', '/metrics'],
];

/** The nine metered services of API.md and their ledger actions. */
const SERVICES: Record<string, string> = {
  '/services/chat': 'ai_chat_message',
  '/services/calls': 'outbound_call_single',
  '/services/business-collector': 'business_collector',
  '/services/social-posts': 'social_media_post',
  '/services/seo-title': 'generate_seo_title',
  '/services/meta-description': 'generate_meta_description',
  '/services/rewrite': 'ai_rewrite',
  '/services/write-more': 'write_more',
  '/services/find-image': 'find_image',
};

const ONE_MIB = 1024 * 1024;

describe('docs, health and transport errors', () => {
  let t: TestApp;
  let openapi: any;

  beforeAll(async () => {
    t = await startTestApp();
    const response = await t.http.get('/docs-json');
    expect(response.status).toBe(200);
    openapi = response.body;
  });
  afterAll(() => t.close());

  describe('GET /health', () => {
    it("answers 200 with status 'ok' without credentials", async () => {
      const response = await t.http.get('/health');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: 'ok' });
    });
  });

  describe('API documentation', () => {
    it('serves Swagger UI at /docs', async () => {
      const response = await t.http.get('/docs');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
      expect(String(response.body)).toMatch(/<html/i);
    });

    it('serves an OpenAPI document at /docs-json, without credentials', async () => {
      const response = await t.http.get('/docs-json');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      expect(openapi.openapi).toMatch(/^3\./);
      expect(openapi.info).toEqual(expect.objectContaining({ title: expect.any(String), version: expect.any(String) }));
      expect(typeof openapi.paths).toBe('object');
    });

    it.each(ROUTES)('documents %s %s', (method, path) => {
      expect(Object.keys(openapi.paths)).toContain(path);
      expect(Object.keys(openapi.paths[path])).toContain(method);
    });

    it.each(Object.entries(SERVICES))('documents POST %s with its token cost, 201, 402 and a request body schema', (path, action) => {
      const operation = openapi.paths[path]?.post;
      expect(operation).toBeDefined();
      expect(operation['x-token-cost']).toEqual(expect.objectContaining({ action }));
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['201', '402']));

      const schema = operation.requestBody?.content?.['application/json']?.schema;
      expect(schema).toEqual(expect.objectContaining({ $ref: expect.stringMatching(/^#\/components\/schemas\/.+/) }));
      const name = schema.$ref.split('/').pop();
      expect(openapi.components.schemas[name]).toEqual(expect.objectContaining({ type: 'object', properties: expect.any(Object) }));

      // Protected: the operation accepts either credential.
      const security = (operation.security ?? openapi.security ?? []).flatMap((s: object) => Object.keys(s));
      const schemes = openapi.components.securitySchemes;
      expect(security.some((s: string) => schemes[s]?.scheme === 'bearer')).toBe(true);
      expect(security.some((s: string) => schemes[s]?.type === 'apiKey')).toBe(true);
    });

    it('documents the x-token-cost prices the API charges', async () => {
      const user = await registerUser(t.http);
      const costs = (await t.http.get('/tokens/costs', { token: user.token })).body as { action: string; cost: number }[];
      for (const [path, action] of Object.entries(SERVICES)) {
        const documented = openapi.paths[path].post['x-token-cost'];
        expect({ action, price: documented.price }).toEqual({ action, price: costs.find((c) => c.action === action)?.cost });
      }
    });

    it('declares bearer and X-API-Key header security schemes', () => {
      const schemes = Object.values<Record<string, string>>(openapi.components?.securitySchemes ?? {});
      expect(schemes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'http', scheme: 'bearer' }),
          expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
        ]),
      );
    });
  });

  describe('errors outside controllers', () => {
    it('answers an unknown route with 404 NOT_FOUND in the error shape', async () => {
      for (const response of [
        await t.http.get('/no-such-route'),
        await t.http.post('/no/such/route', { a: 1 }),
        await t.http.delete('/plans'),
      ]) {
        expect(response.status).toBe(404);
        expect(response.body).toEqual(expect.objectContaining({ statusCode: 404, code: 'NOT_FOUND', message: expect.any(String) }));
      }
    });

    it('answers a body over 1 MiB with 413 PAYLOAD_TOO_LARGE, and charges nothing', async () => {
      const big = JSON.stringify({ email: 'big@tokens.test', password: 'x'.repeat(ONE_MIB + 10) });
      const register = await t.http.post('/auth/register', undefined, { raw: big });
      expect(register.status).toBe(413);
      expect(register.body).toEqual(expect.objectContaining({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) }));

      const user = await registerUser(t.http);
      const chat = await t.http.post('/services/chat', undefined, {
        token: user.token,
        raw: JSON.stringify({ message: 'x'.repeat(ONE_MIB + 10) }),
      });
      expect(chat.status).toBe(413);
      expect(chat.body.code).toBe('PAYLOAD_TOO_LARGE');
      expect((await expectLedgerConsistent(t.dataSource, user.id)).entries).toHaveLength(1);
    });

    it('accepts a body just under the limit (validation decides, not the transport)', async () => {
      const user = await registerUser(t.http);
      const response = await t.http.post('/services/rewrite', undefined, {
        token: user.token,
        raw: JSON.stringify({ text: 'x'.repeat(ONE_MIB - 100) }),
      });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });

    it.each([
      ['text/plain', 'hello'],
      ['text/plain', '{"message":"hi"}'],
      ['application/xml', '<message>hi</message>'],
      ['application/octet-stream', 'hi'],
    ])('answers a %s body on a JSON route with a 4xx and a code, and charges nothing', async (contentType, raw) => {
      const user = await registerUser(t.http);
      for (const path of ['/auth/login', '/services/chat']) {
        const response = await t.http.post(path, undefined, { token: user.token, raw, headers: { 'content-type': contentType } });
        expect({ path, status: response.status >= 400 && response.status < 500 }).toEqual({ path, status: true });
        expect(response.body).toEqual(
          expect.objectContaining({ statusCode: response.status, code: expect.stringMatching(/^[A-Z][A-Z_]+$/) }),
        );
      }
      expect((await expectLedgerConsistent(t.dataSource, user.id)).entries).toHaveLength(1);
    });
  });
});
