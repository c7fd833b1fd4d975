/**
 * The schema comes from two places: the app's migrations (its own tables) and the tokens package's
 * (tokenMigrations: the token tables and the ledger's triggers). The package's build a new host's
 * database on their own.
 */
import { randomUUID } from 'node:crypto';
import { tokenEntities, tokenMigrations } from '@token-metering/tokens';
import { DataSource } from 'typeorm';
import { dataSourceOptions, isMysql } from '../src/database/data-source-options.js';
import { createTestDatabase, TEST_DB, TestDatabase } from './support/test-database.js';

const TOKEN_TABLES = [
  'idempotency_keys',
  'token_accounts',
  'token_holds',
  'token_ledger_entries',
  'token_price_overrides',
  'token_price_revision',
];

describe(`the schema's migrations (${TEST_DB})`, () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => database.drop());

  const appOptions = () => dataSourceOptions({ SQLITE_PATH: 'unused', MIGRATIONS_RUN: false, ...database.env });

  it("tokenMigrations alone build tokenEntities' tables on a new database, append-only ledger included, and touch nothing else", async () => {
    const options = appOptions();
    const host = new DataSource({ ...options, entities: tokenEntities(isMysql(options)), migrations: tokenMigrations });
    await host.initialize();
    try {
      const ran = await host.runMigrations();
      expect(ran.map((migration) => migration.name)).toEqual(tokenMigrations.map((migration) => migration.name));
      expect(await tableNames(host)).toEqual([...TOKEN_TABLES, 'migrations'].sort());
      // The entities and the migrations agree: the schema builder has nothing to change.
      const diff = await host.driver.createSchemaBuilder().log();
      expect(diff.upQueries.map((query) => query.query)).toEqual([]);

      const userId = randomUUID();
      await host.query(
        'INSERT INTO token_ledger_entries (user_id, seq, id, type, amount, balance_after, created_at) VALUES (?, 1, ?, ?, 100, 100, ?)',
        [userId, randomUUID(), 'initial_grant', '2025-01-01 00:00:00'],
      );
      await expect(host.query('UPDATE token_ledger_entries SET amount = 1 WHERE user_id = ?', [userId])).rejects.toThrow(/append-only/);
      await expect(host.query('DELETE FROM token_ledger_entries WHERE user_id = ?', [userId])).rejects.toThrow(/append-only/);
    } finally {
      await host.destroy();
    }
  });
});

async function tableNames(source: DataSource): Promise<string[]> {
  const rows: { name: string }[] = isMysql(source.options)
    ? await source.query('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()')
    : await source.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  return rows.map((row) => row.name).sort();
}
