/**
 * Every error under /v1 has OpenAI's shape `{ error: { message, type, param, code } }` beside the
 * usual fields, whoever answers it: a route's own errors, the authentication guard, Nest's router
 * (a path or a method that does not exist), and Fastify itself (a body over 1 MiB, a content type
 * that is not JSON, malformed JSON, a malformed URL). Checked over raw HTTP (node:http, byte for
 * byte) and through the official `openai` SDK, whose errors must carry the body (`.error`,
 * `.status`, `.code`, the message), never "status code (no body)". Other paths keep their shape.
 */
import http from 'node:http';
import OpenAI, { APIError, AuthenticationError, NotFoundError } from 'openai';
import { registerUser } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TEST_DB } from '../support/test-database.js';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  json: any;
}

const TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'invalid_request_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
};

describe(`OpenAI's error shape on every /v1 path (${TEST_DB})`, () => {
  let t: TestApp;
  let key: string;
  let port: number;
  let sdk: OpenAI;

  beforeAll(async () => {
    t = await startTestApp();
    const user = await registerUser(t.http);
    key = (await t.http.post('/api-keys', { name: 'sdk' }, { token: user.token })).body.key;
    port = Number(new URL(t.http.baseUrl).port);
    sdk = new OpenAI({ baseURL: `${t.http.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
  });
  afterAll(() => t?.close());

  /** A request sent byte for byte as given (path unnormalised, any body and content type). */
  function send(method: string, path: string, options: { body?: string | Buffer; headers?: Record<string, string> } = {}) {
    return new Promise<RawResponse>((resolve, reject) => {
      const headers = { ...options.headers };
      if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
      const request = http.request({ host: '127.0.0.1', port, method, path, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = text;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, json });
        });
      });
      request.on('error', reject);
      request.end(options.body);
    });
  }

  const withKey = (headers: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...headers });
  const json = (headers: Record<string, string> = {}) => withKey({ 'content-type': 'application/json', ...headers });

  /** The answer is `status` with `code`, in OpenAI's shape beside the usual fields, the request id in body and header. */
  function expectOpenAiError(response: RawResponse, status: number, code: string) {
    expect({ status: response.status, body: response.json }).toEqual({
      status,
      body: expect.objectContaining({
        error: {
          message: expect.any(String),
          type: TYPES[status],
          param: response.json?.error?.param === null ? null : expect.any(String),
          code,
        },
        statusCode: status,
        code,
        message: expect.any(String),
        requestId: response.headers['x-request-id'],
      }),
    });
    expect(response.json.error.message).toBe(response.json.message);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
  }

  describe('paths and methods that do not exist: 404 NOT_FOUND', () => {
    it.each([
      ['GET', '/v1'],
      ['GET', '/v1/'],
      ['GET', '/v1/nope'],
      ['POST', '/v1/completions'],
      ['POST', '/v1/chat/completion'],
      ['GET', '/v1/models/local/extra'],
      ['GET', '/v1/nope?x=1'],
      ['GET', '/v1/chat/completions'],
      ['DELETE', '/v1/embeddings'],
      ['PUT', '/v1/models'],
      ['PATCH', '/v1/models/local'],
    ])('%s %s, with a key and without', async (method, path) => {
      expectOpenAiError(await send(method, path, { headers: withKey() }), 404, 'NOT_FOUND');
      expectOpenAiError(await send(method, path), 404, 'NOT_FOUND');
    });

    it('through the SDK: NotFoundError with the body read', async () => {
      const failure = await sdk.get('/nope').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(NotFoundError);
      expect(failure).toMatchObject({ status: 404, code: 'NOT_FOUND', type: 'invalid_request_error', param: null });
      expect((failure as APIError).error).toMatchObject({ code: 'NOT_FOUND' });
      expect((failure as APIError).message).toMatch(/^404 /);
      expect((failure as APIError).message).not.toMatch(/no body/);
    });

    it('other paths keep the contract shape without an `error` object', async () => {
      for (const path of ['/nope', '/v1x/models', '/v10/models', '/V1/models', '/api/v1/models']) {
        const response = await send('GET', path, { headers: withKey() });
        expect([path, response.status, response.json.code]).toEqual([path, 404, 'NOT_FOUND']);
        expect(response.json).not.toHaveProperty('error');
      }
    });
  });

  describe("Fastify's own refusals", () => {
    it('a body over 1 MiB: 413 PAYLOAD_TOO_LARGE, raw and through the SDK', async () => {
      const body = JSON.stringify({ model: 'local', input: 'a'.repeat(1024 * 1024) });
      expectOpenAiError(await send('POST', '/v1/embeddings', { body, headers: json() }), 413, 'PAYLOAD_TOO_LARGE');
      expectOpenAiError(await send('POST', '/v1/chat/completions', { body, headers: json() }), 413, 'PAYLOAD_TOO_LARGE');
      const failure = await sdk.embeddings.create({ model: 'local', input: 'a'.repeat(1024 * 1024) }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(APIError);
      expect(failure).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE', type: 'invalid_request_error' });
      expect((failure as APIError).message).not.toMatch(/no body/);
    });

    it('a content type that is not JSON: 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const response = await send('POST', '/v1/embeddings', { body: 'model=local', headers: withKey({ 'content-type': type }) });
        expectOpenAiError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
      }
    });

    it('malformed JSON: 400 VALIDATION_FAILED, raw and through the SDK', async () => {
      for (const body of ['{"model":', '{model: local}', '[1,', '\u0000']) {
        const response = await send('POST', '/v1/embeddings', { body, headers: json() });
        expectOpenAiError(response, 400, 'VALIDATION_FAILED');
      }
      const failure = await sdk
        .post('/embeddings', { body: '{"model":', headers: { 'content-type': 'application/json' } })
        .catch((error: unknown) => error);
      expect(failure).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', type: 'invalid_request_error' });
    });

    it('a malformed URL: 400, never a 500', async () => {
      for (const path of ['/v1/models/%E0%A4%A', '/v1/models/%']) {
        const response = await send('GET', path, { headers: withKey() });
        expect(response.status).toBeLessThan(500);
        expectOpenAiError(response, response.status, response.json.code);
      }
    });

    it('other paths keep the contract shape for the same refusals', async () => {
      const response = await send('POST', '/services/chat', { body: '{"message":', headers: json() });
      expect([response.status, response.json.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(response.json).not.toHaveProperty('error');
      const tooLarge = await send('POST', '/services/chat', { body: 'x'.repeat(1024 * 1024 + 1), headers: json() });
      expect([tooLarge.status, tooLarge.json.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
      expect(tooLarge.json).not.toHaveProperty('error');
    });
  });

  describe('without credentials: 401 UNAUTHENTICATED on every /v1 route', () => {
    it.each([
      ['GET', '/v1/models'],
      ['GET', '/v1/models/local'],
      ['POST', '/v1/embeddings'],
      ['POST', '/v1/chat/completions'],
    ])('%s %s', async (method, path) => {
      const body = method === 'POST' ? JSON.stringify({ model: 'local', input: 'x' }) : undefined;
      for (const headers of [{}, { authorization: 'Bearer tk_not-a-key' }, { 'x-api-key': 'nope' }] as Record<string, string>[]) {
        const response = await send(method, path, { body, headers: { ...(body && { 'content-type': 'application/json' }), ...headers } });
        expectOpenAiError(response, 401, 'UNAUTHENTICATED');
      }
    });

    it('through the SDK: AuthenticationError with the body read, on every route', async () => {
      const stranger = new OpenAI({ baseURL: `${t.http.baseUrl}/v1`, apiKey: 'tk_wrong', maxRetries: 0 });
      for (const call of [
        () => stranger.models.list(),
        () => stranger.models.retrieve('local'),
        () => stranger.embeddings.create({ model: 'local', input: 'x' }),
        () => stranger.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'x' }] }),
      ]) {
        const failure = await call().catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(AuthenticationError);
        expect(failure).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', type: 'authentication_error' });
        expect((failure as APIError).message).not.toMatch(/no body/);
      }
    });
  });
});
