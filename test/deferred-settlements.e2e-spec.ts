/**
 * Settlements the database could not take when they were due, on MariaDB behind a TCP proxy the
 * test controls (an embedded SQLite database cannot go away, so there is nothing to test there):
 * - a failed request whose refund met a database that had just gone: the refund is written once
 *   the database is back, and the caller ends up charged nothing;
 * - a charge whose COMMIT reached the server but whose answer was lost with the database: the
 *   caller got 503 and the work did not run; once the database is back the charge is found and
 *   refunded, and its Idempotency-Key is free again;
 * - the same with a COMMIT that never reached the server: nothing was charged, nothing is refunded.
 * The test reads the ledger through its own connection, past the proxy.
 */
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { TokenEvents, TokenLedger, TokensError, TokensErrorCode } from '@token-metering/tokens';
import { registerUser, TestUser } from './support/factories.js';
import { expectLedgerConsistent, Queryable } from './support/ledger-assertions.js';
import { metricsOf, sample } from './support/metrics.js';
import { createProbe } from './support/probe.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { ProxiedApp, startBehindProxy } from './support/proxied-app.js';
import { startTestApp, TestApp } from './support/test-app.js';
import { TEST_DB } from './support/test-database.js';

const SETTLED_WITHIN_MS = 15_000;
let proxy: TcpProxy;

/** A metered route whose work fails after the database went away: its refund cannot be written. */
const databaseGone = createProbe('settlement-test', [
  {
    path: 'fails-after-the-database-went',
    action: 'settlement_test_work',
    cost: 5,
    work: () => proxy.cut(),
    fails: 'the provider failed',
  },
]);

(TEST_DB === 'mariadb' ? describe : describe.skip)('settlements deferred while the database is away (mariadb)', () => {
  let behindProxy: ProxiedApp;
  let t: TestApp;
  let ledger: Queryable;
  let user: TestUser;

  beforeAll(async () => {
    behindProxy = await startBehindProxy({ controllers: [databaseGone.controller], env: { PERIOD_ROLLOVER_INTERVAL_SECONDS: '0' } });
    ({ t, proxy, ledger } = behindProxy);
  });

  afterAll(() => behindProxy?.close());

  beforeEach(async () => {
    await proxy.restore();
    user = await registerUser(t.http);
  });

  /** The rows of the request that sent this X-Request-Id (kept as the entries' client_request_id). */
  const rowsOf = async (requestId: string) =>
    (
      (await ledger.query('SELECT type, amount FROM token_ledger_entries WHERE client_request_id = ? ORDER BY seq', [requestId])) as {
        type: string;
        amount: unknown;
      }[]
    ).map((row) => `${row.type} ${Number(row.amount)}`);
  const keyStatus = async (key: string) => {
    const [row] = await ledger.query('SELECT status FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ?', [user.id, key]);
    return (row?.status as string | undefined) ?? 'free';
  };

  /** Waits until the app has no settlement pending, then reads its settlement counters. */
  async function settled(): Promise<{ pending: number; refunds: number; unconfirmedCharges: number }> {
    const deadline = Date.now() + SETTLED_WITHIN_MS;
    let metrics = await metricsOf(t.http);
    while (sample(metrics, 'token_settlements_pending') > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      metrics = await metricsOf(t.http);
    }
    return {
      pending: sample(metrics, 'token_settlements_pending'),
      refunds: sample(metrics, 'token_settlements_total', { kind: 'refund', outcome: 'settled' }),
      unconfirmedCharges: sample(metrics, 'token_settlements_total', { kind: 'unconfirmed_charge', outcome: 'settled' }),
    };
  }

  it('a refund the database could not take is written once it is back', async () => {
    const before = await settled();
    const requestId = `refund-${randomUUID()}`;
    const response = await t.http.post(
      '/settlement-test/fails-after-the-database-went',
      {},
      { token: user.token, headers: { 'x-request-id': requestId } },
    );
    expect([response.status, response.body.code]).toEqual([502, 'SERVICE_FAILED']);
    expect(response.headers.get('x-tokens-charged')).toBeNull();

    // Charged, not yet refunded: the refund waits for the database.
    expect(await rowsOf(requestId)).toEqual(['usage -5']);
    expect(sample(await metricsOf(t.http), 'token_settlements_pending')).toBe(1);

    await proxy.restore();
    expect(await settled()).toEqual({ ...before, pending: 0, refunds: before.refunds + 1 });
    expect(await rowsOf(requestId)).toEqual(['usage -5', 'refund 5']);
    expect((await expectLedgerConsistent(ledger, user.id)).balance).toBe(100);
    expect((await t.http.get('/tokens/balance', { token: user.token })).body).toMatchObject({ balance: 100, usedThisPeriod: 0 });
  });

  it('a charge whose COMMIT answer was lost is answered 503, found committed once the database is back, and refunded', async () => {
    const before = await settled();
    const key = `lost-commit-${randomUUID()}`;
    const requestId = `lost-commit-${randomUUID()}`;
    const trap = proxy.cutAtNextCommit({ deliver: true });
    const response = await t.http.post(
      '/services/chat',
      { message: 'lost answer' },
      { token: user.token, headers: { 'idempotency-key': key, 'x-request-id': requestId } },
    );
    await trap;
    expect([response.status, response.body.code]).toEqual([503, 'LEDGER_UNAVAILABLE']);
    expect(response.headers.get('x-tokens-charged')).toBeNull();

    // The server did commit it: a charge the caller was told did not happen.
    expect(await rowsOf(requestId)).toEqual(['usage -1']);
    expect(await keyStatus(key)).toBe('in_progress');
    // A retry while the database is away is refused, and changes nothing.
    const retryWhileDown = await t.http.post(
      '/services/chat',
      { message: 'lost answer' },
      { token: user.token, headers: { 'idempotency-key': key } },
    );
    expect([retryWhileDown.status, retryWhileDown.body.code]).toEqual([503, 'LEDGER_UNAVAILABLE']);

    await proxy.restore();
    expect(await settled()).toEqual({ ...before, pending: 0, unconfirmedCharges: before.unconfirmedCharges + 1 });
    expect(await rowsOf(requestId)).toEqual(['usage -1', 'refund 1']);
    expect(await keyStatus(key)).toBe('free');
    expect((await expectLedgerConsistent(ledger, user.id)).balance).toBe(100);

    // The client's retry with its key now runs, once.
    const retry = await t.http.post(
      '/services/chat',
      { message: 'lost answer' },
      { token: user.token, headers: { 'idempotency-key': key } },
    );
    expect([retry.status, retry.headers.get('idempotent-replayed'), retry.headers.get('x-tokens-remaining')]).toEqual([201, null, '99']);
    const replay = await t.http.post(
      '/services/chat',
      { message: 'lost answer' },
      { token: user.token, headers: { 'idempotency-key': key } },
    );
    expect([replay.status, replay.headers.get('idempotent-replayed'), replay.body]).toEqual([201, 'true', retry.body]);
    expect((await expectLedgerConsistent(ledger, user.id)).balance).toBe(99);
  });

  it('a charge whose COMMIT never reached the server is answered 503 and nothing is refunded, because nothing was charged', async () => {
    const before = await settled();
    const requestId = `undelivered-commit-${randomUUID()}`;
    const trap = proxy.cutAtNextCommit({ deliver: false });
    const response = await t.http.post(
      '/services/social-posts',
      { text: 'Token metering', platforms: ['linkedin'] },
      { token: user.token, headers: { 'x-request-id': requestId } },
    );
    await trap;
    expect([response.status, response.body.code]).toEqual([503, 'LEDGER_UNAVAILABLE']);

    await proxy.restore();
    expect(await settled()).toEqual({ ...before, pending: 0, unconfirmedCharges: before.unconfirmedCharges + 1 });
    expect(await rowsOf(requestId)).toEqual([]);
    const state = await expectLedgerConsistent(ledger, user.id);
    expect(state.balance).toBe(100);
    expect(state.entries.map((e) => e.type)).toEqual(['initial_grant']);
  });

  it('a batch of charges whose COMMIT answer was lost: every one answered 503, and each one that committed is refunded once', async () => {
    const before = await settled();
    const others = [await registerUser(t.http), await registerUser(t.http)];
    const ledgerPort = t.app.get(TokenLedger);
    const charge = (userId: string, cost: number, key?: string) =>
      ledgerPort.charge({
        payerId: userId,
        action: 'chat',
        price: cost,
        requestId: `batch-${randomUUID()}`,
        idempotency: key ? { key, requestHash: 'batch' } : undefined,
      });
    // The opener's batch commits (the trap lets one COMMIT through); the five after it share the next one, whose answer is lost.
    const trap = proxy.cutAtNextCommit({ deliver: true, skip: 1 });
    const opener = charge(others[1].id, 1);
    const batch: Array<[string, number, string?]> = [
      [user.id, 3],
      [others[0].id, 5],
      [user.id, 4],
      [others[1].id, 6, 'batch-key'],
      [others[0].id, 500], // refused in the batch
    ];
    const requests = batch.map(([userId, cost, key]) => charge(userId, cost, key));
    expect((await opener).kind).toBe('charged');
    const answers = await Promise.allSettled(requests);
    await trap;
    expect(answers.map((a) => (a.status === 'rejected' ? (a.reason as TokensError).code : a.value.kind))).toEqual(
      Array(5).fill(TokensErrorCode.LEDGER_UNAVAILABLE),
    );

    await proxy.restore();
    expect(await settled()).toEqual({ ...before, pending: 0, unconfirmedCharges: before.unconfirmedCharges + 5 });
    // Nobody ended up charged for what was answered 503: each committed charge has exactly one refund.
    const rows = await ledger.query(
      "SELECT user_id, type, amount FROM token_ledger_entries WHERE request_id LIKE 'batch-%' ORDER BY user_id, seq",
      [],
    );
    const byUser = (userId: string) =>
      (rows as Array<{ user_id: string; type: string; amount: unknown }>)
        .filter((row) => row.user_id === userId)
        .map((row) => `${row.type} ${Number(row.amount)}`);
    expect(byUser(user.id).sort()).toEqual(['refund 3', 'refund 4', 'usage -3', 'usage -4']);
    expect(byUser(others[0].id).sort()).toEqual(['refund 5', 'usage -5']);
    expect(byUser(others[1].id).sort()).toEqual(['refund 6', 'usage -1', 'usage -6']);
    expect((await expectLedgerConsistent(ledger, user.id)).balance).toBe(100);
    expect((await expectLedgerConsistent(ledger, others[0].id)).balance).toBe(100);
    expect((await expectLedgerConsistent(ledger, others[1].id)).balance).toBe(99);
    const [key] = await ledger.query('SELECT status FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ?', [
      others[1].id,
      'batch-key',
    ]);
    expect(key).toBeUndefined();
  });

  /** A second app on the same database, for tests that stop an app. */
  async function stoppableApp(): Promise<{
    probe: TestApp;
    victim: TestUser;
    requestId: string;
    serverRequestId: string;
    ended: unknown[];
  }> {
    const probe = await startTestApp({
      controllers: [databaseGone.controller],
      env: { PERIOD_ROLLOVER_INTERVAL_SECONDS: '0' },
      database: t.database,
    });
    const victim = await registerUser(probe.http);
    const requestId = `stopped-${randomUUID()}`;
    const response = await probe.http.post(
      '/settlement-test/fails-after-the-database-went',
      {},
      { token: victim.token, headers: { 'x-request-id': requestId } },
    );
    expect(response.status).toBe(502);
    expect(sample(await metricsOf(probe.http), 'token_settlements_pending')).toBe(1);
    const ended: unknown[] = [];
    probe.app.get(EventEmitter2).on(TokenEvents.PostingEnded, (event: unknown) => ended.push(event));
    return { probe, victim, requestId, serverRequestId: response.headers.get('x-request-id')!, ended };
  }

  it('an app that stops while the database is back writes its pending settlements first', async () => {
    const { probe, victim, requestId, serverRequestId, ended } = await stoppableApp();
    await proxy.restore();
    await probe.app.close();
    expect(ended).toEqual([
      {
        kind: 'refund',
        payerId: victim.id,
        action: 'settlement_test_work',
        amount: 5,
        requestId: serverRequestId,
        outcome: 'settled',
        attempts: expect.any(Number),
      },
    ]);
    expect(await rowsOf(requestId)).toEqual(['usage -5', 'refund 5']);
    expect((await expectLedgerConsistent(ledger, victim.id)).balance).toBe(100);
  });

  it('a settlement the database still cannot take when the app stops is reported as abandoned', async () => {
    const { probe, victim, requestId, serverRequestId, ended } = await stoppableApp();
    await probe.app.close();
    expect(ended).toEqual([
      {
        kind: 'refund',
        payerId: victim.id,
        action: 'settlement_test_work',
        amount: 5,
        requestId: serverRequestId,
        outcome: 'abandoned',
        attempts: expect.any(Number),
      },
    ]);
    // Nothing was written behind the caller's back: the charge stands, for a person to refund.
    expect(await rowsOf(requestId)).toEqual(['usage -5']);
    await expectLedgerConsistent(ledger, victim.id);
  });
});
