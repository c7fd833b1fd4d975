import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import type { DataSourceOptions } from 'typeorm';

/** Which database the module suites run on: TEST_DB=sqlite (default) or TEST_DB=mariadb. */
export const TEST_DB = process.env.TEST_DB === 'mariadb' ? 'mariadb' : 'sqlite';
const MARIADB_SERVER = process.env.TEST_MARIADB_URL ?? 'mariadb://root@127.0.0.1:3306';

export interface TestDatabase {
  /** How to connect to it: no entities, no schema. */
  connection: DataSourceOptions;
  drop(): Promise<void>;
}

/** A fresh, empty database for one suite: SQLite in memory, or a new MariaDB database on the local server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (TEST_DB === 'sqlite') return { connection: { type: 'better-sqlite3', database: ':memory:' }, drop: async () => undefined };
  const name = `database_pkg_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const server = () => createConnection({ uri: MARIADB_SERVER.replace(/^mariadb:/, 'mysql:') });
  const admin = await server().catch((error: Error) => {
    throw new Error(`MariaDB is not reachable at ${MARIADB_SERVER} (${error.message}); start it, or run with TEST_DB=sqlite`);
  });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return {
    connection: { type: 'mariadb', url: `${MARIADB_SERVER.replace(/^mariadb:/, 'mysql:')}/${name}`, timezone: 'Z' },
    drop: async () => {
      const connection = await server();
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}
