import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { DataSourceOptions } from 'typeorm';

/** Which database the module and HTTP suites run on: TEST_DB=sqlite (default) or TEST_DB=mariadb. */
export const TEST_DB = process.env.TEST_DB === 'mariadb' ? 'mariadb' : 'sqlite';
const MARIADB_SERVER = process.env.TEST_MARIADB_URL ?? 'mariadb://root@127.0.0.1:3306';

export interface TestDatabase {
  /** MySQL/MariaDB column types (`tokenEntities(mysql)`). */
  mysql: boolean;
  /** How to connect to it: no entities, no schema. */
  connection: DataSourceOptions;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one suite: SQLite in memory, a temporary SQLite file when several
 * data sources must share it (`shared`), or a new MariaDB database on the local server.
 */
export async function createTestDatabase(options: { shared?: boolean } = {}): Promise<TestDatabase> {
  const name = `tokens_pkg_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  if (TEST_DB === 'sqlite') return sqliteDatabase(options.shared ? join(tmpdir(), `${name}.sqlite`) : ':memory:');
  const server = () => createConnection({ uri: MARIADB_SERVER.replace(/^mariadb:/, 'mysql:') });
  const admin = await server().catch((error: Error) => {
    throw new Error(`MariaDB is not reachable at ${MARIADB_SERVER} (${error.message}); start it, or run with TEST_DB=sqlite`);
  });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return {
    mysql: true,
    connection: {
      type: 'mariadb',
      url: `${MARIADB_SERVER.replace(/^mariadb:/, 'mysql:')}/${name}`,
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      supportBigNumbers: true,
      bigNumberStrings: true,
      extra: { connectionLimit: 20 },
    },
    drop: async () => {
      const connection = await server();
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}

function sqliteDatabase(file: string): TestDatabase {
  return {
    mysql: false,
    connection: {
      type: 'better-sqlite3',
      database: file,
      // WAL lets a second data source read beside the writer; busy_timeout waits for a lock instead of failing.
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
        db.pragma('foreign_keys = ON');
      },
    },
    drop: async () => {
      if (file === ':memory:') return;
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    },
  };
}
