/**
 * Identity and keys compare exactly, on SQLite and on MariaDB (whose test databases default to the
 * case- and accent-insensitive utf8mb4_unicode_ci): an email is stored and compared in one normal
 * form (NFKC, trimmed, lower case) and is otherwise exact; an Idempotency-Key is exact. The migration
 * that brings existing emails into that form refuses, changing nothing, when two accounts would
 * share an address.
 */
import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { MIGRATIONS } from '../src/database/migrations/index.js';
import { ExactEmailsAndKeys1763700000010 } from '../src/database/migrations/1763700000010-ExactEmailsAndKeys.js';
import { insertRawUser, registerUser } from './support/factories.js';
import type { HttpClient } from './support/http-client.js';
import { expectLedgerConsistent } from './support/ledger-assertions.js';
import { ADMIN, startTestApp, TestApp } from './support/test-app.js';
import { createTestDatabase, TEST_DB, TestDatabase } from './support/test-database.js';

const PASSWORD = 'password-123';
/** A domain of its own per test, so the fixed local parts below never meet another test's. */
const domain = () => `x${randomUUID().slice(0, 8)}.test`;
const login = (http: HttpClient, email: string, password = PASSWORD) => http.post('/auth/login', { email, password });

async function userIdOf(http: HttpClient, accessToken: string): Promise<string> {
  const me = await http.get('/users/me', { token: accessToken });
  expect(me.status).toBe(200);
  return me.body.id;
}

describe(`emails and Idempotency-Keys compare exactly (${TEST_DB})`, () => {
  describe('emails in one normal form', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it("an accent variant is another address: vîctim@ registers as its own account, and victim's password does not open it", async () => {
      const at = domain();
      const victim = await registerUser(t.http, { email: `victim@${at}` });
      // Victim's password under an accent variant opens nothing (each variant would also be a fresh failed-login budget).
      for (const email of [`vîctim@${at}`, `vïctim@${at}`, `víctim@${at}`]) {
        const guess = await login(t.http, email);
        expect({ email, status: guess.status, code: guess.body.code }).toEqual({ email, status: 401, code: 'UNAUTHENTICATED' });
      }
      const variant = await t.http.post('/auth/register', { email: `vîctim@${at}`, password: 'variant-password' });
      expect(variant.status).toBe(201);
      expect(variant.body.user).toMatchObject({ email: `vîctim@${at}` });
      expect(variant.body.user.id).not.toBe(victim.id);
      const guess = await login(t.http, `vîctim@${at}`);
      expect([guess.status, guess.body.code]).toEqual([401, 'UNAUTHENTICATED']);
      expect(await userIdOf(t.http, (await login(t.http, `vîctim@${at}`, 'variant-password')).body.accessToken)).toBe(variant.body.user.id);
      const rows = await t.dataSource.query('SELECT id FROM users WHERE email = ?', [`victim@${at}`]);
      expect(rows).toEqual([{ id: victim.id }]);
    });

    it('spaces around and capitals do not make another address: "  Victim@X.TEST " signs in as victim and cannot register again', async () => {
      const at = domain();
      const victim = await registerUser(t.http, { email: `victim@${at}` });
      const padded = `  Victim@${at.toUpperCase()} `;
      const signedIn = await login(t.http, padded);
      expect(signedIn.status).toBe(200);
      expect(await userIdOf(t.http, signedIn.body.accessToken)).toBe(victim.id);
      const again = await t.http.post('/auth/register', { email: padded, password: 'another-password' });
      expect([again.status, again.body.code]).toEqual([409, 'EMAIL_TAKEN']);
      const fresh = await t.http.post('/auth/register', { email: `  Ada.Lovelace@${at.toUpperCase()}\t`, password: PASSWORD });
      expect([fresh.status, fresh.body.user?.email]).toEqual([201, `ada.lovelace@${at}`]);
    });

    it('fullwidth and other compatibility forms are their plain forms (NFKC): ｖictim@ is victim@ (409 EMAIL_TAKEN) and signs in as victim', async () => {
      const at = domain();
      const victim = await registerUser(t.http, { email: `victim@${at}` });
      const before = Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM users'))[0].n);
      for (const email of [`ｖictim@${at}`, `ＶＩＣＴＩＭ@${at}`, `victim＠${at}`]) {
        const taken = await t.http.post('/auth/register', { email, password: 'another-password' });
        expect({ email, status: taken.status, code: taken.body.code }).toEqual({ email, status: 409, code: 'EMAIL_TAKEN' });
        const signedIn = await login(t.http, email);
        expect({ email, status: signedIn.status }).toEqual({ email, status: 200 });
        expect(await userIdOf(t.http, signedIn.body.accessToken)).toBe(victim.id);
      }
      expect(Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM users'))[0].n)).toBe(before);
      // A ligature and a fullwidth digit are stored in their plain forms.
      const compat = await t.http.post('/auth/register', { email: `ﬁnance１@${at}`, password: PASSWORD });
      expect([compat.status, compat.body.user?.email]).toEqual([201, `finance1@${at}`]);
    });

    it('the checks apply to the normal form: an address that is malformed or too long once normalized is 400 and stores nothing', async () => {
      const before = Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM users'))[0].n);
      // U+FDFA is one character that NFKC spells out in 18: four of them make a local part over 64.
      for (const email of [`${'\ufdfa'.repeat(4)}@${domain()}`, `  @${domain()}`, `a b@${domain()}`]) {
        const response = await t.http.post('/auth/register', { email, password: PASSWORD });
        expect({ email, status: response.status, code: response.body.code }).toEqual({ email, status: 400, code: 'VALIDATION_FAILED' });
        expect(response.body.details.map((d: { field: string }) => d.field)).toEqual(['email']);
      }
      // A lone UTF-16 surrogate (valid JSON, no text) is no address either.
      for (const path of ['/auth/register', '/auth/login']) {
        const response = await t.http.post(path, undefined, { raw: `{"email": "a\\ud800b@${domain()}", "password": "${PASSWORD}"}` });
        expect({ path, status: response.status, code: response.body.code }).toEqual({ path, status: 400, code: 'VALIDATION_FAILED' });
      }
      expect(Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM users'))[0].n)).toBe(before);
    });
  });

  it('ADMIN_EMAIL is taken in its normal form: the admin signs in with the plain address', async () => {
    const local = `ops${randomUUID().slice(0, 8)}`;
    const t = await startTestApp({ env: { ADMIN_EMAIL: `${local.toUpperCase()}@ｔｏｋｅｎｓ.test` } });
    try {
      const signedIn = await login(t.http, `${local}@tokens.test`, ADMIN.password);
      expect(signedIn.status).toBe(200);
      expect((await t.http.get('/users/me', { token: signedIn.body.accessToken })).body).toMatchObject({
        email: `${local}@tokens.test`,
        role: 'admin',
      });
    } finally {
      await t.close();
    }
  });

  describe('Idempotency-Key', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    const chat = (token: string, key: string) =>
      t.http.post('/services/chat', { message: 'the same question' }, { token, headers: { 'idempotency-key': key } });

    it('keys that differ only in case are two requests: each is charged once, neither replays the other', async () => {
      const user = await registerUser(t.http);
      const key = `Order-ABC-${randomUUID()}`;
      const first = await chat(user.token, key);
      const second = await chat(user.token, key.toLowerCase());
      const third = await chat(user.token, key.toUpperCase());
      for (const response of [first, second, third]) {
        expect(response.status).toBe(201);
        expect(response.headers.get('idempotent-replayed')).toBeNull();
      }
      expect([first, second, third].map((r) => r.headers.get('x-tokens-remaining'))).toEqual(['99', '98', '97']);
      // Each key still replays its own answer.
      const replay = await chat(user.token, key.toLowerCase());
      expect([replay.status, replay.headers.get('idempotent-replayed'), replay.body]).toEqual([201, 'true', second.body]);
      const state = await expectLedgerConsistent(t.dataSource, user.id);
      expect(state.balance).toBe(97);
      expect(state.entries.filter((entry) => entry.type === 'usage')).toHaveLength(3);
    });

    it('an accent variant of a key is no key at all: 400 VALIDATION_FAILED (visible ASCII only), nothing charged or replayed', async () => {
      const user = await registerUser(t.http);
      const key = `order-abc-${randomUUID()}`;
      expect((await chat(user.token, key)).status).toBe(201);
      const variant = await chat(user.token, key.replace('a', 'ä'));
      expect([variant.status, variant.body.code, variant.body.details]).toEqual([
        400,
        'VALIDATION_FAILED',
        [{ field: 'Idempotency-Key', errors: [expect.any(String)] }],
      ]);
      expect((await expectLedgerConsistent(t.dataSource, user.id)).balance).toBe(99);
    });
  });

  describe('the migration that normalizes existing emails', () => {
    let database: TestDatabase;
    let migrator: DataSource;

    /** A database migrated up to, not including, ExactEmailsAndKeys: what an upgrade finds. */
    beforeEach(async () => {
      database = await createTestDatabase();
      migrator = new DataSource({
        ...dataSourceOptions({ SQLITE_PATH: 'unused', MIGRATIONS_RUN: false, ...database.env }),
        migrations: MIGRATIONS.filter((migration) => migration !== ExactEmailsAndKeys1763700000010),
      });
      await migrator.initialize();
      await migrator.runMigrations();
    });
    afterEach(async () => {
      if (migrator.isInitialized) await migrator.destroy();
      await database.drop();
    });

    const emails = (source: DataSource, ids: string[]) =>
      source.query<{ id: string; email: string }[]>(`SELECT id, email FROM users WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
    const collations = async (source: DataSource) =>
      source.query(
        `SELECT TABLE_NAME AS tableName, COLLATION_NAME AS collation FROM information_schema.COLUMNS
         WHERE TABLE_SCHEMA = DATABASE() AND ((TABLE_NAME = 'users' AND COLUMN_NAME = 'email')
           OR (TABLE_NAME = 'idempotency_keys' AND COLUMN_NAME = 'idempotency_key')) ORDER BY TABLE_NAME`,
      );
    const applied = async (source: DataSource) =>
      (await source.query('SELECT name FROM migrations')).map((row: { name: string }) => row.name);

    it('rewrites existing emails in their normal form; on MariaDB both columns become binary', async () => {
      const at = domain();
      const padded = await insertRawUser(migrator, { email: ` Grace@${at.toUpperCase()}` });
      const fullwidth = await insertRawUser(migrator, { email: `ａｄａ@${at}` });
      const plain = await insertRawUser(migrator, { email: `vîctim@${at}` });
      await migrator.destroy();

      const t = await startTestApp({ database });
      try {
        expect(await applied(t.dataSource)).toContain(ExactEmailsAndKeys1763700000010.name);
        expect((await emails(t.dataSource, [padded.id, fullwidth.id, plain.id])).sort((a, b) => a.email.localeCompare(b.email))).toEqual([
          { id: fullwidth.id, email: `ada@${at}` },
          { id: padded.id, email: `grace@${at}` },
          { id: plain.id, email: `vîctim@${at}` },
        ]);
        // Now exact: victim@ is not the stored vîctim@.
        const victim = await registerUser(t.http, { email: `victim@${at}` });
        expect(victim.id).not.toBe(plain.id);
        if (TEST_DB === 'mariadb') {
          expect(await collations(t.dataSource)).toEqual([
            { tableName: 'idempotency_keys', collation: 'utf8mb4_bin' },
            { tableName: 'users', collation: 'utf8mb4_bin' },
          ]);
        }
      } finally {
        await t.close({ keepDatabase: true });
      }
    });

    it('refuses to start when two accounts would share an address, naming them, and changes nothing', async () => {
      const at = domain();
      const victim = await insertRawUser(migrator, { email: `victim@${at}` });
      // Told apart by utf8mb4_unicode_ci only by the leading space (it equates case, accents and fullwidth forms).
      const twin = await insertRawUser(migrator, { email: ` Victim@${at}` });
      const other = await insertRawUser(migrator, { email: `ＯＴＨＥＲ@${at}` });
      const before = await emails(migrator, [victim.id, twin.id, other.id]);
      const collationsBefore = TEST_DB === 'mariadb' ? await collations(migrator) : [];
      await migrator.destroy();

      // TypeORM also prints the failed migration; the message is checked below.
      const typeormLog = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      const refused = await startTestApp({ database })
        .then(
          async (t) => {
            await t.close({ keepDatabase: true });
            return null;
          },
          (error: Error) => error.message,
        )
        .finally(() => typeormLog.mockRestore());
      expect(refused).toContain('Migration ExactEmailsAndKeys1763700000010 refused, nothing was changed');
      const line = refused?.split('\n').find((text) => text.trim().startsWith(`victim@${at}:`));
      expect(line).toContain(`user ${victim.id} (email "victim@${at}")`);
      expect(line).toContain(`user ${twin.id} (email " Victim@${at}")`);
      expect(refused).not.toContain(other.id);

      await migrator.initialize();
      expect(await applied(migrator)).not.toContain(ExactEmailsAndKeys1763700000010.name);
      expect(await emails(migrator, [victim.id, twin.id, other.id])).toEqual(expect.arrayContaining(before));
      if (TEST_DB === 'mariadb') expect(await collations(migrator)).toEqual(collationsBefore);

      // Once the operator gives the twin another address, the migration runs.
      await migrator.query('UPDATE users SET email = ? WHERE id = ?', [`twin@${at}`, twin.id]);
      await migrator.destroy();
      const t = await startTestApp({ database });
      try {
        expect(await emails(t.dataSource, [other.id])).toEqual([{ id: other.id, email: `other@${at}` }]);
      } finally {
        await t.close({ keepDatabase: true });
      }
    });
  });
});
