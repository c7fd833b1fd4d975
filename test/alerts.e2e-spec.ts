/**
 * Balance alerts: PUT/GET /alerts, and `balance.below_threshold` events posted to the user's webhook
 * once per downward crossing of each threshold (again only after the balance was back above it),
 * however many charges run at once, signed with the secret PUT answered.
 */
import { productionWebhookUrlProblem } from '../src/alerts/webhook-url-policy.js';
import { loginAdmin, registerUser, TestUser } from './support/factories.js';
import type { HttpClient } from './support/http-client.js';
import { startTestApp, TestApp } from './support/test-app.js';
import { signatureVerifies, WebhookReceiver, waitUntil } from './support/webhook-receiver.js';

const chat = (http: HttpClient, user: TestUser) => http.post('/services/chat', { message: 'spend' }, { token: user.token });
const parallelChats = (http: HttpClient, user: TestUser, n: number) => Promise.all(Array.from({ length: n }, () => chat(http, user)));

/** Spends down to `target`: 10-token social posts while more than 10 above it, then 1-token chats. */
async function spendTo(http: HttpClient, user: TestUser, target: number): Promise<void> {
  let balance = (await http.get('/tokens/balance', { token: user.token })).body.balance as number;
  while (balance > target) {
    const response =
      balance - target >= 10
        ? await http.post('/services/social-posts', { text: 'spend', platforms: ['x'] }, { token: user.token })
        : await chat(http, user);
    expect(response.status).toBe(201);
    balance = Number(response.headers.get('x-tokens-remaining'));
  }
}

/** Time for a stray duplicate to show up before asserting there is none. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

describe('alerts', () => {
  const receiver = new WebhookReceiver();
  let url: string;
  let t: TestApp;

  beforeAll(async () => {
    url = await receiver.start();
    t = await startTestApp({ env: { OUTBOX_POLL_INTERVAL_MS: '20', OUTBOX_RETRY_BASE_MS: '200' } });
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  const putAlerts = (user: TestUser, thresholds: unknown[]) =>
    t.http.put('/alerts', { thresholds, webhookUrl: url }, { token: user.token });
  const outboxRows = (userId: string) =>
    t.dataSource.query(`SELECT type, destination, status FROM outbox_events WHERE user_id = ?`, [userId]);

  describe('the setting', () => {
    it('PUT answers the setting with a new signing secret each time; GET shows it without the secret', async () => {
      const user = await registerUser(t.http);
      expect((await t.http.get('/alerts', { token: user.token })).body).toEqual({
        thresholds: [],
        webhookUrl: null,
        updatedAt: null,
        deliveries: [],
      });

      const first = await putAlerts(user, [{ tokens: 50 }, { percentOfAllowance: 12.5 }]);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        thresholds: [{ tokens: 50 }, { percentOfAllowance: 12.5 }],
        webhookUrl: url,
        updatedAt: expect.any(String),
        signingSecret: expect.stringMatching(/^whsec_[0-9a-f]{48}$/),
      });
      const second = await putAlerts(user, [{ tokens: 40 }]);
      expect(second.body.signingSecret).not.toBe(first.body.signingSecret);

      const got = await t.http.get('/alerts', { token: user.token });
      expect(got.status).toBe(200);
      expect(got.body).toEqual({ thresholds: [{ tokens: 40 }], webhookUrl: url, updatedAt: second.body.updatedAt, deliveries: [] });
      expect(JSON.stringify(got.body)).not.toContain('whsec_');
    });

    it('needs credentials; works with an API key and at balance 0 (never metered)', async () => {
      expect((await t.http.get('/alerts')).status).toBe(401);
      expect((await t.http.put('/alerts', { thresholds: [], webhookUrl: url })).status).toBe(401);
      const user = await registerUser(t.http);
      await spendTo(t.http, user, 0);
      const key = (await t.http.post('/api-keys', { name: 'alerts' }, { token: user.token })).body.key as string;
      const put = await t.http.put('/alerts', { thresholds: [{ tokens: 5 }], webhookUrl: url }, { apiKey: key });
      expect(put.status).toBe(200);
      expect(put.headers.get('x-tokens-charged')).toBeNull();
      expect((await t.http.get('/alerts', { apiKey: key })).body.thresholds).toEqual([{ tokens: 5 }]);
      expect((await t.http.get('/tokens/balance', { token: user.token })).body.balance).toBe(0);
    });

    it('bad input: 400 VALIDATION_FAILED naming the field, and the setting is unchanged', async () => {
      const user = await registerUser(t.http);
      expect((await putAlerts(user, [{ tokens: 30 }])).status).toBe(200);
      const before = (await t.http.get('/alerts', { token: user.token })).body;
      const eleven = Array.from({ length: 11 }, (_, n) => ({ tokens: n + 1 }));
      const bodies: [unknown, string][] = [
        [{ thresholds: eleven, webhookUrl: url }, 'thresholds'],
        [{ thresholds: [{ tokens: 0 }], webhookUrl: url }, 'thresholds.0.tokens'],
        [{ thresholds: [{ tokens: 1.5 }], webhookUrl: url }, 'thresholds.0.tokens'],
        [{ thresholds: [{ tokens: '10' }], webhookUrl: url }, 'thresholds.0.tokens'],
        [{ thresholds: [{ tokens: Number.MAX_SAFE_INTEGER + 2 }], webhookUrl: url }, 'thresholds.0.tokens'],
        [{ thresholds: [{ percentOfAllowance: 0 }], webhookUrl: url }, 'thresholds.0.percentOfAllowance'],
        [{ thresholds: [{ percentOfAllowance: 100.5 }], webhookUrl: url }, 'thresholds.0.percentOfAllowance'],
        [{ thresholds: [{ tokens: 5, percentOfAllowance: 5 }], webhookUrl: url }, 'thresholds.0.tokens'],
        [{ thresholds: [{}], webhookUrl: url }, 'thresholds.0.tokens'],
        [{ thresholds: [{ tokens: 5, extra: 1 }], webhookUrl: url }, 'thresholds.0.extra'],
        [{ thresholds: [5], webhookUrl: url }, 'thresholds.0'],
        [{ thresholds: { tokens: 5 }, webhookUrl: url }, 'thresholds'],
        [{ thresholds: [], webhookUrl: 'not a url' }, 'webhookUrl'],
        [{ thresholds: [], webhookUrl: 'ftp://example.com/hook' }, 'webhookUrl'],
        [{ thresholds: [], webhookUrl: `https://example.com/${'a'.repeat(2048)}` }, 'webhookUrl'],
        [{ thresholds: [] }, 'webhookUrl'],
        [{ thresholds: [], webhookUrl: url, signingSecret: 'mine' }, 'signingSecret'],
      ];
      for (const [body, field] of bodies) {
        const response = await t.http.put('/alerts', body, { token: user.token });
        expect([response.status, response.body.code]).toEqual([400, 'VALIDATION_FAILED']);
        expect(response.body.details.map((detail: { field: string }) => detail.field)).toContain(field);
      }
      expect((await t.http.get('/alerts', { token: user.token })).body).toEqual(before);
    });
  });

  describe('crossings', () => {
    it('30 parallel charges across a threshold fire it exactly once, signed with the secret PUT answered', async () => {
      const user = await registerUser(t.http);
      await spendTo(t.http, user, 60);
      const { signingSecret } = (await putAlerts(user, [{ tokens: 50 }, { tokens: 20 }])).body;

      expect((await parallelChats(t.http, user, 30)).map((r) => r.status)).toEqual(Array(30).fill(201));
      await waitUntil(() => receiver.of(user.id).length >= 1, 'the first alert');
      expect((await parallelChats(t.http, user, 30)).map((r) => r.status)).toEqual(Array(30).fill(201));
      await waitUntil(() => receiver.of(user.id).length >= 2, 'the second alert');
      await settle();

      const deliveries = receiver.of(user.id);
      expect(deliveries.map((d) => d.json)).toEqual([
        {
          id: expect.any(String),
          type: 'balance.below_threshold',
          createdAt: expect.any(String),
          data: { userId: user.id, threshold: 50, balance: 49 },
        },
        {
          id: expect.any(String),
          type: 'balance.below_threshold',
          createdAt: expect.any(String),
          data: { userId: user.id, threshold: 20, balance: 19 },
        },
      ]);
      for (const delivery of deliveries) {
        expect(signatureVerifies(delivery, signingSecret)).toBe(true);
        expect(signatureVerifies(delivery, `${signingSecret}x`)).toBe(false);
        expect(delivery.headers['x-webhook-id']).toBe(delivery.json.id);
      }
    });

    it('fires again only after the balance was back above the threshold (an admin grant), then down', async () => {
      const user = await registerUser(t.http);
      await putAlerts(user, [{ tokens: 50 }, { tokens: 20 }]);
      await spendTo(t.http, user, 30);
      await waitUntil(() => receiver.of(user.id).length >= 1, 'the first alert');
      // Down to 25 and a grant that lifts it to 45, still below 50: no new crossing of 50 on the way down.
      await spendTo(t.http, user, 25);
      const admin = await loginAdmin(t.http);
      const grant = (amount: number) =>
        t.http.post(`/admin/users/${user.id}/tokens/grant`, { amount, reason: 'alerts test' }, { token: admin });
      expect((await grant(20)).status).toBe(201);
      expect((await parallelChats(t.http, user, 30)).map((r) => r.status)).toEqual(Array(30).fill(201));
      await waitUntil(() => receiver.of(user.id).length >= 2, 'the alert for 20');
      // Back above both, then all the way down: both fire once more.
      expect((await grant(70)).status).toBe(201);
      expect((await parallelChats(t.http, user, 70)).map((r) => r.status)).toEqual(Array(70).fill(201));
      await waitUntil(() => receiver.of(user.id).length >= 4, 'four alerts');
      await settle();
      expect(receiver.of(user.id).map((d) => [d.json.data.threshold, d.json.data.balance])).toEqual([
        [50, 40],
        [20, 19],
        [50, 49],
        [20, 19],
      ]);
    });

    it("a percentage threshold is of the plan's period allowance (free: 100 tokens), and GET lists the deliveries", async () => {
      const user = await registerUser(t.http);
      await putAlerts(user, [{ percentOfAllowance: 25 }]);
      await spendTo(t.http, user, 30);
      expect((await parallelChats(t.http, user, 10)).map((r) => r.status)).toEqual(Array(10).fill(201));
      await waitUntil(() => receiver.of(user.id).length >= 1, 'the alert');
      await settle();
      const [delivery] = receiver.of(user.id);
      expect(receiver.of(user.id)).toHaveLength(1);
      expect(delivery.json.data).toEqual({ userId: user.id, threshold: 25, balance: 24, percentOfAllowance: 25 });

      await waitUntil(
        async () => (await t.http.get('/alerts', { token: user.token })).body.deliveries[0]?.status === 'delivered',
        'delivered',
      );
      expect((await t.http.get('/alerts', { token: user.token })).body.deliveries).toEqual([
        {
          id: delivery.json.id,
          event: 'balance.below_threshold',
          threshold: 25,
          status: 'delivered',
          attempts: 1,
          lastAttemptAt: expect.any(String),
          lastError: null,
        },
      ]);
    });

    it('a charge refused with 402 writes no event, though it would have crossed', async () => {
      const user = await registerUser(t.http);
      await spendTo(t.http, user, 5);
      await putAlerts(user, [{ tokens: 3 }]);
      const refused = await t.http.post('/services/social-posts', { text: 'x', platforms: ['x'] }, { token: user.token });
      expect(refused.status).toBe(402);
      await settle();
      expect(await outboxRows(user.id)).toEqual([]);
    });
  });
});

describe('webhook URLs in production', () => {
  const resolvingTo =
    (...addresses: string[]) =>
    () =>
      Promise.resolve(addresses);

  it('must be https and resolve only to public addresses', async () => {
    const problem = (url: string, resolve = resolvingTo('93.184.216.34')) => productionWebhookUrlProblem(url, resolve);
    expect(await problem('https://hooks.example.com/tokens')).toBeNull();
    expect(await problem('http://hooks.example.com/tokens')).toBe('webhookUrl must be https');
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
    ]) {
      expect(await problem('https://hooks.example.com/tokens', resolvingTo('93.184.216.34', address))).toMatch(
        /loopback, private or link-local/,
      );
    }
    expect(await problem('https://127.0.0.1/hook')).toMatch(/loopback/);
    expect(await problem('https://[::1]/hook')).toMatch(/loopback/);
    expect(await problem('https://hooks.example.com/tokens', () => Promise.reject(new Error('ENOTFOUND')))).toMatch(/does not resolve/);
  });
});
