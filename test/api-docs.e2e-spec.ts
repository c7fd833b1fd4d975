/**
 * What the API docs tell a newcomer: every error answer with an example of its own status (OpenAI's
 * shape under /v1), the error answers of metered and /v1 routes (400, 415 and 503 among them), which
 * credential goes in which box of the Authorize dialog, and price descriptions that follow the price
 * a caller pays.
 */
import { ERROR_STATUS, ErrorCode } from '../src/common/app-error.js';
import { loginAdmin, registerUser } from './support/factories.js';
import { startTestApp, TestApp } from './support/test-app.js';

interface Media {
  schema?: { $ref?: string };
  example?: Record<string, any>;
  examples?: Record<string, { value: Record<string, any> }>;
}
interface Operation {
  responses: Record<string, { content?: Record<string, Media> }>;
  'x-token-cost'?: { action: string; description: string };
}

/** The codes this service answers with a status. */
const codesOf = (status: number) => Object.values(ErrorCode).filter((code) => Number(ERROR_STATUS[code]) === status);

describe('API docs', () => {
  let t: TestApp;
  let operations: { method: string; path: string; operation: Operation }[];
  let schemes: Record<string, { description?: string; type: string; scheme?: string; name?: string }>;

  beforeAll(async () => {
    t = await startTestApp();
    const openapi = (await t.http.get('/docs-json')).body;
    schemes = openapi.components.securitySchemes;
    operations = Object.entries(openapi.paths as Record<string, Record<string, Operation>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ method, path, operation })),
    );
  });
  afterAll(() => t.close());

  /** Every error answer of the document with the example bodies it shows. */
  const errorAnswers = () =>
    operations.flatMap(({ method, path, operation }) =>
      Object.entries(operation.responses)
        .filter(([status]) => Number(status) >= 400)
        .map(([status, response]) => {
          const media = response.content?.['application/json'];
          const bodies = media?.examples ? Object.values(media.examples).map((e) => e.value) : media?.example ? [media.example] : [];
          return { where: `${method.toUpperCase()} ${path} ${status}`, path, status: Number(status), media, bodies };
        }),
    );

  it('shows every error answer with examples of its own status and a code of that status', () => {
    const answers = errorAnswers();
    expect(answers.length).toBeGreaterThan(100);
    for (const { where, status, bodies } of answers) {
      expect({ where, examples: bodies.length > 0 }).toEqual({ where, examples: true });
      for (const body of bodies) {
        expect({ where, statusCode: body.statusCode }).toEqual({ where, statusCode: status });
        expect({ where, code: codesOf(status).includes(body.code) }).toEqual({ where, code: true });
      }
    }
    // The answers that used to show the schema's 402 body.
    const services = answers.filter((a) => a.path === '/services/chat');
    expect(services.find((a) => a.status === 401)?.bodies).toEqual([expect.objectContaining({ statusCode: 401, code: 'UNAUTHENTICATED' })]);
    expect(services.find((a) => a.status === 409)?.bodies.map((body) => body.code)).toEqual([
      'IDEMPOTENCY_KEY_REUSED',
      'IDEMPOTENCY_IN_PROGRESS',
      'IDEMPOTENCY_ANSWER_UNAVAILABLE',
    ]);
  });

  it("shows the /v1 errors in OpenAI's shape, with that schema", () => {
    const v1 = errorAnswers().filter((answer) => answer.path.startsWith('/v1'));
    expect(v1.length).toBeGreaterThan(20);
    for (const { where, media, bodies } of v1) {
      expect({ where, schema: media?.schema?.$ref }).toEqual({ where, schema: '#/components/schemas/OpenAiErrorBodyDto' });
      for (const body of bodies) {
        expect({ where, error: body.error }).toEqual({
          where,
          error: { message: body.message, type: expect.any(String), code: body.code, param: body.details?.[0]?.field ?? null },
        });
      }
    }
  });

  it('documents 400, 415 and 503 with examples on every metered route and every /v1 route', () => {
    const metered = operations.filter(({ operation }) => operation['x-token-cost']);
    const v1 = operations.filter(({ path }) => path.startsWith('/v1'));
    expect(metered.map(({ path }) => path)).toEqual(expect.arrayContaining(['/services/chat', '/services/rewrite']));
    expect(v1.map(({ method, path }) => `${method} ${path}`)).toEqual(
      expect.arrayContaining(['post /v1/chat/completions', 'post /v1/responses', 'post /v1/embeddings', 'get /v1/models']),
    );
    const expected = { 400: 'VALIDATION_FAILED', 415: 'UNSUPPORTED_MEDIA_TYPE', 503: 'LEDGER_UNAVAILABLE' };
    for (const { method, path, operation } of [...metered, ...v1]) {
      for (const [status, code] of Object.entries(expected)) {
        const where = `${method.toUpperCase()} ${path} ${status}`;
        const example = operation.responses[status]?.content?.['application/json']?.example;
        expect({ where, example }).toEqual({ where, example: expect.objectContaining({ statusCode: Number(status), code }) });
      }
    }
  });

  it('says in the Authorize dialog which credential goes in which box', () => {
    expect(schemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.bearer.description).toMatch(/access token.*\/auth\/login.*API key/);
    expect(schemes['api-key']).toMatchObject({ type: 'apiKey', name: 'X-API-Key', description: expect.stringMatching(/API key/) });
    expect(schemes['metrics-token']).toMatchObject({ type: 'http', description: expect.stringContaining('METRICS_TOKEN') });
  });

  it('describes each price of GET /tokens/costs at the price the caller pays, overrides included', async () => {
    const admin = await loginAdmin(t.http);
    const [user, other] = [await registerUser(t.http), await registerUser(t.http)];
    const descriptions = async (token: string) =>
      Object.fromEntries(
        ((await t.http.get('/tokens/costs', { token })).body as { action: string; description: string }[]).map((line) => [
          line.action,
          line.description,
        ]),
      );
    expect(await descriptions(user.token)).toMatchObject({
      ai_chat_message: '1 token per request',
      write_more: '1,500 tokens per request',
      business_collector: '20 tokens per started 100 leads',
      ai_rewrite: '500 tokens per started 1,000 characters, at most 2,000 tokens',
    });
    for (const [action, cost] of [
      ['ai_chat_message', 7],
      ['business_collector', 1],
      ['ai_rewrite', 1],
    ] as const) {
      expect((await t.http.put(`/admin/costs/${action}`, { cost, userId: user.id }, { token: admin })).status).toBe(200);
    }
    expect(await descriptions(user.token)).toMatchObject({
      ai_chat_message: '7 tokens per request',
      business_collector: '1 token per started 100 leads',
      ai_rewrite: '1 token per started 1,000 characters, at most 4 tokens',
    });
    // The override is the user's: others, and the API docs, keep the default.
    expect((await descriptions(other.token)).ai_chat_message).toBe('1 token per request');
    const chat = operations.find(({ path }) => path === '/services/chat')!.operation;
    expect(chat['x-token-cost']).toMatchObject({ action: 'ai_chat_message', description: '1 token per request' });
  });
});
