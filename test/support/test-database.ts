import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

/** Which database the e2e suite runs against: TEST_DB=sqlite (default) or TEST_DB=mariadb. */
export const TEST_DB = process.env.TEST_DB === 'mariadb' ? 'mariadb' : 'sqlite';
export const MARIADB_SERVER = process.env.TEST_MARIADB_URL ?? 'mariadb://root@127.0.0.1:3306';

/**
 * The servers of MIGRATION_LOCK_DATABASE_URL (URLs separated by spaces, e.g. the nodes of a Galera
 * cluster), without a database name: the migration lock suites create a database on the first and
 * start instance i on the i-th, round-robin. Empty when unset.
 */
export function migrationLockServers(): string[] {
  return (process.env.MIGRATION_LOCK_DATABASE_URL ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((server) => {
      const url = new URL(server);
      url.pathname = '';
      url.search = '';
      return url.toString().replace(/\/$/, '');
    });
}

export interface TestDatabase {
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** A fresh, empty database for one app: a temporary SQLite file, or a new MariaDB schema. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `tokens_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  if (TEST_DB === 'sqlite') {
    const file = join(tmpdir(), `${name}.sqlite`);
    return {
      env: { SQLITE_PATH: file },
      drop: async () => {
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      },
    };
  }
  const admin = () => createConnection({ uri: MARIADB_SERVER.replace(/^mariadb:/, 'mysql:') });
  const connection = await admin().catch((error: Error) => {
    throw new Error(`MariaDB is not reachable at ${MARIADB_SERVER} (${error.message}); start it, or run the SQLite suite only`);
  });
  await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await connection.end();
  return {
    env: { DATABASE_URL: `${MARIADB_SERVER}/${name}` },
    drop: async () => {
      const c = await admin();
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
