/**
 * One regression test per production incident in INCIDENTS.md: each reproduces the situation
 * and asserts the outcome that makes the incident impossible.
 */
import { IsString } from 'class-validator';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { MIGRATIONS } from '../src/database/migrations/index.js';
import { bearerTokenFor, insertRawUser, insertUserWithoutAccount, sqlDate, registerUser, spendDownTo } from './support/factories.js';
import { expectLedgerConsistent, ledgerState } from './support/ledger-assertions.js';
import { createProbe } from './support/probe.js';
import { startTestApp, TestApp } from './support/test-app.js';
import { createTestDatabase, TEST_DB } from './support/test-database.js';

class JobDto {
  @IsString()
  job: string;
}

const work = createProbe('incident-work', [
  { path: '', action: 'incident_work', cost: 1, body: JobDto, answer: (body: JobDto) => ({ done: body.job }) },
]);

async function blockWrites(dataSource: DataSource, table: string, name: string): Promise<void> {
  if (TEST_DB === 'mariadb') {
    await dataSource.query(
      `CREATE TRIGGER ${name} BEFORE ${name.includes('insert') ? 'INSERT' : 'UPDATE'} ON ${table} FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'permission denied'`,
    );
  } else {
    await dataSource.query(
      `CREATE TRIGGER ${name} BEFORE ${name.includes('insert') ? 'INSERT' : 'UPDATE'} ON ${table} BEGIN SELECT RAISE(ABORT, 'permission denied'); END`,
    );
  }
}

describe('production incidents', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ controllers: [work.controller] });
  });
  afterAll(() => t.close());
  beforeEach(() => work.reset());

  describe('1. usage ran free because the account link was NULL', () => {
    it('refuses a metered request that carries no account, and does no work', async () => {
      for (const path of ['/incident-work', '/services/chat', '/services/calls']) {
        const response = await t.http.post(path, { job: 'x', message: 'x', to: '+15550100000' });
        expect(response.status).toBe(401);
      }
      const withGarbageKey = await t.http.post('/services/chat', { message: 'x' }, { apiKey: 'tk_not-a-real-key' });
      expect(withGarbageKey.status).toBe(401);
      expect(work.runs).toBe(0);
    });

    it('refuses a caller whose identity maps to no billable account instead of serving for free', async () => {
      // A valid token for a user with no subscription and no account (a token for an unknown user is already a 401).
      const { id: ghostId } = await insertRawUser(t.dataSource, { name: 'Ghost' });
      const token = await bearerTokenFor(t.app, ghostId);
      const response = await t.http.post('/incident-work', { job: 'book appointment' }, { token });
      expect(response.status).toBe(402);
      expect(response.body.code).toBe('NO_ACTIVE_SUBSCRIPTION');
      expect(work.runs).toBe(0);
      const state = await ledgerState(t.dataSource, ghostId);
      expect(state.balance).toBeNull();
      expect(state.entries).toEqual([]);
    });

    it('every served request is charged and logged: 10 calls leave 90 tokens and 10 usage rows', async () => {
      const user = await registerUser(t.http);
      for (let i = 0; i < 10; i++) {
        expect((await t.http.post('/services/calls', { to: '+15550100000' }, { token: user.token })).status).toBe(201);
      }
      const state = await expectLedgerConsistent(t.dataSource, user.id);
      expect(state.balance).toBe(90);
      expect(state.entries.filter((e) => e.type === 'usage' && e.action === 'outbound_call_single')).toHaveLength(10);
    });
  });

  describe('2. a NULL balance was "fixed" in memory but never saved', () => {
    it('seeds a missing account whose subscription period has already ended, rolls it, and serves the request (not 503)', async () => {
      const legacy = await insertUserWithoutAccount(t.dataSource, 'free');
      // The subscription's period ended ten days ago (an old import, a lapsed period).
      const past = (days: number) => sqlDate(new Date(Date.now() - days * 24 * 3600 * 1000));
      await t.dataSource.query('UPDATE subscriptions SET period_start = ?, period_end = ? WHERE user_id = ?', [
        past(40),
        past(10),
        legacy.id,
      ]);
      const token = await bearerTokenFor(t.app, legacy.id);
      const response = await t.http.post('/services/chat', { message: 'hello again' }, { token });
      expect([response.status, response.headers.get('x-tokens-remaining')]).toEqual([201, '99']);
      const state = await expectLedgerConsistent(t.dataSource, legacy.id);
      expect(state.entries.map((e) => e.type)).toEqual(['initial_grant', 'expiry', 'period_grant', 'usage']);
    });

    it('seeds a missing account once, persists it with the first charge, and the next reads see it', async () => {
      const legacy = await insertUserWithoutAccount(t.dataSource, 'free');
      const token = await bearerTokenFor(t.app, legacy.id);
      expect((await ledgerState(t.dataSource, legacy.id)).balance).toBeNull();

      for (let i = 0; i < 58; i++) {
        const response = await t.http.post('/services/chat', { message: `call ${i}` }, { token });
        expect(response.status).toBe(201);
        expect(response.headers.get('x-tokens-remaining')).toBe(String(100 - 1 - i));
      }
      const state = await expectLedgerConsistent(t.dataSource, legacy.id);
      expect(state.balance).toBe(42);
      expect(state.entries.filter((e) => e.type === 'initial_grant')).toEqual([
        { seq: 1, type: 'initial_grant', action: null, amount: 100, balanceAfter: 100 },
      ]);
      expect((await t.http.get('/tokens/balance', { token })).body.balance).toBe(42);
    });

    it('seeds once when the first requests of a missing account arrive together', async () => {
      const legacy = await insertUserWithoutAccount(t.dataSource, 'starter');
      const token = await bearerTokenFor(t.app, legacy.id);
      const responses = await Promise.all(Array.from({ length: 25 }, () => t.http.post('/services/chat', { message: 'hi' }, { token })));
      expect(responses.map((r) => r.status)).toEqual(Array(25).fill(201));
      const state = await expectLedgerConsistent(t.dataSource, legacy.id);
      expect(state.entries.filter((e) => e.type === 'initial_grant')).toHaveLength(1);
      expect(state.balance).toBe(10_000 - 25);
    });

    it('a balance read seeds the missing account too, and only once', async () => {
      const legacy = await insertUserWithoutAccount(t.dataSource, 'pro');
      const token = await bearerTokenFor(t.app, legacy.id);
      const reads = await Promise.all(Array.from({ length: 5 }, () => t.http.get('/tokens/balance', { token })));
      expect(reads.map((r) => r.body.balance)).toEqual(Array(5).fill(200_000));
      const state = await expectLedgerConsistent(t.dataSource, legacy.id);
      expect(state.entries).toHaveLength(1);
    });
  });

  describe('3. zero balance did not block anything', () => {
    it('at 0 every metered route answers 402 before any work, while balance and account routes keep working', async () => {
      const user = await registerUser(t.http);
      await spendDownTo(t.http, user, 0);
      const before = await ledgerState(t.dataSource, user.id);

      const refused = await t.http.post('/incident-work', { job: 'x' }, { token: user.token });
      expect(refused.status).toBe(402);
      expect(refused.body).toMatchObject({ code: 'INSUFFICIENT_TOKENS', balance: 0, required: 1 });
      expect((await t.http.post('/services/chat', { message: 'x' }, { token: user.token })).status).toBe(402);
      expect(work.runs).toBe(0);

      const balance = await t.http.get('/tokens/balance', { token: user.token });
      expect(balance.status).toBe(200);
      expect(balance.body).toMatchObject({ balance: 0, featuresDisabled: true });
      for (const path of ['/users/me', '/subscriptions/me', '/tokens/transactions', '/tokens/costs', '/plans']) {
        expect((await t.http.get(path, { token: user.token })).status).toBe(200);
      }
      expect(await ledgerState(t.dataSource, user.id)).toEqual(before);
    });
  });

  describe('4. the balance write went through a client without write rights', () => {
    it('when the ledger row cannot be written the balance does not move and the work does not run (503)', async () => {
      const user = await registerUser(t.http);
      await blockWrites(t.dataSource, 'token_ledger_entries', 'incident_block_insert');
      try {
        const response = await t.http.post('/incident-work', { job: 'x' }, { token: user.token });
        expect(response.status).toBe(503);
        expect(response.body.code).toBe('LEDGER_UNAVAILABLE');
      } finally {
        await t.dataSource.query('DROP TRIGGER incident_block_insert');
      }
      expect(work.runs).toBe(0);
      const state = await expectLedgerConsistent(t.dataSource, user.id);
      expect(state.balance).toBe(100);
    });

    it('when the balance cannot be written no ledger row is logged and the work does not run (503)', async () => {
      const user = await registerUser(t.http);
      await blockWrites(t.dataSource, 'token_accounts', 'incident_block_update');
      try {
        const response = await t.http.post('/incident-work', { job: 'x' }, { token: user.token });
        expect(response.status).toBe(503);
        expect(response.body.code).toBe('LEDGER_UNAVAILABLE');
      } finally {
        await t.dataSource.query('DROP TRIGGER incident_block_update');
      }
      expect(work.runs).toBe(0);
      const state = await expectLedgerConsistent(t.dataSource, user.id);
      expect(state.entries).toHaveLength(1);
    });
  });

  describe('5. the column did not exist', () => {
    it('entities and migrations agree: no pending schema change after migrating', async () => {
      const diff = await t.dataSource.driver.createSchemaBuilder().log();
      expect(diff.upQueries.map((q) => q.query)).toEqual([]);
    });

    it('refuses to start on a schema that is behind, with a message naming the migration; migrates by default', async () => {
      const database = await createTestDatabase();
      try {
        const migrator = new DataSource(dataSourceOptions({ SQLITE_PATH: 'unused', MIGRATIONS_RUN: false, ...database.env }));
        await migrator.initialize();
        await migrator.runMigrations();
        await migrator.undoLastMigration(); // the code now expects one more migration than the database has
        await migrator.destroy();

        await expect(startTestApp({ database, env: { MIGRATIONS_RUN: 'false' } })).rejects.toThrow(
          `schema is behind the code: pending migrations ${MIGRATIONS[MIGRATIONS.length - 1].name}`,
        );

        const upgraded = await startTestApp({ database });
        try {
          const pro = await registerUser(upgraded.http);
          const admin = await upgraded.http.post('/auth/login', { email: 'admin@tokens.test', password: 'admin-password-123' });
          await upgraded.http.put(`/admin/users/${pro.id}/subscription`, { planCode: 'professional' }, { token: admin.body.accessToken });
          const title = await upgraded.http.post('/services/seo-title', { text: 'Token metering for NestJS teams' }, { token: pro.token });
          expect(title.status).toBe(201);
          expect(title.headers.get('x-tokens-remaining')).toBe(String(2_000_000 - 300));
        } finally {
          await upgraded.close({ keepDatabase: true });
        }
      } finally {
        await database.drop();
      }
    });

    it('a balance of 0 is a real balance: it is never re-seeded', async () => {
      const user = await registerUser(t.http);
      await spendDownTo(t.http, user, 0);
      for (let i = 0; i < 3; i++) {
        expect((await t.http.post('/services/chat', { message: 'x' }, { token: user.token })).status).toBe(402);
        expect((await t.http.get('/tokens/balance', { token: user.token })).body.balance).toBe(0);
      }
      const state = await expectLedgerConsistent(t.dataSource, user.id);
      expect(state.entries.filter((e) => e.type === 'initial_grant')).toHaveLength(1);
    });
  });
});
