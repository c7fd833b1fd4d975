import { createConnection } from 'mysql2/promise';
import type { Queryable } from './ledger-assertions.js';
import { TcpProxy } from './tcp-proxy.js';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app.js';
import { createTestDatabase, MARIADB_SERVER } from './test-database.js';

/** An app whose MariaDB database is reached through a proxy the test controls, and a connection past it. */
export interface ProxiedApp {
  t: TestApp;
  proxy: TcpProxy;
  /** Reads the database directly, past the proxy. */
  ledger: Queryable;
  close(): Promise<void>;
}

/** Starts an app on a fresh MariaDB database behind a TcpProxy (MariaDB only: an embedded SQLite file cannot go away). */
export async function startBehindProxy(options: Omit<TestAppOptions, 'database'> = {}): Promise<ProxiedApp> {
  const database = await createTestDatabase();
  const server = new URL(MARIADB_SERVER);
  const proxy = await TcpProxy.start({ host: server.hostname, port: Number(server.port || 3306) });
  const proxied = new URL(database.env.DATABASE_URL);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  const t = await startTestApp({ ...options, database: { env: { DATABASE_URL: proxied.toString() }, drop: () => database.drop() } });
  const direct = await createConnection({ uri: database.env.DATABASE_URL.replace(/^mariadb:/, 'mysql:') });
  return {
    t,
    proxy,
    ledger: { query: async (sql, parameters) => (await direct.query(sql, parameters))[0] },
    close: async () => {
      await t.app.close();
      await direct.end();
      await proxy.close();
      await database.drop();
    },
  };
}
