/**
 * An app process killed with SIGKILL while alert deliveries are pending: some posted to a receiver that
 * has not answered yet (claimed, in flight), the rest waiting behind them in their account's order.
 * Nothing of the delivery lives in the process: after the restart every event is delivered (at least
 * once, with the same id and body), each account's in order, and none is lost.
 */
import { AppProcess, killAllApps } from './support/app-process.js';
import { ReliabilityDatabase } from './support/database.js';
import { expectCall, note, registerUser, SOCIAL, User } from './support/load.js';
import { sleep } from './support/ports.js';
import { signatureVerifies, WebhookReceiver, waitUntil } from '../support/webhook-receiver.js';

const USERS = 6;
const THRESHOLDS = [90, 80, 70, 60, 50];
const LEASE_MS = 3000;

describe('an app process killed with SIGKILL while webhook deliveries are pending', () => {
  const receiver = new WebhookReceiver();
  let db: ReliabilityDatabase;
  let app: AppProcess;
  let url: string;

  beforeAll(async () => {
    url = await receiver.start();
    db = await ReliabilityDatabase.create('outbox');
    app = await AppProcess.start('app-1', db.url(), {
      OUTBOX_POLL_INTERVAL_MS: '50',
      OUTBOX_RETRY_BASE_MS: '500',
      WEBHOOK_TIMEOUT_MS: '2000',
      OUTBOX_LEASE_MS: String(LEASE_MS),
    });
  }, 60000);

  afterAll(async () => {
    await killAllApps();
    await receiver.stop();
    await db?.drop();
  });

  test('after the restart every pending event is delivered, in order per account', async () => {
    // The receiver takes the posts and answers none of them until the app has been killed.
    receiver.respond = () => null;
    const users: (User & { secret: string })[] = [];
    for (let n = 0; n < USERS; n++) {
      const user = await registerUser(app.baseUrl, `outbox-${n}`);
      const put = await expectCall(
        app.baseUrl,
        'PUT',
        '/alerts',
        { thresholds: THRESHOLDS.map((tokens) => ({ tokens })), webhookUrl: url },
        200,
        {
          token: user.token,
        },
      );
      users.push({ ...user, secret: put.body.signingSecret });
    }
    // 100 -> 40 in 10-token posts: each user crosses the five thresholds (90 from 90 to 80, ...), one event each.
    for (let step = 0; step <= THRESHOLDS.length; step++) {
      await Promise.all(users.map((user) => expectCall(app.baseUrl, 'POST', SOCIAL.path, SOCIAL.body(step), 201, { token: user.token })));
    }
    const events = () =>
      db.query<{ id: string; user_id: string; status: string }>(`SELECT id, user_id, status FROM outbox_events ORDER BY seq`);
    expect(await events()).toHaveLength(USERS * THRESHOLDS.length);
    await waitUntil(() => receiver.received.length >= USERS, 'the first post of every account', 10_000);
    const inFlight = receiver.received.length;

    await app.kill9();
    const killedAt = Date.now();
    expect((await events()).every((event) => event.status === 'pending')).toBe(true);
    receiver.respond = () => 200;
    await app.restart();
    await waitUntil(async () => (await events()).every((event) => event.status === 'delivered'), 'every event delivered', 25_000);
    note(`${inFlight} posts in flight at the kill; all ${USERS * THRESHOLDS.length} delivered ${Date.now() - killedAt} ms after it`);
    await sleep(300);

    // Only a post the receiver answered 200 counts: one it took without answering was not delivered.
    const delivered = new Set(receiver.received.filter((d) => d.status === 200).map((d) => JSON.parse(d.body).id as string));
    expect([...delivered].sort()).toEqual((await events()).map((event) => event.id).sort());
    for (const user of users) {
      const received = receiver.of(user.id);
      // At least once: a post in flight at the kill comes again, with the same id and body.
      const firstOfEach = received.filter((d, n) => received.findIndex((other) => other.json.id === d.json.id) === n);
      expect(firstOfEach.map((d) => d.json.data.threshold)).toEqual(THRESHOLDS);
      // In order: nothing of a later threshold arrived before an earlier one was done.
      const thresholds = received.map((d) => d.json.data.threshold as number);
      expect(thresholds).toEqual([...thresholds].sort((a, b) => b - a));
      for (const delivery of received) expect(signatureVerifies(delivery, user.secret)).toBe(true);
    }
  });
});
