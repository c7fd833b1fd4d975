import { registerUser, spendDownTo } from './support/factories.js';
import { expectLedgerConsistent, ledgerState } from './support/ledger-assertions.js';
import { createProbe, TextDto } from './support/probe.js';
import { startTestApp, TestApp } from './support/test-app.js';

/** A tiny metered controller of the spec, outside the services module, the way a team would meter its own endpoint. */
const probe = createProbe('test-metered', [
  { path: 'echo', action: 'test_echo', cost: 7, body: TextDto, answer: (body: TextDto) => ({ echoed: body.text }) },
  { path: 'fails', action: 'test_fails', cost: 5, body: TextDto, fails: 'provider is down' },
  { path: 'crashes', action: 'test_crashes', cost: 5, crashes: 'unexpected bug' },
  { path: 'public-but-metered', action: 'test_public', cost: 1, public: true },
  { path: 'free', action: 'test_free', cost: 0 },
]);

describe('metering pipeline', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ controllers: [probe.controller] });
  });
  afterAll(() => t.close());
  beforeEach(() => probe.reset());

  it('charges before the handler, reports the charge in headers and records a usage row', async () => {
    const user = await registerUser(t.http);
    const response = await t.http.post('/test-metered/echo', { text: 'hi' }, { token: user.token });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ echoed: 'hi' });
    expect(response.headers.get('x-tokens-charged')).toBe('7');
    expect(response.headers.get('x-tokens-remaining')).toBe('93');
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.entries.map((e) => [e.type, e.action, e.amount, e.balanceAfter])).toEqual([
      ['initial_grant', null, 100, 100],
      ['usage', 'test_echo', -7, 93],
    ]);
    const balance = await t.http.get('/tokens/balance', { token: user.token });
    expect(balance.body).toMatchObject({ balance: 93, tokensLimit: 100, usedThisPeriod: 7, plan: 'free', featuresDisabled: false });
  });

  it('answers 402 with balance and required when the balance is short, and the handler does not run', async () => {
    const user = await registerUser(t.http);
    await spendDownTo(t.http, user, 6);
    const response = await t.http.post('/test-metered/echo', { text: 'hi' }, { token: user.token });
    expect(response.status).toBe(402);
    expect(response.body).toMatchObject({ statusCode: 402, code: 'INSUFFICIENT_TOKENS', balance: 6, required: 7 });
    expect(probe.runs).toBe(0);
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.balance).toBe(6);
  });

  it.each(['fails', 'crashes'])('refunds when the handler throws (%s) and leaves the balance as it was', async (route) => {
    const user = await registerUser(t.http);
    const response = await t.http.post(`/test-metered/${route}`, route === 'fails' ? { text: 'x' } : {}, { token: user.token });
    expect(response.status).toBe(route === 'fails' ? 502 : 500);
    expect(response.headers.get('x-tokens-charged')).toBeNull();
    expect(probe.runs).toBe(1);
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.balance).toBe(100);
    expect(state.entries.map((e) => [e.type, e.amount])).toEqual([
      ['initial_grant', 100],
      ['usage', -5],
      ['refund', 5],
    ]);
    const balance = await t.http.get('/tokens/balance', { token: user.token });
    expect(balance.body.usedThisPeriod).toBe(0);
  });

  it('validates the body before charging: bad input is a 400 and changes nothing', async () => {
    const user = await registerUser(t.http);
    for (const body of [{}, { text: 5 }, { text: 'ok', extra: true }]) {
      const response = await t.http.post('/test-metered/echo', body, { token: user.token });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(Array.isArray(response.body.details)).toBe(true);
    }
    const invalidJson = await t.http.post('/test-metered/echo', undefined, { token: user.token, raw: '{"text": ' });
    expect(invalidJson.status).toBe(400);
    expect(invalidJson.body.code).toBe('VALIDATION_FAILED');
    expect(probe.runs).toBe(0);
    const state = await ledgerState(t.dataSource, user.id);
    expect(state.entries).toHaveLength(1);
    expect(state.balance).toBe(100);
  });

  it('fails closed: a metered route without a caller is refused even when marked public', async () => {
    const response = await t.http.post('/test-metered/public-but-metered', {});
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('UNAUTHENTICATED');
    expect(probe.runs).toBe(0);
  });

  it('a zero-cost action runs without changing the balance or the ledger', async () => {
    const user = await registerUser(t.http);
    const response = await t.http.post('/test-metered/free', {}, { token: user.token });
    expect(response.status).toBe(201);
    expect(probe.runs).toBe(1);
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.entries).toHaveLength(1);
  });

  it('lists the metered actions with their prices, including ones declared outside the services module', async () => {
    const user = await registerUser(t.http);
    const response = await t.http.get('/tokens/costs', { token: user.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(
      expect.arrayContaining([{ action: 'test_echo', cost: 7, defaultCost: 7, overriddenBy: null, description: '7 tokens per request' }]),
    );
  });

  it('refuses direct updates and deletes of ledger rows at the database level', async () => {
    const user = await registerUser(t.http);
    await expect(t.dataSource.query('UPDATE token_ledger_entries SET amount = 1000000 WHERE user_id = ?', [user.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(t.dataSource.query('DELETE FROM token_ledger_entries WHERE user_id = ?', [user.id])).rejects.toThrow(/append-only/);
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('refuses a balance below zero at the database level (CHECK constraint)', async () => {
    const user = await registerUser(t.http);
    await expect(t.dataSource.query('UPDATE token_accounts SET balance = -1 WHERE user_id = ?', [user.id])).rejects.toThrow();
    expect((await ledgerState(t.dataSource, user.id)).balance).toBe(100);
  });
});
