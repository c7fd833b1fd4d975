/**
 * The example app meters its route through the tokens module's public entry alone: its own account
 * policy, its own payer, its own database, no users or subscriptions modules and nothing of the
 * service. Started as its main.ts starts it (Fastify, Nest's own error answers); real database, real HTTP.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { tokenMigrations } from '@token-metering/tokens';
import { DataSource } from 'typeorm';
import { HttpClient } from '../../test/support/http-client.js';
import { expectLedgerConsistent, ledgerState } from '../../test/support/ledger-assertions.js';
import { createTestDatabase, TEST_DB, type TestDatabase } from '../../test/support/test-database.js';
import { createNotesApp } from './notes-app.js';

describe(`example: metered notes (${TEST_DB})`, () => {
  let database: TestDatabase;
  let app: NestFastifyApplication;
  let t: { http: HttpClient; dataSource: DataSource };
  const as = (customer: string) => ({ headers: { 'x-customer-id': customer } });

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await createNotesApp(database.env, ['error', 'fatal']);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    t = { http: new HttpClient(`http://127.0.0.1:${port}`), dataSource: app.get(DataSource) };
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it("a first request opens the customer's account from the policy and charges it, with the ledger to match", async () => {
    const response = await t.http.post('/notes/summary', { text: 'Tokens are charged first. Then the work runs.' }, as('acme'));
    expect([response.status, response.body]).toEqual([201, { summary: 'Tokens are charged first.' }]);
    expect([response.headers.get('x-tokens-charged'), response.headers.get('x-tokens-remaining')]).toEqual(['1', '999']);
    const state = await expectLedgerConsistent(t.dataSource, 'acme');
    expect(state.balance).toBe(999);
    expect(state.entries.map((e) => [e.type, e.amount])).toEqual([
      ['initial_grant', 1000],
      ['usage', -1],
    ]);
  });

  it('prices by the body (1 token per started 1,000 characters) and refuses a short balance with 402, running nothing', async () => {
    const long = await t.http.post('/notes/summary', { text: 'x'.repeat(2500) }, as('globex'));
    expect([long.status, long.headers.get('x-tokens-charged')]).toEqual([201, '3']);
    const balance = await t.http.get('/tokens/balance', as('globex'));
    expect([balance.status, balance.body.balance, balance.body.plan]).toEqual([200, 997, 'flat']);
    for (let spent = 3; spent < 1000; spent += 10) await t.http.post('/notes/summary', { text: 'y'.repeat(10_000) }, as('globex'));
    const refused = await t.http.post('/notes/summary', { text: 'y'.repeat(10_000) }, as('globex'));
    expect([refused.status, refused.body.code]).toEqual([402, 'INSUFFICIENT_TOKENS']);
    expect((await ledgerState(t.dataSource, 'globex')).balance).toBeGreaterThanOrEqual(0);
    await expectLedgerConsistent(t.dataSource, 'globex');
  });

  it('nobody pays: 401, and a bad body is 400; neither charges anything', async () => {
    const anonymous = await t.http.post('/notes/summary', { text: 'free?' });
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    const bad = await t.http.post('/notes/summary', { text: 42 }, as('initech'));
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await ledgerState(t.dataSource, 'initech')).entries).toEqual([]);
  });

  it('parallel requests of one customer: exactly as many succeed as the balance pays for', async () => {
    // 1,000 tokens at 10 per request (10,000 characters): 100 fit, of 130 sent at once.
    const answers = await Promise.all(
      Array.from({ length: 130 }, () => t.http.post('/notes/summary', { text: 'z'.repeat(10_000) }, as('hooli'))),
    );
    expect(answers.filter((r) => r.status === 201).length).toBe(100);
    expect(answers.filter((r) => r.status === 402).length).toBe(30);
    const state = await expectLedgerConsistent(t.dataSource, 'hooli');
    expect(state.balance).toBe(0);
  });

  it("its tables come from the package's migrations, run at start-up: all recorded, and the ledger refuses to change a row", async () => {
    const ran = await t.dataSource.query('SELECT name FROM migrations ORDER BY id');
    expect(ran.map((row: { name: string }) => row.name)).toEqual(tokenMigrations.map((migration) => migration.name));
    await expect(t.dataSource.query("UPDATE token_ledger_entries SET amount = 0 WHERE user_id = 'acme'")).rejects.toThrow(/append-only/);
  });
});
