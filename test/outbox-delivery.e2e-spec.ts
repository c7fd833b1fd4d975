/**
 * Delivery from the outbox: retried with backoff (same event, same id), in order per account (a later
 * event waits for an earlier one that is being retried), exactly once per event to a receiver that is
 * up when two instances share the database, `user` events of a user without a webhook given up at
 * once, and events written only when the ledger entries that caused them commit.
 */
import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomBytes } from 'node:crypto';
import { Clock, TransactionRunner } from '@token-metering/database';
import { LedgerWatcher, type WrittenEntry } from '@token-metering/tokens';
import type { EntityManager } from 'typeorm';
import { AlertThresholdCrossings } from '../src/alerts/alert-threshold.crossings.js';
import { AutoTopUpGate } from '../src/billing/auto-top-up/auto-top-up.gate.js';
import { LowBalanceDetector } from '../src/notifications/low-balance.detector.js';
import { AppLedgerWatcher } from '../src/notifications/app-ledger.watcher.js';
import { LowBalanceEvents } from '../src/notifications/low-balance.events.js';
import { Outbox } from '../src/outbox/outbox.js';
import { registerUser, TestUser } from './support/factories.js';
import type { HttpClient } from './support/http-client.js';
import { startTestApp, TestApp } from './support/test-app.js';
import { TEST_DB } from './support/test-database.js';
import { signatureVerifies, WebhookReceiver, waitUntil } from './support/webhook-receiver.js';

const RETRY_BASE_MS = 300;
const FAST_DELIVERY = { OUTBOX_POLL_INTERVAL_MS: '10', OUTBOX_RETRY_BASE_MS: String(RETRY_BASE_MS) };

const chats = (http: HttpClient, user: TestUser, n: number) =>
  Promise.all(Array.from({ length: n }, () => http.post('/services/chat', { message: 'spend' }, { token: user.token })));
const socialPost = (http: HttpClient, user: TestUser) =>
  http.post('/services/social-posts', { text: 'x', platforms: ['x'] }, { token: user.token });
/** Spends down to `target` in 1-token chats. */
async function spendTo(http: HttpClient, user: TestUser, target: number): Promise<void> {
  const balance = (await http.get('/tokens/balance', { token: user.token })).body.balance as number;
  for (const response of await chats(http, user, balance - target)) expect(response.status).toBe(201);
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

/** The app's watcher, failing after it wrote its events for the payers in `failFor`: their whole transaction rolls back. */
@Injectable()
class FailingAfterWritingWatcher extends AppLedgerWatcher {
  static readonly failFor = new Set<string>();

  constructor(lowBalance: LowBalanceDetector, alerts: AlertThresholdCrossings, gate: AutoTopUpGate, clock: Clock, tx: TransactionRunner) {
    super(lowBalance, alerts, gate, clock, tx);
  }

  override async written(em: EntityManager, entries: readonly WrittenEntry[]): Promise<void> {
    await super.written(em, entries);
    if (entries.some((entry) => FailingAfterWritingWatcher.failFor.has(entry.payerId)))
      throw new Error('the transaction fails after the events were written');
  }
}

describe('outbox delivery', () => {
  const receiver = new WebhookReceiver();
  let url: string;
  let t: TestApp;

  beforeAll(async () => {
    url = await receiver.start();
    t = await startTestApp({
      env: FAST_DELIVERY,
      override: (builder) => builder.overrideProvider(LedgerWatcher).useClass(FailingAfterWritingWatcher),
    });
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  const putAlerts = (app: TestApp, user: TestUser, thresholds: unknown[]) =>
    app.http.put('/alerts', { thresholds, webhookUrl: url }, { token: user.token });
  const eventRows = (userId: string): Promise<{ id: string; status: string; attempts: number }[]> =>
    t.dataSource.query(`SELECT id, status, attempts FROM outbox_events WHERE user_id = ? ORDER BY seq`, [userId]);

  it('a receiver answering 500 gets the same event again after the backoff; the next event of the account waits for it', async () => {
    const user = await registerUser(t.http);
    await putAlerts(t, user, [{ tokens: 90 }, { tokens: 80 }]);
    let failuresLeft = 1;
    receiver.respond = (delivery) => (JSON.parse(delivery.body).data.userId === user.id && failuresLeft-- > 0 ? 500 : 200);
    // 100 -> 90 -> 80 -> 70: crosses 90 at the second post, 80 at the third; both events are pending at once.
    for (let n = 0; n < 3; n++) expect((await socialPost(t.http, user)).status).toBe(201);
    await waitUntil(() => receiver.of(user.id).length >= 3, 'three deliveries', 15_000);
    await settle();

    const deliveries = receiver.of(user.id);
    expect(deliveries.map((d) => [d.json.data.threshold, d.headers['x-webhook-attempt']])).toEqual([
      [90, '1'],
      [90, '2'],
      [80, '1'],
    ]);
    expect(deliveries[1].json.id).toBe(deliveries[0].json.id);
    expect(deliveries[1].body).toBe(deliveries[0].body);
    expect(deliveries[1].at - deliveries[0].at).toBeGreaterThanOrEqual(RETRY_BASE_MS - 20);
    expect(deliveries[2].at).toBeGreaterThanOrEqual(deliveries[1].at);
    const rows = await eventRows(user.id);
    expect(rows.map((row) => [row.status, Number(row.attempts)])).toEqual([
      ['delivered', 2],
      ['delivered', 1],
    ]);
    const listed = (await t.http.get('/alerts', { token: user.token })).body.deliveries;
    expect(listed.map((d: any) => [d.threshold, d.status, d.attempts])).toEqual([
      [80, 'delivered', 1],
      [90, 'delivered', 2],
    ]);
  });

  it('events are written only when the ledger entries commit: a transaction that fails after writing them leaves none', async () => {
    const user = await registerUser(t.http);
    await putAlerts(t, user, [{ tokens: 95 }]);
    FailingAfterWritingWatcher.failFor.add(user.id);
    try {
      const failed = await chats(t.http, user, 10);
      expect(failed.every((response) => response.status !== 201)).toBe(true);
    } finally {
      FailingAfterWritingWatcher.failFor.delete(user.id);
    }
    await settle();
    expect(await eventRows(user.id)).toEqual([]);
    expect((await t.http.get('/tokens/balance', { token: user.token })).body.balance).toBe(100);
    expect(receiver.of(user.id)).toEqual([]);

    // Nor is the operator's low-balance event emitted in the process for a crossing that rolled back.
    const emitted: string[] = [];
    const record = (event: { userId: string }) => event.userId === user.id && emitted.push('low_balance');
    t.app.get(EventEmitter2).on(LowBalanceEvents.LowBalance, record);
    await spendTo(t.http, user, 10);
    FailingAfterWritingWatcher.failFor.add(user.id);
    try {
      expect((await chats(t.http, user, 5)).every((response) => response.status !== 201)).toBe(true);
    } finally {
      FailingAfterWritingWatcher.failFor.delete(user.id);
    }
    await settle();
    expect(emitted).toEqual([]);
    expect((await chats(t.http, user, 5)).map((r) => r.status)).toEqual(Array(5).fill(201));
    await waitUntil(() => emitted.length > 0, 'the low-balance event');
    t.app.get(EventEmitter2).off(LowBalanceEvents.LowBalance, record);

    await waitUntil(() => receiver.of(user.id).length >= 1, 'the alert');
    await settle();
    expect(receiver.of(user.id).map((d) => d.json.data)).toEqual([{ userId: user.id, threshold: 95, balance: 94 }]);
  });

  it("a user event goes to the user's alert webhook; without one it is given up at once and holds up nothing", async () => {
    const user = await registerUser(t.http);
    const outbox = t.app.get(Outbox);
    const topUpFailed = () =>
      t.app
        .get(TransactionRunner)
        .run((em) => outbox.add(em, [{ userId: user.id, to: 'user', type: 'auto_top_up.failed', data: { userId: user.id } }]));
    await topUpFailed();
    await waitUntil(async () => (await eventRows(user.id))[0]?.status === 'failed', 'given up');
    await settle();
    expect((await eventRows(user.id)).map((row) => [row.status, Number(row.attempts)])).toEqual([['failed', 1]]);

    const { signingSecret } = (await putAlerts(t, user, [{ tokens: 95 }])).body;
    await topUpFailed();
    expect((await chats(t.http, user, 6)).map((r) => r.status)).toEqual(Array(6).fill(201));
    await waitUntil(() => receiver.of(user.id).length >= 2, 'the top-up event and the alert');
    expect(receiver.of(user.id).map((d) => d.json.type)).toEqual(['auto_top_up.failed', 'balance.below_threshold']);
    expect(receiver.of(user.id).every((d) => signatureVerifies(d, signingSecret))).toBe(true);
  });
});

describe('an instance shutting down while it posts', () => {
  const receiver = new WebhookReceiver();
  afterAll(() => receiver.stop());

  it('gives its claims back: the next instance delivers them at once, not after the lease', async () => {
    const url = await receiver.start();
    receiver.respond = () => null;
    const slow = { ...FAST_DELIVERY, WEBHOOK_TIMEOUT_MS: '15000', OUTBOX_LEASE_MS: '20000' };
    const first = await startTestApp({ env: slow });
    const user = await registerUser(first.http);
    expect((await first.http.put('/alerts', { thresholds: [{ tokens: 95 }], webhookUrl: url }, { token: user.token })).status).toBe(200);
    expect((await chats(first.http, user, 6)).map((r) => r.status)).toEqual(Array(6).fill(201));
    await waitUntil(() => receiver.of(user.id).length === 1, 'the first post');
    await first.close({ keepDatabase: true });

    receiver.respond = () => 200;
    const second = await startTestApp({ env: slow, database: first.database });
    try {
      await waitUntil(() => receiver.of(user.id).some((d) => d.status === 200), 'the delivery by the next instance', 5000);
      expect(receiver.of(user.id).map((d) => [d.headers['x-webhook-attempt'], d.status])).toEqual([
        ['1', null],
        ['2', 200],
      ]);
    } finally {
      await second.close();
    }
  });
});

(TEST_DB === 'mariadb' ? describe : describe.skip)('two instances on one database (mariadb)', () => {
  const receiver = new WebhookReceiver();
  let url: string;
  let apps: TestApp[] = [];

  beforeAll(async () => {
    url = await receiver.start();
    // A slow receiver widens the window in which both instances could take the same event.
    receiver.delayMs = 30;
    // One JWT secret: a session of one instance is valid on the other.
    const env = { ...FAST_DELIVERY, JWT_SECRET: randomBytes(32).toString('hex') };
    const first = await startTestApp({ env });
    const second = await startTestApp({ env, database: first.database });
    apps = [first, second];
  });
  afterAll(async () => {
    await apps[1]?.close({ keepDatabase: true });
    await apps[0]?.close();
    await receiver.stop();
  });

  it('deliver each event exactly once, each account in order', async () => {
    const users = await Promise.all(Array.from({ length: 12 }, () => registerUser(apps[0].http)));
    for (const user of users) {
      const response = await apps[0].http.put(
        '/alerts',
        { thresholds: [{ tokens: 95 }, { tokens: 90 }, { tokens: 85 }], webhookUrl: url },
        { token: user.token },
      );
      expect(response.status).toBe(200);
    }
    // Charges through both instances at once: each account crosses all three thresholds.
    const answers = await Promise.all(users.map((user, n) => chats(apps[n % 2].http, user, 20)));
    expect(answers.flat().map((r) => r.status)).toEqual(Array(users.length * 20).fill(201));
    await waitUntil(() => users.every((user) => receiver.of(user.id).length >= 3), 'every alert', 20_000);
    await settle();

    const ids = receiver.received.map((d) => JSON.parse(d.body).id as string);
    expect(ids).toHaveLength(users.length * 3);
    expect(new Set(ids).size).toBe(ids.length);
    for (const user of users) expect(receiver.of(user.id).map((d) => d.json.data.threshold)).toEqual([95, 90, 85]);
    const statuses = await apps[0].dataSource.query(`SELECT status, COUNT(*) AS n FROM outbox_events GROUP BY status`);
    expect(statuses.map((row: any) => [row.status, Number(row.n)])).toEqual([['delivered', users.length * 3]]);
  });
});
