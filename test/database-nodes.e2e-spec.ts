/**
 * A DATABASE_URL that lists several nodes (as for a Galera cluster): the app writes to the first
 * usable one, moves to the next when it fails, and back when it returns. Here both "nodes" are one
 * MariaDB server reached through two TCP proxies the test controls, so the failover itself is what
 * is tested; test/galera runs the same on a real 3-node cluster.
 */
import { registerUser, type TestUser } from './support/factories.js';
import { expectLedgerConsistent, type Queryable } from './support/ledger-assertions.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { createTestDatabase, MARIADB_SERVER, TEST_DB, type TestDatabase } from './support/test-database.js';
import { createConnection, type Connection } from 'mysql2/promise';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

(TEST_DB === 'mariadb' ? describe : describe.skip)('a DATABASE_URL with several nodes (mariadb)', () => {
  const server = new URL(MARIADB_SERVER);
  const target = { host: server.hostname, port: Number(server.port || 3306) };
  let database: TestDatabase;
  let first: TcpProxy;
  let second: TcpProxy;
  let t: TestApp;
  let direct: Connection;
  let ledger: Queryable;

  beforeAll(async () => {
    database = await createTestDatabase();
    [first, second] = await Promise.all([TcpProxy.start(target), TcpProxy.start(target)]);
    const url = new URL(database.env.DATABASE_URL);
    const nodes = `${url.username || 'root'}@127.0.0.1:${first.port},127.0.0.1:${second.port}`;
    // The first node is down when the app starts.
    await first.cut();
    t = await startTestApp({
      database: { env: { DATABASE_URL: `mysql://${nodes}${url.pathname}` }, drop: () => database.drop() },
    });
    direct = await createConnection({ uri: database.env.DATABASE_URL.replace(/^mariadb:/, 'mysql:') });
    ledger = { query: async (sql, parameters) => (await direct.query(sql, parameters))[0] as never };
  });

  afterAll(async () => {
    await t?.app.close();
    await direct?.end();
    await Promise.all([first?.close(), second?.close()]);
    await database?.drop();
  });

  const chat = (user: TestUser) => t.http.post('/services/chat', { message: 'hello' }, { token: user.token });

  it('starts on the second node when the first is down, and serves from it', async () => {
    const user = await registerUser(t.http);
    expect((await chat(user)).status).toBe(201);
    expect(second.openConnections).toBeGreaterThan(0);
    expect(first.openConnections).toBe(0);
    await expectLedgerConsistent(ledger, user.id);
  });

  it('moves back to the first node once it answers, closing its idle connections to the second', async () => {
    const user = await registerUser(t.http);
    await Promise.all(Array.from({ length: 6 }, () => chat(user))); // a few pooled connections to the second
    expect(second.openConnections).toBeGreaterThan(1);
    await first.restore();
    // The nodes are checked every second; no request is needed for the move.
    const deadline = Date.now() + 5000;
    while (second.openConnections > 0 && Date.now() < deadline) await sleep(100);
    expect(second.openConnections).toBe(0);
    expect((await chat(user)).status).toBe(201);
    expect(first.openConnections).toBeGreaterThan(0);
  });

  it('a node lost under parallel load: no 500, 503 only around the moment it failed, each charge recorded exactly once', async () => {
    const users = await Promise.all(Array.from({ length: 8 }, () => registerUser(t.http)));
    const answers: Array<{ status: number; at: number; user: TestUser }> = [];
    let stop = false;
    let cutAt = 0;
    const worker = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const user = users[(n + i) % users.length];
        const response = await chat(user);
        answers.push({ status: response.status, at: Date.now(), user });
      }
    };
    const workers = Array.from({ length: 12 }, (_, n) => worker(n));
    await sleep(500);
    cutAt = Date.now();
    await first.cut();
    await sleep(1500);
    stop = true;
    await Promise.all(workers);

    const statuses = new Set(answers.map((a) => a.status));
    expect([...statuses].filter((s) => ![201, 402, 503].includes(s))).toEqual([]);
    // Failed requests are those that were running on the lost node's connections when it failed.
    const lateFailures = answers.filter((a) => a.status === 503 && a.at > cutAt + 500);
    expect(lateFailures).toEqual([]);
    expect(answers.filter((a) => a.status === 201 && a.at > cutAt + 500).length).toBeGreaterThan(0);
    for (const user of users) {
      const state = await expectLedgerConsistent(ledger, user.id);
      const charged = answers.filter((a) => a.user === user && a.status === 201).length;
      expect(state.balance).toBe(100 - charged);
    }
    await first.restore();
  });
});
