/**
 * The models of the AI completions over real HTTP, on the real app and database: GET /v1/models
 * (with an API key as the bearer token, as the OpenAI SDK sends it, and through the SDK itself),
 * the admin routes that add, reprice and remove models (validated, admin only), a change visible
 * to the next request on another instance, and OpenAI-shaped errors on /v1.
 */
import OpenAI, { AuthenticationError, BadRequestError, NotFoundError } from 'openai';
import { FakeOpenAi } from '../support/fake-openai.js';
import { loginAdmin, registerUser, TestUser } from '../support/factories.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { TEST_DB } from '../support/test-database.js';

const LOCAL = {
  id: 'local',
  object: 'model',
  created: expect.any(Number),
  owned_by: 'local',
  pricing: { inputPer1k: 10, outputPer1k: 30 },
  maxOutputTokens: 1024,
};
const PRICES = { inputPer1k: 150, outputPer1k: 600, maxOutputTokens: 4096 };

describe(`AI models and prices (${TEST_DB})`, () => {
  let t: TestApp;
  let adminToken: string;
  let user: TestUser;
  let apiKey: string;
  const fake = new FakeOpenAi();

  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  const models = (token = apiKey) => t.http.get('/v1/models', bearer(token));
  const put = (model: string, body: unknown, token = adminToken) => t.http.put(`/admin/models/${model}`, body, { token });
  const remove = (model: string, token = adminToken) => t.http.delete(`/admin/models/${model}`, { token });

  beforeAll(async () => {
    await fake.start();
    t = await startTestApp();
    adminToken = await loginAdmin(t.http);
    user = await registerUser(t.http);
    apiKey = (await t.http.post('/api-keys', { name: 'sdk' }, { token: user.token })).body.key;
    expect(apiKey).toMatch(/^tk_/);
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });

  it('the migration seeds the built-in model local (10 / 30 tokens per 1k, 1024 output tokens)', async () => {
    const rows = await t.dataSource.query('SELECT model, input_per_1k, output_per_1k, max_output_tokens FROM ai_models');
    expect(rows.map((row: Record<string, unknown>) => Object.values(row).map(String))).toEqual([['local', '10', '30', '1024']]);
  });

  it('entities and migrations agree: no pending schema change', async () => {
    const diff = await t.dataSource.driver.createSchemaBuilder().log();
    expect(diff.upQueries.map((query) => query.query)).toEqual([]);
  });

  describe('GET /v1/models', () => {
    it('lists the models with their prices for an API key sent as the bearer token', async () => {
      const response = await models();
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ object: 'list', data: [LOCAL] });
      expect(Math.abs(response.body.data[0].created - Date.now() / 1000)).toBeLessThan(3600);
    });

    it('answers the same with X-API-Key and with an access token, and is never metered', async () => {
      const before = (await t.http.get('/tokens/balance', { token: user.token })).body.balance;
      expect((await t.http.get('/v1/models', { apiKey })).body).toEqual({ object: 'list', data: [LOCAL] });
      expect((await t.http.get('/v1/models', { token: user.token })).body).toEqual({ object: 'list', data: [LOCAL] });
      expect((await t.http.get('/tokens/balance', { token: user.token })).body.balance).toBe(before);
    });

    it('works with the official OpenAI SDK (baseURL <service>/v1, apiKey an API key)', async () => {
      const client = new OpenAI({ baseURL: `${t.http.baseUrl}/v1`, apiKey, maxRetries: 0 });
      const listed = [];
      for await (const model of client.models.list()) listed.push(model);
      expect(listed).toEqual([LOCAL]);
    });

    it("answers 401 in OpenAI's error shape (and the usual fields) without valid credentials; the SDK reads it", async () => {
      for (const headers of [{}, { authorization: 'Bearer tk_not-a-key' }, { authorization: 'Bearer not-a-jwt' }] as Record<
        string,
        string
      >[]) {
        const response = await t.http.get('/v1/models', { headers });
        expect(response.status).toBe(401);
        expect(response.body).toMatchObject({
          error: { message: expect.any(String), type: 'authentication_error', code: 'UNAUTHENTICATED', param: null },
          statusCode: 401,
          code: 'UNAUTHENTICATED',
          requestId: response.headers.get('x-request-id'),
        });
      }
      const client = new OpenAI({ baseURL: `${t.http.baseUrl}/v1`, apiKey: 'tk_revoked-or-wrong', maxRetries: 0 });
      const failure = await client.models.list().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AuthenticationError);
      expect(failure).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', type: 'authentication_error' });
    });
  });

  describe('GET /v1/models/:model', () => {
    const one = (model: string, token = apiKey) => t.http.get(`/v1/models/${model}`, bearer(token));

    it('answers one model exactly as the list shows it, raw and through the SDK (models.retrieve)', async () => {
      const response = await one('local');
      expect(response.status).toBe(200);
      expect(response.body).toEqual((await models()).body.data[0]);
      expect(response.body).toEqual(LOCAL);
      const client = new OpenAI({ baseURL: `${t.http.baseUrl}/v1`, apiKey, maxRetries: 0 });
      expect(await client.models.retrieve('local')).toEqual(LOCAL);
    });

    it("an unknown model, or one no upstream serves, is 404 NOT_FOUND in OpenAI's shape; the SDK throws NotFoundError", async () => {
      expect((await put('gpt-4o-mini', PRICES)).status).toBe(200);
      try {
        for (const model of ['nope', 'gpt-4o-mini', encodeURIComponent('meta-llama/Llama-3.1-8B')]) {
          const response = await one(model);
          expect([model, response.status]).toEqual([model, 404]);
          expect(response.body).toMatchObject({
            error: {
              message: expect.stringContaining(decodeURIComponent(model)),
              type: 'invalid_request_error',
              code: 'NOT_FOUND',
              param: null,
            },
            statusCode: 404,
            code: 'NOT_FOUND',
          });
        }
        const client = new OpenAI({ baseURL: `${t.http.baseUrl}/v1`, apiKey, maxRetries: 0 });
        const failure = await client.models.retrieve('nope').catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(NotFoundError);
        expect(failure).toMatchObject({ status: 404, code: 'NOT_FOUND', type: 'invalid_request_error' });
        expect((failure as NotFoundError).message).toBe("404 Model 'nope' not found");
      } finally {
        expect((await remove('gpt-4o-mini')).status).toBe(204);
      }
    });

    it('serves the models of an upstream once LLM_BASE_URL is set, ids with a slash included (sent as %2F)', async () => {
      const other = await startTestApp({ database: t.database, env: { LLM_BASE_URL: fake.baseUrl } });
      const model = 'meta-llama/Llama-3.1-8B-Instruct';
      try {
        expect((await put(encodeURIComponent(model), PRICES)).status).toBe(200);
        const client = new OpenAI({ baseURL: `${other.http.baseUrl}/v1`, apiKey, maxRetries: 0 });
        const listed = (await other.http.get('/v1/models', bearer(apiKey))).body.data.find((item: { id: string }) => item.id === model);
        expect(listed).toMatchObject({ id: model, owned_by: 'upstream', pricing: { inputPer1k: 150, outputPer1k: 600 } });
        expect(await client.models.retrieve(model)).toEqual(listed);
        // Not routed as two path segments: an unencoded slash is another path.
        expect((await other.http.get(`/v1/models/${model}`, bearer(apiKey))).status).toBe(404);
      } finally {
        expect((await remove(encodeURIComponent(model))).status).toBe(204);
        await other.close({ keepDatabase: true });
      }
    });

    it.each([
      ['a leading dash', '-model'],
      ['a space', 'gpt%204o'],
      ['65 characters', 'x'.repeat(65)],
      ['a quote', encodeURIComponent("x' OR '1'='1")],
      ['an emoji', encodeURIComponent('💥')],
      ['a NUL byte', '%00'],
      ['dot segments', encodeURIComponent('../etc')],
    ])("a model id with %s is 400 VALIDATION_FAILED in OpenAI's shape, never a 500", async (_label, model) => {
      const response = await one(model);
      expect([response.status, response.body.code, response.body.error?.code]).toEqual([400, 'VALIDATION_FAILED', 'VALIDATION_FAILED']);
      expect(response.body.error).toMatchObject({ type: 'invalid_request_error', param: 'model' });
    });

    it('the SDK reads a bad id as BadRequestError; without credentials it is 401 in OpenAI shape', async () => {
      const client = new OpenAI({ baseURL: `${t.http.baseUrl}/v1`, apiKey, maxRetries: 0 });
      expect(await client.models.retrieve('-bad').catch((error: unknown) => error)).toBeInstanceOf(BadRequestError);
      const anonymous = await t.http.get('/v1/models/local');
      expect([anonymous.status, anonymous.body.error?.type]).toEqual([401, 'authentication_error']);
    });
  });

  describe('PUT and DELETE /admin/models/:model', () => {
    it('adds a model: 200 with the model; admins list it; /v1/models leaves it out while no upstream serves it', async () => {
      const response = await put('gpt-4o-mini', PRICES);
      expect(response.status).toBe(200);
      // Without LLM_BASE_URL the model's upstream (default) is not configured here: stored, not served.
      expect(response.body).toEqual({ model: 'gpt-4o-mini', ...PRICES, upstream: 'default', served: false, updatedAt: expect.any(String) });
      expect(Math.abs(Date.parse(response.body.updatedAt) - Date.now())).toBeLessThan(60_000);

      const listed = await t.http.get('/admin/models', { token: adminToken });
      expect(listed.status).toBe(200);
      expect(listed.body.map((model: { model: string }) => model.model)).toEqual(['gpt-4o-mini', 'local']);
      expect((await models()).body.data).toEqual([LOCAL]);
      expect((await remove('gpt-4o-mini')).status).toBe(204);
    });

    it('reprices a model: the next request shows the new prices, on this instance and on another one', async () => {
      const other = await startTestApp({ database: t.database, env: { LLM_BASE_URL: fake.baseUrl } });
      try {
        expect((await put('local', { inputPer1k: 12, outputPer1k: 36, maxOutputTokens: 512 })).status).toBe(200);
        const repriced = { ...LOCAL, pricing: { inputPer1k: 12, outputPer1k: 36 }, maxOutputTokens: 512 };
        expect((await models()).body.data).toEqual([repriced]);
        expect((await other.http.get('/v1/models', bearer(apiKey))).body.data).toEqual([repriced]);

        // With an upstream (LLM_BASE_URL), every priced model is listed.
        expect((await put('gpt-4o-mini', PRICES)).status).toBe(200);
        expect((await other.http.get('/v1/models', bearer(apiKey))).body.data).toEqual([
          {
            id: 'gpt-4o-mini',
            object: 'model',
            created: expect.any(Number),
            owned_by: 'upstream',
            pricing: { inputPer1k: 150, outputPer1k: 600 },
            maxOutputTokens: 4096,
          },
          repriced,
        ]);
        expect((await remove('gpt-4o-mini')).status).toBe(204);
        expect((await other.http.get('/v1/models', bearer(apiKey))).body.data).toEqual([repriced]);
      } finally {
        await other.close({ keepDatabase: true });
        expect((await put('local', { inputPer1k: 10, outputPer1k: 30, maxOutputTokens: 1024 })).status).toBe(200);
      }
      expect((await models()).body.data).toEqual([LOCAL]);
    });

    it('takes model ids with a slash (sent as %2F), dots, colons and underscores', async () => {
      for (const model of ['meta-llama/Llama-3.1-8B-Instruct', 'llama3.2:3b', 'mistral_small.v2', 'x'.repeat(64)]) {
        const response = await put(encodeURIComponent(model), PRICES);
        expect([response.status, response.body.model]).toEqual([200, model]);
        expect((await remove(encodeURIComponent(model))).status).toBe(204);
      }
    });

    it('accepts 0 prices (free) and the bounds of maxOutputTokens', async () => {
      for (const body of [
        { inputPer1k: 0, outputPer1k: 0, maxOutputTokens: 1 },
        { inputPer1k: 1_000_000_000, outputPer1k: 1_000_000_000, maxOutputTokens: 1_000_000 },
      ]) {
        const response = await put('bounds-model', body);
        expect([response.status, response.body]).toEqual([
          200,
          { model: 'bounds-model', ...body, upstream: 'default', served: false, updatedAt: expect.any(String) },
        ]);
      }
      expect((await remove('bounds-model')).status).toBe(204);
    });

    it('removes a model: 204, then 404 (a repeat changes nothing); an unknown model is 404', async () => {
      expect((await put('to-remove', PRICES)).status).toBe(200);
      expect((await remove('to-remove')).status).toBe(204);
      const again = await remove('to-remove');
      expect([again.status, again.body.code]).toEqual([404, 'NOT_FOUND']);
      expect((await remove('never-existed')).status).toBe(404);
      expect((await t.http.get('/admin/models', { token: adminToken })).body.map((model: { model: string }) => model.model)).toEqual([
        'local',
      ]);
    });

    it('can remove local itself (no model is listed then) and add it back', async () => {
      expect((await remove('local')).status).toBe(204);
      expect((await models()).body).toEqual({ object: 'list', data: [] });
      expect((await put('local', { inputPer1k: 10, outputPer1k: 30, maxOutputTokens: 1024 })).status).toBe(200);
      expect((await models()).body.data).toEqual([LOCAL]);
    });

    it.each([
      ['missing maxOutputTokens', { inputPer1k: 1, outputPer1k: 1 }, 'maxOutputTokens'],
      ['a negative price', { ...PRICES, inputPer1k: -1 }, 'inputPer1k'],
      ['a fractional price', { ...PRICES, outputPer1k: 1.5 }, 'outputPer1k'],
      ['a price as a string', { ...PRICES, inputPer1k: '150' }, 'inputPer1k'],
      ['a price above 1e9', { ...PRICES, outputPer1k: 1_000_000_001 }, 'outputPer1k'],
      ['an unsafe integer price', { ...PRICES, inputPer1k: 2 ** 53 + 2 }, 'inputPer1k'],
      ['maxOutputTokens 0', { ...PRICES, maxOutputTokens: 0 }, 'maxOutputTokens'],
      ['maxOutputTokens above 1,000,000', { ...PRICES, maxOutputTokens: 1_000_001 }, 'maxOutputTokens'],
      ['null', { ...PRICES, maxOutputTokens: null }, 'maxOutputTokens'],
      ['an unknown property', { ...PRICES, currency: 'usd' }, 'currency'],
      ['an inherited property name', { ...PRICES, constructor: 1 }, 'constructor'],
    ])('answers 400 VALIDATION_FAILED for %s, naming the field, and stores nothing', async (_label, body, field) => {
      const response = await put('gpt-4o-mini', body);
      expect([response.status, response.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(response.body.details.map((detail: { field: string }) => detail.field)).toContain(field);
      expect((await t.http.get('/admin/models', { token: adminToken })).body.map((model: { model: string }) => model.model)).toEqual([
        'local',
      ]);
    });

    it.each([
      ['a leading dash', '-model'],
      ['a leading dot', '.hidden'],
      ['dot segments', encodeURIComponent('../etc')],
      ['65 characters', 'x'.repeat(65)],
      ['a space', 'gpt%204o'],
      ['an emoji', encodeURIComponent('💥')],
      ['a quote', encodeURIComponent("x' OR '1'='1")],
      ['a NUL byte', '%00'],
    ])('answers 400 for a model id with %s, on PUT and DELETE', async (_label, model) => {
      const set = await put(model, PRICES);
      expect([set.status, set.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      const removed = await remove(model);
      expect([removed.status, removed.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });

    it('answers a non-admin 403 (access token or API key), and anonymous callers 401', async () => {
      for (const token of [user.token, apiKey]) {
        expect((await put('gpt-4o-mini', PRICES, token)).status).toBe(403);
        expect((await remove('local', token)).status).toBe(403);
        expect((await t.http.get('/admin/models', bearer(token))).status).toBe(403);
      }
      expect((await t.http.put('/admin/models/gpt-4o-mini', PRICES)).status).toBe(401);
      expect((await t.http.delete('/admin/models/local')).status).toBe(401);
      expect((await models()).body.data).toEqual([LOCAL]);
    });
  });
});
