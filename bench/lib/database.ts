import { randomBytes } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';

/** The MariaDB server the benchmarks create their databases on (root, no password by default). */
export const MARIADB_SERVER = process.env.BENCH_MARIADB_URL ?? 'mariadb://root@127.0.0.1:3306';

export interface BenchDatabase {
  name: string;
  /** DATABASE_URL for the application. */
  url: string;
  /** A connection of the runner itself, for snapshots and invariant checks. */
  connection: Connection;
  serverVersion: string;
  drop(): Promise<void>;
}

function serverUri(database?: string): string {
  return `${MARIADB_SERVER.replace(/^mariadb:/, 'mysql:')}${database ? `/${database}` : ''}`;
}

/** A fresh, empty database for one benchmark run; `drop()` removes it. */
export async function createBenchDatabase(prefix: string): Promise<BenchDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = await createConnection({ uri: serverUri() }).catch((error: Error) => {
    throw new Error(`MariaDB is not reachable at ${MARIADB_SERVER} (${error.message}); start it or set BENCH_MARIADB_URL`);
  });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const [[{ version }]] = (await admin.query('SELECT VERSION() AS version')) as unknown as [[{ version: string }]];
  await admin.end();
  const connection = await createConnection({ uri: serverUri(name), supportBigNumbers: true, bigNumberStrings: true });
  let dropped = false;
  return {
    name,
    url: `${MARIADB_SERVER}/${name}`,
    connection,
    serverVersion: version,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await connection.end().catch(() => undefined);
      const c = await createConnection({ uri: serverUri() });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

export async function queryRows<T>(connection: Connection, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const [rows] = await connection.query(sql, parameters);
  return rows as T[];
}
