/**
 * The database server itself goes down in the middle of the traffic and comes back. The suite runs
 * a MariaDB server of its own (mariadbd on its own port and data directory) for two app processes,
 * and while requests keep coming it first crashes the server with SIGKILL (InnoDB recovers from
 * its redo log at the next start), then shuts it down cleanly. What must hold:
 * - every answer is 201 or 503 LEDGER_UNAVAILABLE, never a 500 and never no answer; while the
 *   server is down, metered routes answer 503 without X-Tokens headers and /health answers 503;
 * - after the restart every 201 has its committed usage row (an acknowledged commit survived the
 *   crash), and once the apps have settled what was in doubt (charges whose COMMIT went
 *   unanswered, refunds the server could not take) every 503 left nothing charged;
 * - balances moved by exactly the 201s, an Idempotency-Key answered 503 runs once when retried,
 *   and the integrity report is ok on both instances.
 */
import { sample } from '../support/metrics.js';
import { AppProcess, killAllApps, METRICS_TOKEN } from './support/app-process.js';
import { chargedByUser, compareWithLedger, expectInvariants } from './support/checks.js';
import { ReliabilityDatabase } from './support/database.js';
import { adminToken, call, CHAT, expectCall, note, Outcome, registerUser, SOCIAL, tally, User } from './support/load.js';
import { MariadbServer } from './support/mariadb-server.js';
import { sleep } from './support/ports.js';

const CONCURRENCY = 24;
const USERS = 6;
const GRANT = 100_000;
/** Served requests before the fault, and again after the restart, before the traffic stops. */
const SERVED_AROUND_FAULT = 60;
const DOWN_MS = 1500;
const SETTLED_WITHIN_MS = 60_000;

type Route = typeof CHAT | typeof SOCIAL;

describe('the database server stops and comes back', () => {
  let server: MariadbServer;
  let db: ReliabilityDatabase;
  const apps: AppProcess[] = [];
  let admin: string;
  let users: User[];
  const outcomes: Outcome[] = [];
  const userOf = new Map<string, string>();
  const keyed = new Map<string, { user: User; route: Route; body: number }>();

  beforeAll(async () => {
    server = await MariadbServer.create();
    db = await ReliabilityDatabase.create('restart', server.url);
    apps.push(await AppProcess.start('app-1', db.url()));
    apps.push(await AppProcess.start('app-2', db.url()));
    admin = await adminToken(apps[0].baseUrl);
    users = await Promise.all(Array.from({ length: USERS }, (_, i) => registerUser(apps[i % 2].baseUrl, `restart-${i}`)));
    for (const user of users)
      await expectCall(apps[0].baseUrl, 'POST', `/admin/users/${user.id}/tokens/grant`, { amount: GRANT, reason: 'set-up' }, 201, {
        token: admin,
      });
  }, 180000);

  afterAll(async () => {
    await killAllApps();
    await db?.close();
    await server?.destroy();
  });

  const send = async (app: AppProcess, user: User, route: Route, body: number, idempotencyKey?: string) => {
    const o = await call(app.baseUrl, 'POST', route.path, route.body(body), {
      token: user.token,
      idempotencyKey,
      instance: app.name,
      timeoutMs: 30_000,
    });
    userOf.set(o.requestId, user.id);
    outcomes.push(o);
    return o;
  };

  /** Requests from CONCURRENCY clients, round-robin over users and instances, a third with a key, until stopped. */
  function startTraffic(label: string) {
    let stopped = false;
    let n = 0;
    const client = async () => {
      while (!stopped) {
        const i = n++;
        const user = users[i % users.length];
        const route = i % 5 === 0 ? SOCIAL : CHAT;
        const key = i % 3 === 0 ? `${label}-${i}` : undefined;
        if (key) keyed.set(key, { user, route, body: i });
        const o = await send(apps[i % apps.length], user, route, i, key);
        if (o.status !== 201) await sleep(20); // a client backing off, not a busy loop against a dead database
      }
    };
    const clients = Promise.all(Array.from({ length: CONCURRENCY }, client));
    return async () => {
      stopped = true;
      await clients;
    };
  }

  const served = () => outcomes.filter((o) => o.status === 201).length;
  async function untilServed(count: number, timeoutMs = 60_000): Promise<void> {
    const target = served() + count;
    const deadline = Date.now() + timeoutMs;
    while (served() < target) {
      if (Date.now() > deadline)
        throw new Error(`fewer than ${count} requests served within ${timeoutMs} ms: ${JSON.stringify(tally(outcomes))}`);
      await sleep(20);
    }
  }

  /** Waits until no instance has a settlement pending; returns what they settled, per kind. */
  async function settlementsDone(): Promise<{ refunds: number; unconfirmedCharges: number }> {
    const deadline = Date.now() + SETTLED_WITHIN_MS;
    for (;;) {
      const texts = await Promise.all(
        apps.map((app) => expectCall(app.baseUrl, 'GET', '/metrics', undefined, 200, { token: METRICS_TOKEN }).then((o) => String(o.body))),
      );
      const pending = texts.reduce((sum, text) => sum + sample(text, 'token_settlements_pending'), 0);
      if (pending === 0) {
        const total = (kind: string) =>
          texts.reduce((sum, text) => sum + sample(text, 'token_settlements_total', { kind, outcome: 'settled' }), 0);
        return { refunds: total('refund'), unconfirmedCharges: total('unconfirmed_charge') };
      }
      if (Date.now() > deadline)
        throw new Error(`${pending} settlements still pending ${SETTLED_WITHIN_MS} ms after the database came back`);
      await sleep(200);
    }
  }

  test.each([
    { fault: 'crashes (kill -9 of mariadbd)', stop: () => server.crash(), label: 'crash' },
    { fault: 'shuts down cleanly (SHUTDOWN)', stop: () => server.shutdown(), label: 'shutdown' },
  ])(
    'the server $fault under load: no 500, 503 while down, every 201 durable, every 503 uncharged, ledger exact',
    async ({ stop, label }) => {
      const first = outcomes.length;
      const stopTraffic = startTraffic(label);
      await untilServed(SERVED_AROUND_FAULT);

      const downAt = Date.now();
      await stop();
      await sleep(DOWN_MS / 2);
      // While it is down: /health says so, a metered request is refused and charges nothing.
      const probes = await Promise.all(
        apps.flatMap((app) => [
          call(app.baseUrl, 'GET', '/health', undefined, { timeoutMs: 10_000, instance: app.name }),
          send(app, users[0], CHAT, -1),
        ]),
      );
      await sleep(DOWN_MS / 2);
      await server.start();
      const upAt = Date.now();
      await db.reconnect();
      await Promise.all(apps.map((app) => app.waitHealthy(30_000)));
      const healthyAt = Date.now();
      await untilServed(SERVED_AROUND_FAULT);
      await stopTraffic();

      for (const probe of probes) {
        expect({ path: probe.path, status: probe.status, code: probe.code, charged: probe.charged, remaining: probe.remaining }).toEqual({
          path: probe.path,
          status: 503,
          code: probe.path === '/health' ? 'SERVICE_UNAVAILABLE' : 'LEDGER_UNAVAILABLE',
          charged: undefined,
          remaining: undefined,
        });
      }
      const mine = outcomes.slice(first);
      const unexpected = mine.filter((o) => !(o.status === 201 || (o.status === 503 && o.code === 'LEDGER_UNAVAILABLE')));
      expect(unexpected.map((o) => `${o.path} on ${o.instance}: ${o.status} ${o.error ?? JSON.stringify(o.body)}`)).toEqual([]);
      expect(mine.filter((o) => o.status === 503).length).toBeGreaterThan(0);
      expect(apps.flatMap((app) => app.unexpectedExits)).toEqual([]);

      const settlements = await settlementsDone();
      note(
        `database ${label}: ${mine.length} requests (${JSON.stringify(tally(mine))}); down for ${upAt - downAt} ms, ` +
          `every instance healthy ${healthyAt - upAt} ms after the restart; settled so far: ${JSON.stringify(settlements)}`,
      );

      // Every answer agrees with the rows written under its request id: 201s kept, 503s left nothing.
      expect(compareWithLedger(outcomes, await db.ledgerByRequest()).problems).toEqual([]);

      // A client retries with its key what was answered 503: the key is free again, and runs once.
      const refusedKeys = mine.filter((o) => o.idempotencyKey && o.status === 503).map((o) => o.idempotencyKey!);
      for (const key of refusedKeys) {
        const { user, route, body } = keyed.get(key)!;
        const retry = await send(apps[1], user, route, body, key);
        expect({ key, status: retry.status, replayed: retry.replayed }).toEqual({ key, status: 201, replayed: false });
      }
      for (const key of new Set(mine.map((o) => o.idempotencyKey).filter((k): k is string => k !== undefined))) {
        const charges = outcomes.filter((o) => o.idempotencyKey === key && o.status === 201 && !o.replayed).length;
        expect({ key, charges }).toEqual({ key, charges: 1 });
      }

      expect(compareWithLedger(outcomes, await db.ledgerByRequest()).problems).toEqual([]);
      const balances = await db.balances();
      const charged = chargedByUser(outcomes, (o) => userOf.get(o.requestId)!);
      for (const user of users) {
        expect({ user: user.id, charged: charged.get(user.id) ?? 0 }).toEqual({
          user: user.id,
          charged: 100 + GRANT - balances.get(user.id)!,
        });
      }
      await expectInvariants(
        db,
        apps.map((app) => app.baseUrl),
        admin,
      );
    },
  );
});
