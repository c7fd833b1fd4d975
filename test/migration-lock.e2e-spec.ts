/**
 * Migrations run once however many instances start at once: the lock row of migration-lock.ts.
 * Each instance is a data source of its own (its own connections, as a process would have),
 * connected and migrated by initializeDataSource, which the app's start and `npm run migration:run`
 * use. MIGRATION_LOCK_DATABASE_URL (server URLs separated by spaces, e.g. the nodes of a Galera
 * cluster) runs the suite on those servers instead (see migrationLockServers); without it, on the
 * suite's usual test database (TEST_DB).
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createConnection } from 'mysql2/promise';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import {
  initializeDataSource,
  MigrationLock,
  MigrationLockTimeout,
  runMigrationsOnce,
  type MigrationLockSettings,
} from '../src/database/migration-lock.js';
import { MIGRATIONS } from '../src/database/migrations/index.js';
import { recordedMigrations } from './fixtures/schema-upgrade/schema-dump.js';
import { createTestDatabase, migrationLockServers, TEST_DB } from './support/test-database.js';

const SERVERS = migrationLockServers();
const MIGRATION_NAMES = MIGRATIONS.map((migration) => migration.name);

/** A fresh, empty database, and the data source options of instance i on it. */
async function lockTestDatabase(): Promise<{ options: (i: number) => DataSourceOptions; drop: () => Promise<void> }> {
  const optionsOf = (env: Record<string, string>) => dataSourceOptions({ SQLITE_PATH: 'unused', MIGRATIONS_RUN: true, ...env });
  if (SERVERS.length === 0) {
    const database = await createTestDatabase();
    return { options: () => optionsOf(database.env), drop: () => database.drop() };
  }
  const name = `tokens_lock_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = () => createConnection({ uri: SERVERS[0].replace(/^mariadb:/, 'mysql:') });
  const connection = await admin();
  await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await connection.end();
  return {
    options: (i) => optionsOf({ DATABASE_URL: `${SERVERS[i % SERVERS.length]}/${name}` }),
    drop: async () => {
      const c = await admin();
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

describe(`the migration lock (${SERVERS.length > 0 ? `${SERVERS.length} servers of MIGRATION_LOCK_DATABASE_URL` : TEST_DB})`, () => {
  let database: Awaited<ReturnType<typeof lockTestDatabase>>;
  const sources: DataSource[] = [];
  const logs = new Map<string, string[]>();

  /** Instance `name`: connects with the database's options and runs the migrations once, as the app's start does. */
  const startInstance = async (i: number, name: string, settings: Partial<MigrationLockSettings> = {}) => {
    const log = logs.get(name) ?? [];
    logs.set(name, log);
    const source = await initializeDataSource(database.options(i), {
      holder: name,
      pollEveryMs: 100,
      log: (line) => void log.push(line),
      ...settings,
    });
    sources.push(source);
    return source;
  };
  /** A connection of the test's own, which runs no migration. */
  const connect = async (i = 0) => {
    const source = await new DataSource({ ...database.options(i), migrationsRun: false }).initialize();
    sources.push(source);
    return source;
  };
  const recorded = (source: DataSource) => recordedMigrations(source).catch(() => [] as string[]);

  beforeEach(async () => {
    database = await lockTestDatabase();
  });
  afterEach(async () => {
    for (const source of sources.splice(0)) await source.destroy();
    logs.clear();
    await database.drop();
  });

  it('five instances starting at the same moment on an empty database: each migration runs once, none fails, the lock is gone after', async () => {
    const names = ['instance-0', 'instance-1', 'instance-2', 'instance-3', 'instance-4'];
    // Connected first, so that all five reach the lock at the same moment.
    const instances = await Promise.all(names.map((_, i) => connect(i)));
    const started = await Promise.allSettled(
      names.map((name, i) => {
        const log: string[] = [];
        logs.set(name, log);
        return runMigrationsOnce(instances[i], { holder: name, pollEveryMs: 100, log: (line) => void log.push(line) });
      }),
    );
    expect(started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'started'))).toEqual(names.map(() => 'started'));

    const check = await connect();
    expect(await recorded(check)).toEqual(MIGRATION_NAMES);
    expect(await new MigrationLock(check, 'test', 1000).current()).toBeUndefined();
    // One instance ran them all; the others waited for it and ran none.
    const ranBy = started.map((s) => (s as PromiseFulfilledResult<string[]>).value);
    const ran = names.filter((_, i) => ranBy[i].length > 0);
    expect(ran).toHaveLength(1);
    expect(ranBy[names.indexOf(ran[0])]).toEqual(MIGRATION_NAMES);
    const waited = names.filter((name) => logs.get(name)!.includes(`waiting for the migrations run by ${ran[0]}`));
    expect(waited.length).toBeGreaterThan(0);
    for (const name of waited) expect(logs.get(name)).toContain(`migrations done by ${ran[0]}; nothing pending`);

    // A later start finds nothing to do.
    await startInstance(0, 'later');
    expect(logs.get('later')!.filter((line) => line.startsWith('ran '))).toEqual([]);
    expect(await recorded(check)).toEqual(MIGRATION_NAMES);
  });

  it('a lock whose holder is gone (expired, not refreshed) is taken over, and its migrations run once', async () => {
    const gone = new MigrationLock(await connect(), 'gone-instance', 1500);
    await gone.createTable();
    expect(await gone.tryAcquire()).toEqual({});
    // Its holder died here: nobody refreshes or releases the lock.

    const startedAt = Date.now();
    const successor = await startInstance(1, 'successor', { maxWaitMs: 10_000 });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000);
    expect(logs.get('successor')).toEqual([
      'waiting for the migrations run by gone-instance',
      'took over the migration lock of gone-instance, which expired',
      `ran ${MIGRATION_NAMES.length} migrations: ${MIGRATION_NAMES.join(', ')}`,
    ]);
    expect(await recorded(successor)).toEqual(MIGRATION_NAMES);
    expect(await gone.current()).toBeUndefined();
    // The lock is no longer the dead holder's: it can neither refresh it nor release another's.
    expect(await gone.refresh()).toBe(false);
  });

  it('a lock its live holder keeps refreshing makes the others wait, not run, until it is released', async () => {
    const holderSource = await connect();
    const live = new MigrationLock(holderSource, 'live-holder', 1000);
    await live.createTable();
    expect(await live.tryAcquire()).toEqual({});
    const holderLog: string[] = [];
    const stopRefreshing = live.keepAlive(250, (line) => void holderLog.push(line));

    const waiters = ['waiter-1', 'waiter-2', 'waiter-3'];
    const settled = waiters.map(() => false);
    const starting = waiters.map((name, i) =>
      startInstance(i + 1, name).finally(() => {
        settled[i] = true;
      }),
    );
    // Three times the lock's 1 s: without the refreshes it would have expired and been taken over.
    await sleep(3500);
    expect(settled).toEqual([false, false, false]);
    expect(await recorded(holderSource)).toEqual([]);
    expect((await live.current())?.holder).toBe('live-holder');
    for (const name of waiters) expect(logs.get(name)).toEqual(['waiting for the migrations run by live-holder']);

    // A bounded wait runs out with an error naming the holder.
    const impatient = startInstance(4, 'impatient', { maxWaitMs: 500 });
    await expect(impatient).rejects.toBeInstanceOf(MigrationLockTimeout);
    await expect(impatient).rejects.toThrow(/held by live-holder \(expires in \d+ s unless refreshed\)/);

    // The holder migrates and lets go: the waiters go on, having run nothing.
    await holderSource.runMigrations({ transaction: 'each' });
    await stopRefreshing();
    await live.release();
    await Promise.all(starting);
    for (const name of waiters) {
      expect(logs.get(name)).toEqual(['waiting for the migrations run by live-holder', 'migrations done by live-holder; nothing pending']);
    }
    expect(await recorded(holderSource)).toEqual(MIGRATION_NAMES);
    expect(await live.current()).toBeUndefined();
    expect(holderLog).toEqual([]);
  });
});
