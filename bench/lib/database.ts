import { randomBytes } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';

/** The MariaDB server the benchmarks create their databases on (root, no password by default). */
export const MARIADB_SERVER = process.env.BENCH_MARIADB_URL ?? 'mariadb://root@127.0.0.1:3306';

export interface BenchDatabase {
  name: string;
  /** DATABASE_URL for the application: the database's own MariaDB user (see `appUser`). */
  url: string;
  /**
   * The MariaDB user only the application uses (all privileges on this database, nothing else), so
   * that the server's per-user statistics tell the app's statements apart from everyone else's.
   */
  appUser: string;
  /** A connection of the runner itself, for snapshots and invariant checks. */
  connection: Connection;
  serverVersion: string;
  drop(): Promise<void>;
}

function serverUri(database?: string): string {
  return `${MARIADB_SERVER.replace(/^mariadb:/, 'mysql:')}${database ? `/${database}` : ''}`;
}

/** The server's URL with other credentials (same scheme, host and port). */
function withCredentials(server: string, user: string, password: string): string {
  const url = new URL(server);
  url.username = user;
  url.password = password;
  return url.toString().replace(/\/$/, '');
}

/** A fresh, empty database for one benchmark run, with its own MariaDB user; `drop()` removes both. */
export async function createBenchDatabase(prefix: string): Promise<BenchDatabase> {
  const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const name = `${prefix}_${suffix}`;
  const appUser = `bench_app_${suffix}`;
  const appPassword = randomBytes(16).toString('hex');
  const admin = await createConnection({ uri: serverUri() }).catch((error: Error) => {
    throw new Error(`MariaDB is not reachable at ${MARIADB_SERVER} (${error.message}); start it or set BENCH_MARIADB_URL`);
  });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [appUser, appPassword]);
  await admin.query(`GRANT ALL PRIVILEGES ON \`${name}\`.* TO ?@'%'`, [appUser]);
  const [[{ version }]] = (await admin.query('SELECT VERSION() AS version')) as unknown as [[{ version: string }]];
  await admin.end();
  const connection = await createConnection({ uri: serverUri(name), supportBigNumbers: true, bigNumberStrings: true });
  let dropped = false;
  return {
    name,
    url: `${withCredentials(MARIADB_SERVER, appUser, appPassword)}/${name}`,
    appUser,
    connection,
    serverVersion: version,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await connection.end().catch(() => undefined);
      const c = await createConnection({ uri: serverUri() });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.query(`DROP USER IF EXISTS ?@'%'`, [appUser]);
      await c.end();
    },
  };
}

export async function queryRows<T>(connection: Connection, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const [rows] = await connection.query(sql, parameters);
  return rows as T[];
}
