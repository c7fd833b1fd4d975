import { randomBytes } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';

/** Where a run creates its database, and what the application's DATABASE_URL lists. */
export interface DatabaseServer {
  /** The server (or cluster node) the runner creates the database and the app user on, and reads: `mariadb://root@host:port`. */
  admin: string;
  /** `host:port` of every node the app's DATABASE_URL lists, in order (a Galera cluster's); the admin's host alone by default. */
  appNodes?: string[];
}

/** The MariaDB server the benchmarks create their databases on (root, no password by default). */
export const MARIADB_SERVER: DatabaseServer = { admin: process.env.BENCH_MARIADB_URL ?? 'mariadb://root@127.0.0.1:3306' };

/** The TCP ports of the server's nodes (to find their processes for CPU time). */
export function serverPorts(server: DatabaseServer): number[] {
  const hosts = server.appNodes?.map((node) => `mysql://${node}`) ?? [server.admin];
  return hosts.map((url) => Number(new URL(url).port || 3306));
}

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

function serverUri(server: DatabaseServer, database?: string): string {
  return `${server.admin.replace(/^mariadb:/, 'mysql:')}${database ? `/${database}` : ''}`;
}

/** The application's DATABASE_URL: the server's scheme, other credentials, every node. */
function appUrl(server: DatabaseServer, user: string, password: string, database: string): string {
  const admin = new URL(server.admin);
  const credentials = `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
  return `${admin.protocol}//${credentials}@${(server.appNodes ?? [admin.host]).join(',')}/${database}`;
}

/**
 * The app user logs in on every node: on Galera, CREATE USER and GRANT replicate (as statements run
 * on every node at once), so a node that could not take them would fail the app only on failover.
 */
async function checkLogins(server: DatabaseServer, user: string, password: string, database: string): Promise<void> {
  for (const node of server.appNodes ?? []) {
    const { hostname, port } = new URL(`mysql://${node}`);
    const connection = await createConnection({ host: hostname, port: Number(port || 3306), user, password, database }).catch(
      (error: Error) => {
        throw new Error(`the app user ${user} cannot log in on ${node}: ${error.message}`);
      },
    );
    await connection.end();
  }
}

/** A fresh, empty database for one benchmark run, with its own MariaDB user; `drop()` removes both. */
export async function createBenchDatabase(prefix: string, server: DatabaseServer = MARIADB_SERVER): Promise<BenchDatabase> {
  const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const name = `${prefix}_${suffix}`;
  const appUser = `bench_app_${suffix}`;
  const appPassword = randomBytes(16).toString('hex');
  const admin = await createConnection({ uri: serverUri(server) }).catch((error: Error) => {
    throw new Error(`MariaDB is not reachable at ${server.admin} (${error.message}); start it or set BENCH_MARIADB_URL`);
  });
  let dropped = false;
  const drop = async (): Promise<void> => {
    if (dropped) return;
    dropped = true;
    const c = await createConnection({ uri: serverUri(server) });
    await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await c.query(`DROP USER IF EXISTS ?@'%'`, [appUser]);
    await c.end();
  };
  let version: string;
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [appUser, appPassword]);
    await admin.query(`GRANT ALL PRIVILEGES ON \`${name}\`.* TO ?@'%'`, [appUser]);
    [[{ version }]] = (await admin.query('SELECT VERSION() AS version')) as unknown as [[{ version: string }]];
    await checkLogins(server, appUser, appPassword, name);
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  } finally {
    await admin.end();
  }
  const connection = await createConnection({ uri: serverUri(server, name), supportBigNumbers: true, bigNumberStrings: true });
  return {
    name,
    url: appUrl(server, appUser, appPassword, name),
    appUser,
    connection,
    serverVersion: version,
    drop: async () => {
      await connection.end().catch(() => undefined);
      await drop();
    },
  };
}

export async function queryRows<T>(connection: Connection, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const [rows] = await connection.query(sql, parameters);
  return rows as T[];
}
