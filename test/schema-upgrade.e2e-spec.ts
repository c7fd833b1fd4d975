/**
 * The schema comes from two places: the app's migrations (its own tables) and the tokens package's
 * (tokenMigrations: the token tables and the ledger's triggers). The package's build a new host's
 * database on their own. A database that the migrations of before this split built (all in the
 * app; fixtures/schema-upgrade/, see its README) upgrades without running any of them again and
 * without any change; the app's migrations of after the split then run on it as on a new database,
 * and a new database gets the same schema as that upgraded one.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tokenEntities, tokenMigrations } from '@token-metering/tokens';
import { DataSource, type DataSourceOptions, type Logger } from 'typeorm';
import { dataSourceOptions, isMysql } from '../src/database/data-source-options.js';
import { MIGRATIONS } from '../src/database/migrations/index.js';
import { recordedMigrations, rowsOf, schemaOf, tableNames } from './fixtures/schema-upgrade/schema-dump.js';
import { createTestDatabase, TEST_DB, TestDatabase } from './support/test-database.js';

const TOKEN_TABLES = [
  'idempotency_keys',
  'token_accounts',
  'token_grants',
  'token_holds',
  'token_ledger_entries',
  'token_price_overrides',
  'token_price_revision',
  'token_spend_limits',
  'token_usage_days',
  'token_usage_rollups',
];
/** The package's halves of the app's migrations that also built token tables: new names, so TypeORM runs them once. */
const SPLIT_HALVES = [
  'TokenTables1763700000000',
  'TokenPriceTables1763700000002',
  'TwoBucketsSplit1763700000003',
  'ExactIdempotencyKeys1763700000010',
];
/** What the migrations of before the split recorded, in order. */
const MIGRATIONS_BEFORE_THE_SPLIT = [
  'InitialSchema1763700000000',
  'SeedPlans1763700000001',
  'OperationsSchema1763700000002',
  'TwoBuckets1763700000003',
  'WidenIdempotencyAnswers1763700000004',
  'Sessions1763700000005',
  'GroupCommitMarker1763700000006',
  'AiModels1763700000007',
  'Holds1763700000008',
  'OwedTokens1763700000009',
  'ExactEmailsAndKeys1763700000010',
  'PurchaseReversals1763700000012',
];
/** The migrations of after the split (every one later than the last of before): an upgraded database runs them like a new one. */
const MIGRATIONS_AFTER_THE_SPLIT = MIGRATIONS.map((migration) => migration.name).filter((name) => Number(name.slice(-13)) > 1763700000012);
/** Today's migrations but those: what the fixture is upgraded with first. */
const MIGRATIONS_UP_TO_THE_SPLIT = MIGRATIONS.filter((migration) => !MIGRATIONS_AFTER_THE_SPLIT.includes(migration.name));
/** A statement that changes a schema or rows. */
const WRITE = /^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|ALTER|DROP|RENAME)\b/i;
/** TypeORM's record of a migration that ran (on MariaDB, the table is named with its database). */
const RECORDING_A_MIGRATION = /^\s*INSERT INTO (`\w+`\.)?[`"]migrations[`"]/i;

describe(`the schema's migrations (${TEST_DB})`, () => {
  const databases: TestDatabase[] = [];
  const sources: DataSource[] = [];
  const newDatabase = async () => {
    const database = await createTestDatabase();
    databases.push(database);
    return database;
  };
  const open = async (options: DataSourceOptions) => {
    const source = await new DataSource(options).initialize();
    sources.push(source);
    return source;
  };
  const appOptions = (database: TestDatabase) => dataSourceOptions({ SQLITE_PATH: 'unused', MIGRATIONS_RUN: false, ...database.env });
  /** The app's data source on a new database as the migrations of before the split left it (the fixture). */
  const openFixture = async (options: { logger?: Logger; migrations?: typeof MIGRATIONS } = {}) => {
    const database = await newDatabase();
    const source = await open({ ...appOptions(database), ...options });
    for (const statement of fixtureStatements()) await source.query(statement);
    return { source, database };
  };
  afterEach(async () => {
    for (const source of sources.splice(0)) await source.destroy();
    for (const database of databases.splice(0)) await database.drop();
  });

  it("tokenMigrations alone build tokenEntities' tables on a new database, append-only ledger included, and touch nothing else", async () => {
    const options = appOptions(await newDatabase());
    const host = await open({ ...options, entities: tokenEntities(isMysql(options)), migrations: tokenMigrations });
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
  });

  it('a database the migrations of before the split built upgrades: only the new halves are recorded, none runs, nothing changes', async () => {
    const statements: string[] = [];
    const { source: upgraded, database } = await openFixture({
      logger: recordingStatements(statements),
      migrations: MIGRATIONS_UP_TO_THE_SPLIT,
    });
    expect(await recordedMigrations(upgraded)).toEqual(MIGRATIONS_BEFORE_THE_SPLIT);
    const schemaBefore = await schemaOf(upgraded);
    const rowsBefore = await rowsOf(upgraded);

    statements.length = 0;
    const ran = await upgraded.runMigrations();
    expect(ran.map((migration) => migration.name)).toEqual(SPLIT_HALVES);
    // The log holds TypeORM's records of them; besides those, nothing wrote.
    expect(statements.filter((sql) => RECORDING_A_MIGRATION.test(sql))).toHaveLength(SPLIT_HALVES.length);
    expect(statements.filter((sql) => WRITE.test(sql) && !RECORDING_A_MIGRATION.test(sql))).toEqual([]);
    expect(await schemaOf(upgraded)).toEqual(schemaBefore);
    expect(await rowsOf(upgraded)).toEqual(rowsBefore);
    expect(await recordedMigrations(upgraded)).toEqual([...MIGRATIONS_BEFORE_THE_SPLIT, ...SPLIT_HALVES]);

    expect(await upgraded.runMigrations()).toEqual([]);

    // Then the migrations of after the split run; nothing is pending any more, and the app's entities find the schema they expect.
    const current = await open(appOptions(database));
    expect((await current.runMigrations()).map((migration) => migration.name)).toEqual(MIGRATIONS_AFTER_THE_SPLIT);
    expect(await current.runMigrations()).toEqual([]);
    const diff = await current.driver.createSchemaBuilder().log();
    expect(diff.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('a new database gets the schema of one the migrations of before the split built, upgraded: tables, columns, indexes, checks, triggers', async () => {
    const { source: old } = await openFixture();
    await old.runMigrations();
    const fresh = await open(appOptions(await newDatabase()));
    await fresh.runMigrations();

    const schema = await schemaOf(fresh);
    expect(schema).toEqual(await schemaOf(old));
    expect(schema.filter((object) => /token_ledger_no_(update|delete)/.test(object))).toHaveLength(2);
  });
});

/** The fixture's statements (one per line ending in `;`), written from a database the migrations of before the split built. */
function fixtureStatements(): string[] {
  const sql = readFileSync(new URL(`./fixtures/schema-upgrade/${TEST_DB}.sql`, import.meta.url), 'utf8');
  return sql.split(/;\n/).filter((statement) => statement.trim() !== '');
}

/** A TypeORM logger that keeps every statement sent. */
function recordingStatements(statements: string[]): Logger {
  const ignore = () => undefined;
  return {
    logQuery: (query: string) => void statements.push(query),
    logQueryError: ignore,
    logQuerySlow: ignore,
    logSchemaBuild: ignore,
    logMigration: ignore,
    log: ignore,
  };
}
