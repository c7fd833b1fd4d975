/**
 * Models mapped to named upstreams over real HTTP, on the real app and database: two fake
 * OpenAI-compatible servers on 127.0.0.1 configured as LLM_UPSTREAMS `hosted` and `vllm` (each with its
 * own key), beside the `default` one of LLM_BASE_URL. PUT /admin/models/:model `upstream` maps a model;
 * each completion reaches the upstream its model's row names, with that upstream's key, and is charged
 * at that model's prices; a re-mapping applies to the next request; a name that is not configured is
 * 400 and changes nothing; a model whose upstream an instance lacks is 404 there and holds nothing.
 */
import OpenAI from 'openai';
import { type CompletionsApp, FAKE_MODEL, startCompletionsApp } from '../support/completions.js';
import { FakeOpenAi } from '../support/fake-openai.js';
import { loginAdmin } from '../support/factories.js';
import { expectLedgerConsistent } from '../support/ledger-assertions.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TEST_DB } from '../support/test-database.js';

const HOSTED_KEY = 'sk-hosted-key-of-the-test';
const VLLM_KEY = 'vllm-key-of-the-test';
/** Prices of the two mapped models: different, so a charge shows which model's prices it used. */
const HOSTED_MODEL = { inputPer1k: 3000, outputPer1k: 5000, maxOutputTokens: 40 };
const VLLM_MODEL = { inputPer1k: 100, outputPer1k: 200, maxOutputTokens: 40 };

const priceAt = (prices: { inputPer1k: number; outputPer1k: number }, usage: OpenAI.CompletionUsage) =>
  Math.ceil((usage.prompt_tokens * prices.inputPer1k + usage.completion_tokens * prices.outputPer1k) / 1000);

describe(`AI models on named upstreams (${TEST_DB})`, () => {
  const hosted = new FakeOpenAi();
  const vllm = new FakeOpenAi();
  let app: CompletionsApp;
  let t: TestApp;

  const put = (model: string, body: unknown) => t.http.put(`/admin/models/${model}`, body, { token: app.adminToken });
  const adminList = async (on: TestApp = t, token = app.adminToken) => (await on.http.get('/admin/models', { token })).body;
  const ledgerOf = async (userId: string) =>
    (
      await t.dataSource.query<Array<{ type: string; amount: unknown; metadata: string | null }>>(
        "SELECT type, amount, metadata FROM token_ledger_entries WHERE user_id = ? AND type NOT IN ('initial_grant', 'admin_grant') ORDER BY seq",
        [userId],
      )
    ).map((row) => ({ type: row.type, amount: Number(row.amount), metadata: row.metadata ? JSON.parse(row.metadata) : null }));
  const ask = (sdk: OpenAI, model: string, content = 'which upstream') =>
    sdk.chat.completions.create({ model, messages: [{ role: 'user', content }], max_tokens: 10 });

  beforeAll(async () => {
    app = await startCompletionsApp({
      LLM_UPSTREAMS: 'hosted,vllm',
      LLM_UPSTREAM_HOSTED_BASE_URL: await hosted.start(),
      LLM_UPSTREAM_HOSTED_API_KEY: HOSTED_KEY,
      LLM_UPSTREAM_VLLM_BASE_URL: await vllm.start(),
      LLM_UPSTREAM_VLLM_API_KEY: VLLM_KEY,
    });
    t = app.t;
    expect((await put('gpt-big', { ...HOSTED_MODEL, upstream: 'hosted' })).status).toBe(200);
    expect((await put('llama-small', { ...VLLM_MODEL, upstream: 'vllm' })).status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await hosted.stop();
    await vllm.stop();
  });
  beforeEach(() => {
    for (const fake of [app.upstream, hosted, vllm]) fake.reset();
  });

  it('admins see which upstream serves each model; API users see the models, never the upstreams', async () => {
    expect(await adminList()).toEqual([
      { model: 'fake-gpt', ...FAKE_MODEL, upstream: 'default', served: true, updatedAt: expect.any(String) },
      { model: 'gpt-big', ...HOSTED_MODEL, upstream: 'hosted', served: true, updatedAt: expect.any(String) },
      { model: 'llama-small', ...VLLM_MODEL, upstream: 'vllm', served: true, updatedAt: expect.any(String) },
      {
        model: 'local',
        inputPer1k: 10,
        outputPer1k: 30,
        maxOutputTokens: 1024,
        upstream: 'local',
        served: true,
        updatedAt: expect.any(String),
      },
    ]);
    const { key } = await app.client();
    const listed = await t.http.get('/v1/models', { apiKey: key });
    expect(listed.body.data.map((model: { id: string }) => model.id)).toEqual(['fake-gpt', 'gpt-big', 'llama-small', 'local']);
    const shown = JSON.stringify(listed.body);
    for (const secret of ['hosted', 'vllm', 'default', '127.0.0.1', HOSTED_KEY, VLLM_KEY]) expect(shown).not.toContain(secret);
    const openApi = (await t.http.get('/docs-json')).body;
    const docs = JSON.stringify(openApi);
    for (const secret of [HOSTED_KEY, VLLM_KEY, hosted.baseUrl, vllm.baseUrl]) expect(docs).not.toContain(secret);
    // The admin route documents the optional field of its body, and the two of its answer.
    const { SetModelPricingDto: body, AdminModelDto: answer } = openApi.components.schemas;
    expect(body.properties.upstream).toMatchObject({ type: 'string', example: 'vllm' });
    expect(body.required).not.toContain('upstream');
    expect(answer.required).toEqual(expect.arrayContaining(['upstream', 'served']));
  });

  it("sends each model to the upstream its row names, with that upstream's key, and charges that model's prices", async () => {
    const { user, sdk } = await app.client(1000);
    const viaHosted = await ask(sdk, 'gpt-big');
    const viaVllm = await ask(sdk, 'llama-small');
    const viaDefault = await ask(sdk, 'fake-gpt');
    for (const answer of [viaHosted, viaVllm, viaDefault]) expect(answer.choices[0].message.content).toBe('Fake reply to: which upstream');

    expect(hosted.requests.map((request) => [request.body.model, request.headers.authorization])).toEqual([
      ['gpt-big', `Bearer ${HOSTED_KEY}`],
    ]);
    expect(vllm.requests.map((request) => [request.body.model, request.headers.authorization])).toEqual([
      ['llama-small', `Bearer ${VLLM_KEY}`],
    ]);
    expect(app.upstream.requests.map((request) => [request.body.model, request.headers.authorization])).toEqual([
      ['fake-gpt', 'Bearer upstream-key'],
    ]);

    const usages = (await ledgerOf(user.id)).filter((row) => row.type === 'usage');
    expect(usages.map((row) => [row.metadata.model, -row.amount])).toEqual([
      ['gpt-big', priceAt(HOSTED_MODEL, viaHosted.usage!)],
      ['llama-small', priceAt(VLLM_MODEL, viaVllm.usage!)],
      ['fake-gpt', priceAt(FAKE_MODEL, viaDefault.usage!)],
    ]);
    expect(priceAt(HOSTED_MODEL, viaHosted.usage!)).not.toBe(priceAt(VLLM_MODEL, viaVllm.usage!));
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('routes embeddings the same way: a mapped model reaches its upstream with its key, at its input price', async () => {
    const { user, sdk } = await app.client(1000);
    const embedded = await sdk.embeddings.create({ model: 'llama-small', input: ['one text', 'two'] });
    expect(embedded.data).toHaveLength(2);
    expect(vllm.requests.map((request) => [request.path, request.body.model, request.headers.authorization])).toEqual([
      ['/v1/embeddings', 'llama-small', `Bearer ${VLLM_KEY}`],
    ]);
    expect([hosted.requests.length, app.upstream.requests.length]).toEqual([0, 0]);
    const [usage] = (await ledgerOf(user.id)).filter((row) => row.type === 'usage');
    expect([usage.metadata.model, -usage.amount]).toEqual([
      'llama-small',
      Math.ceil((embedded.usage.prompt_tokens * VLLM_MODEL.inputPer1k) / 1000),
    ]);
  });

  it('streams from the mapped upstream too', async () => {
    const { sdk } = await app.client(1000);
    const stream = await sdk.chat.completions.create({
      model: 'llama-small',
      messages: [{ role: 'user', content: 'stream me' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Fake reply to: stream me');
    expect(vllm.requests.map((request) => [request.body.stream, request.headers.authorization])).toEqual([[true, `Bearer ${VLLM_KEY}`]]);
    expect(hosted.requests).toEqual([]);
  });

  it('a re-mapping takes effect on the next request; a PUT without upstream keeps the mapping', async () => {
    const { sdk } = await app.client(1000);
    try {
      const moved = await put('gpt-big', { ...HOSTED_MODEL, upstream: 'vllm' });
      expect([moved.status, moved.body.upstream, moved.body.served]).toEqual([200, 'vllm', true]);
      await ask(sdk, 'gpt-big');
      expect(vllm.requests.map((request) => [request.body.model, request.headers.authorization])).toEqual([
        ['gpt-big', `Bearer ${VLLM_KEY}`],
      ]);
      expect(hosted.requests).toEqual([]);

      const repriced = await put('gpt-big', { ...HOSTED_MODEL, inputPer1k: 2999 });
      expect([repriced.status, repriced.body.inputPer1k, repriced.body.upstream]).toEqual([200, 2999, 'vllm']);
      await ask(sdk, 'gpt-big');
      expect(vllm.requests).toHaveLength(2);

      expect((await put('gpt-big', { ...HOSTED_MODEL, upstream: 'default' })).body.upstream).toBe('default');
      await ask(sdk, 'gpt-big');
      expect(app.upstream.requests.map((request) => request.body.model)).toEqual(['gpt-big']);
    } finally {
      expect((await put('gpt-big', { ...HOSTED_MODEL, upstream: 'hosted' })).status).toBe(200);
    }
    await ask(sdk, 'gpt-big');
    expect(hosted.requests).toHaveLength(1);
  });

  it.each([
    ['a name that is not configured', 'gpt-big', 'nowhere', 'upstream must be one of the configured upstreams: default, hosted, vllm'],
    ['the local upstream for another model', 'gpt-big', 'local', 'only the built-in model "local" is served by it'],
    ['another upstream for the built-in model', 'local', 'hosted', 'only the built-in model "local" is served by it'],
    ['a name with upper case', 'gpt-big', 'Hosted', 'upstream must be 1 to 32 lower-case letters'],
    ['null', 'gpt-big', null, 'upstream must be 1 to 32 lower-case letters'],
    ['a number', 'llama-small', 7, 'upstream must be 1 to 32 lower-case letters'],
    ['a name for a new model', 'brand-new', 'nowhere', 'upstream must be one of the configured upstreams'],
  ])('answers 400 VALIDATION_FAILED for %s, and changes nothing', async (_label, model, upstream, message) => {
    const before = await adminList();
    const response = await put(model, { inputPer1k: 1, outputPer1k: 1, maxOutputTokens: 1, upstream });
    expect([response.status, response.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(response.body.message).toContain('upstream');
    expect(response.body.details).toEqual([{ field: 'upstream', errors: [expect.stringContaining(message)] }]);
    expect(await adminList()).toEqual(before);
  });

  describe('on an instance without some of the upstreams (same database)', () => {
    let other: TestApp;
    let otherAdmin: string;
    beforeAll(async () => {
      other = await startTestApp({
        database: t.database,
        env: { LLM_UPSTREAMS: 'hosted', LLM_UPSTREAM_HOSTED_BASE_URL: hosted.baseUrl, LLM_UPSTREAM_HOSTED_API_KEY: HOSTED_KEY },
      });
      otherAdmin = await loginAdmin(other.http);
    });
    afterAll(() => other?.close({ keepDatabase: true }));

    it('a model whose upstream is not configured there is 404 NOT_FOUND, holds nothing and reaches no upstream', async () => {
      const { user, key } = await app.client(1000);
      const sdk = new OpenAI({ baseURL: `${other.http.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
      const balance = (await other.http.get('/tokens/balance', { apiKey: key })).body;
      for (const model of ['llama-small', 'fake-gpt']) {
        await expect(ask(sdk, model)).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
        const streamed = sdk.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }], stream: true });
        await expect(streamed).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
      }
      expect(await ledgerOf(user.id)).toEqual([]);
      expect((await other.http.get('/tokens/balance', { apiKey: key })).body).toEqual(balance);
      expect([...vllm.requests, ...app.upstream.requests, ...hosted.requests]).toEqual([]);

      // The upstream it has still serves its models, with its key.
      await ask(sdk, 'gpt-big');
      expect(hosted.requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${HOSTED_KEY}`]);
    });

    it('lists them nowhere for API users, and shows them to admins as not served', async () => {
      const { key } = await app.client();
      expect((await other.http.get('/v1/models', { apiKey: key })).body.data.map((model: { id: string }) => model.id)).toEqual([
        'gpt-big',
        'local',
      ]);
      const costs = JSON.stringify((await other.http.get('/tokens/costs', { apiKey: key })).body);
      expect(costs).toContain('gpt-big');
      expect(costs).not.toContain('llama-small');
      const served = (await adminList(other, otherAdmin)).map((model: { model: string; upstream: string; served: boolean }) => [
        model.model,
        model.upstream,
        model.served,
      ]);
      expect(served).toEqual([
        ['fake-gpt', 'default', false],
        ['gpt-big', 'hosted', true],
        ['llama-small', 'vllm', false],
        ['local', 'local', true],
      ]);
      const refused = await other.http.put('/admin/models/llama-small', { ...VLLM_MODEL, upstream: 'vllm' }, { token: otherAdmin });
      expect([refused.status, refused.body.message]).toEqual([400, 'upstream must be one of the configured upstreams: hosted']);
    });
  });
});
