/**
 * The database goes away and comes back, from the point of view of one app process: the app
 * reaches MariaDB through a TCP proxy owned by the test (the server itself keeps running for
 * everyone else). Two kinds of outage:
 * - down: every open connection is reset and new ones are refused (the server stopped);
 * - unreachable: every open connection is reset and new ones hang without an answer (a network
 *   partition), so only the app's own timeouts end a request.
 * While it lasts, metered routes answer 503 LEDGER_UNAVAILABLE without running the work, every other
 * route answers 503 rather than 500 or nothing, /health and /health/ready answer 503 and /health/live
 * 200 (the process runs). Once the proxy forwards again, the same process serves again, with no
 * restart, and the ledger is consistent.
 */
import { AppProcess, killAllApps } from './support/app-process.js';
import { compareWithLedger, expectInvariants } from './support/checks.js';
import { ReliabilityDatabase, serverAddress } from './support/database.js';
import { adminToken, call, CHAT, expectCall, note, Outcome, registerUser, SOCIAL, User } from './support/load.js';
import { sleep } from './support/ports.js';
import { TcpProxy } from '../support/tcp-proxy.js';

/** The app's connect timeout (data-source-options.ts) plus room for a loaded machine. */
const UNREACHABLE_ANSWER_MS = 5000 + 3000;
const DOWN_ANSWER_MS = 3000;
const RECOVERY_MS = 10000;

describe('the database goes away and comes back', () => {
  let db: ReliabilityDatabase;
  let proxy: TcpProxy;
  let app: AppProcess;
  let admin: string;
  let user: User;
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    db = await ReliabilityDatabase.create('outage');
    proxy = await TcpProxy.start(serverAddress());
    app = await AppProcess.start('app', db.url(proxy));
    admin = await adminToken(app.baseUrl);
    user = await registerUser(app.baseUrl, 'outage');
    await expectCall(app.baseUrl, 'POST', `/admin/users/${user.id}/tokens/grant`, { amount: 900, reason: 'set-up' }, 201, { token: admin });
  }, 120000);

  afterAll(async () => {
    await killAllApps();
    await proxy?.close();
    await db?.drop();
  });

  const charge = (route: typeof CHAT | typeof SOCIAL, i: number, idempotencyKey?: string, timeoutMs = 30000) =>
    call(app.baseUrl, 'POST', route.path, route.body(i), { token: user.token, idempotencyKey, timeoutMs }).then((o) => {
      outcomes.push(o);
      return o;
    });

  /** Everything a client might send while the database is away, at the same moment. */
  async function duringOutage(round: string): Promise<{ metered: Outcome[]; health: Outcome[]; live: Outcome; others: Outcome[] }> {
    const [metered, health, live, others] = await Promise.all([
      Promise.all([
        ...Array.from({ length: 4 }, (_, i) => charge(CHAT, i)),
        ...Array.from({ length: 3 }, (_, i) => charge(SOCIAL, i)),
        charge(CHAT, 100, `${round}-key`),
      ]),
      Promise.all(['/health', '/health/ready'].map((path) => call(app.baseUrl, 'GET', path, undefined, { timeoutMs: 30000 }))),
      call(app.baseUrl, 'GET', '/health/live', undefined, { timeoutMs: 30000 }),
      Promise.all([
        call(app.baseUrl, 'GET', '/tokens/balance', undefined, { token: user.token, timeoutMs: 30000 }),
        call(app.baseUrl, 'GET', '/tokens/transactions', undefined, { token: user.token, timeoutMs: 30000 }),
        call(
          app.baseUrl,
          'POST',
          `/admin/users/${user.id}/tokens/grant`,
          { amount: 1, reason: 'during outage' },
          { token: admin, timeoutMs: 30000 },
        ),
        call(app.baseUrl, 'POST', '/auth/login', { email: user.email, password: 'password-123' }, { timeoutMs: 30000 }),
      ]),
    ]);
    return { metered, health, live, others };
  }

  function expectRefused(
    result: { metered: Outcome[]; health: Outcome[]; live: Outcome; others: Outcome[] },
    answerWithinMs: number,
  ): void {
    const seen = (o: Outcome) => ({
      path: o.path,
      status: o.status,
      code: o.code,
      answeredInTime: o.ms <= answerWithinMs || `answered after ${o.ms} ms, more than ${answerWithinMs} ms`,
      ...(o.error ? { error: o.error } : {}),
    });
    // Metered: 503 LEDGER_UNAVAILABLE, no X-Tokens headers (nothing charged, the work did not run).
    for (const o of result.metered) {
      expect({ ...seen(o), charged: o.charged, remaining: o.remaining }).toEqual({
        path: o.path,
        status: 503,
        code: 'LEDGER_UNAVAILABLE',
        answeredInTime: true,
        charged: undefined,
        remaining: undefined,
      });
    }
    for (const o of result.health)
      expect(seen(o)).toEqual({ path: o.path, status: 503, code: 'SERVICE_UNAVAILABLE', answeredInTime: true });
    // Liveness touches no database: the process runs, so it is not restarted.
    expect(seen(result.live)).toEqual({ path: '/health/live', status: 200, code: undefined, answeredInTime: true });
    // Everything else that needs the database: 503 too, never a 500 or no answer.
    for (const o of result.others) expect(seen(o)).toEqual({ path: o.path, status: 503, code: 'LEDGER_UNAVAILABLE', answeredInTime: true });
  }

  /** After the proxy forwards again: served again within RECOVERY_MS, then every request. */
  async function expectRecovered(): Promise<void> {
    const deadline = Date.now() + RECOVERY_MS;
    let last: Outcome | undefined;
    while (Date.now() < deadline) {
      last = await charge(CHAT, 0, undefined, 5000);
      if (last.status === 201) break;
      await sleep(100);
    }
    expect({ status: last?.status, body: last?.status === 201 ? 'served' : last?.body }).toEqual({ status: 201, body: 'served' });
    const after = await Promise.all(Array.from({ length: 10 }, (_, i) => charge(i % 2 ? SOCIAL : CHAT, i, undefined, 5000)));
    expect(after.map((o) => o.status)).toEqual(Array(10).fill(201));
    expect((await call(app.baseUrl, 'GET', '/health', undefined)).status).toBe(200);
  }

  /**
   * Nothing refused left a charge, every 201 has its row, the ledger is consistent, and the
   * idempotency key sent during the outage was not left claimed: its retry runs, once.
   */
  async function expectNothingLeftBehind(keys: string[]): Promise<void> {
    expect(app.unexpectedExits).toEqual([]);
    for (const key of keys) {
      const retry = await charge(CHAT, 100, key);
      expect({ key, status: retry.status, replayed: retry.replayed }).toEqual({ key, status: 201, replayed: false });
    }
    const comparison = compareWithLedger(outcomes, await db.ledgerByRequest());
    expect(comparison.problems).toEqual([]);
    const served = outcomes.filter((o) => o.status === 201).reduce((sum, o) => sum + (o.path === SOCIAL.path ? 10 : 1), 0);
    expect((await db.balances()).get(user.id)).toBe(1000 - served);
    await expectInvariants(db, [app.baseUrl], admin);
  }

  test('database down (connections reset, new ones refused): 503 at once, and served again when it is back', async () => {
    for (let i = 0; i < 5; i++) expect((await charge(CHAT, i)).status).toBe(201);
    await proxy.cut();
    const first = await duringOutage('down-1');
    // Again once the pool holds no connection at all.
    await sleep(500);
    const second = await duringOutage('down-2');
    await proxy.restore();
    expectRefused(first, DOWN_ANSWER_MS);
    expectRefused(second, DOWN_ANSWER_MS);
    note(`database down: metered answers in ${Math.max(...[...first.metered, ...second.metered].map((o) => o.ms))} ms at most`);
    await expectRecovered();
    await expectNothingLeftBehind(['down-1-key', 'down-2-key']);
  });

  test('database unreachable (new connections hang): 503 within the connect timeout, and served again when it is back', async () => {
    for (let i = 0; i < 5; i++) expect((await charge(CHAT, i)).status).toBe(201);
    await proxy.blackhole();
    const result = await duringOutage('unreachable');
    await proxy.restore();
    expectRefused(result, UNREACHABLE_ANSWER_MS);
    note(
      `database unreachable: metered answers in ${Math.max(...result.metered.map((o) => o.ms))} ms at most, /health in ${result.health[0].ms} ms, /health/live in ${result.live.ms} ms`,
    );
    await expectRecovered();
    await expectNothingLeftBehind(['unreachable-key']);
  });
});
