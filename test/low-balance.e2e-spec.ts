/**
 * Low-balance notifications: `tokens.low_balance` when a charge takes the balance from at or
 * above the plan's threshold (free: 10 of 100) to below it, `tokens.depleted` when it reaches 0,
 * once per crossing however many requests run at once; and the optional signed webhook, delivered
 * from the outbox, retried with backoff, never in the way of the request that caused it.
 */
import { EventEmitter2 } from '@nestjs/event-emitter';
import { createHmac } from 'node:crypto';
import { validateEnvironment } from '../src/config/environment.js';
import { LowBalanceEvents } from '../src/notifications/low-balance.events.js';
import { LOG_DESTINATION } from '../src/observability/app-logger.js';
import type { TokensDepletedEvent, TokensLowBalanceEvent } from '../src/notifications/low-balance.events.js';
import { registerUser, TestUser } from './support/factories.js';
import type { HttpClient } from './support/http-client.js';
import { startTestApp, TestApp } from './support/test-app.js';
import { WebhookReceiver, waitUntil } from './support/webhook-receiver.js';

const WEBHOOK_SECRET = 'low-balance-webhook-secret-0123456789';

/** Time for a stray duplicate to show up before asserting there is none. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

/** Every low-balance and depleted event the app emits. */
function recordEvents(app: TestApp) {
  const recorded = { lowBalance: [] as TokensLowBalanceEvent[], depleted: [] as TokensDepletedEvent[] };
  const events = app.app.get(EventEmitter2);
  events.on(LowBalanceEvents.LowBalance, (event: TokensLowBalanceEvent) => recorded.lowBalance.push(event));
  events.on(LowBalanceEvents.Depleted, (event: TokensDepletedEvent) => recorded.depleted.push(event));
  return {
    lowBalance: (userId: string) => recorded.lowBalance.filter((e) => e.userId === userId),
    depleted: (userId: string) => recorded.depleted.filter((e) => e.userId === userId),
  };
}

const chat = (http: HttpClient, user: TestUser) => http.post('/services/chat', { message: 'spend' }, { token: user.token });

/** Spends down to `target` quickly: 10-token social posts while more than 10 above it, then 1-token chats. */
async function spendTo(http: HttpClient, user: TestUser, target: number): Promise<void> {
  let balance = (await http.get('/tokens/balance', { token: user.token })).body.balance as number;
  while (balance > target) {
    const response =
      balance - target > 10
        ? await http.post('/services/social-posts', { text: 'spend', platforms: ['x'] }, { token: user.token })
        : await chat(http, user);
    expect(response.status).toBe(201);
    balance = Number(response.headers.get('x-tokens-remaining'));
  }
}

/** Outbox timings in milliseconds: the first retry after `retryBase`, doubling; given up `window` after the event. */
interface Delivery {
  retryBase: number;
  window: number;
  timeout: number;
}

function startWebhookApp(url: string, delivery: Partial<Delivery>, logLines?: Record<string, any>[]): Promise<TestApp> {
  const { retryBase, window, timeout } = { retryBase: 50, window: 60_000, timeout: 2000, ...delivery };
  return startTestApp({
    env: {
      WEBHOOK_URL: url,
      WEBHOOK_SECRET,
      OUTBOX_POLL_INTERVAL_MS: '20',
      OUTBOX_RETRY_BASE_MS: String(retryBase),
      OUTBOX_RETRY_WINDOW_MS: String(window),
      WEBHOOK_TIMEOUT_MS: String(timeout),
      OUTBOX_LEASE_MS: String(timeout + 1000),
      ...(logLines ? { LOG_LEVEL: 'log' } : {}),
    },
    override: (builder) => {
      if (logLines) builder.overrideProvider(LOG_DESTINATION).useValue({ write: (line: string) => logLines.push(JSON.parse(line)) });
      return builder;
    },
  });
}

describe('low-balance events', () => {
  let t: TestApp;
  let events: ReturnType<typeof recordEvents>;

  beforeAll(async () => {
    t = await startTestApp();
    events = recordEvents(t);
  });
  afterAll(() => t.close());

  it('spending 100 to 0 one token at a time: one low_balance (10 -> 9) and one depleted (1 -> 0)', async () => {
    const user = await registerUser(t.http);
    for (let i = 0; i < 100; i++) expect((await chat(t.http, user)).status).toBe(201);
    expect((await chat(t.http, user)).status).toBe(402);

    await waitUntil(() => events.depleted(user.id).length > 0, 'the depleted event');
    await settle();
    expect(events.lowBalance(user.id)).toEqual([
      {
        userId: user.id,
        planCode: 'free',
        threshold: 10,
        action: 'ai_chat_message',
        amount: 1,
        balanceBefore: 10,
        balanceAfter: 9,
        requestId: expect.any(String),
        occurredAt: expect.any(String),
      },
    ]);
    expect(events.depleted(user.id)).toEqual([
      expect.objectContaining({ userId: user.id, planCode: 'free', balanceBefore: 1, balanceAfter: 0 }),
    ]);
  });

  it('30 parallel requests around the threshold: exactly one of each', async () => {
    const user = await registerUser(t.http);
    await spendTo(t.http, user, 25);

    const statuses = (await Promise.all(Array.from({ length: 30 }, () => chat(t.http, user)))).map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(25);
    expect(statuses.filter((s) => s === 402)).toHaveLength(5);

    await waitUntil(() => events.depleted(user.id).length > 0, 'the depleted event');
    await settle();
    expect(events.lowBalance(user.id)).toEqual([expect.objectContaining({ balanceBefore: 10, balanceAfter: 9, threshold: 10 })]);
    expect(events.depleted(user.id)).toEqual([expect.objectContaining({ balanceBefore: 1, balanceAfter: 0 })]);
  });

  it('landing on the threshold is no crossing; one charge from 10 to 0 crosses both', async () => {
    const user = await registerUser(t.http);
    await spendTo(t.http, user, 20);
    // 20 -> 10: still at the threshold.
    expect((await t.http.post('/services/social-posts', { text: 'x', platforms: ['x'] }, { token: user.token })).status).toBe(201);
    await settle();
    expect(events.lowBalance(user.id)).toEqual([]);
    // 10 -> 0 in one charge: both crossings.
    expect((await t.http.post('/services/social-posts', { text: 'x', platforms: ['x'] }, { token: user.token })).status).toBe(201);
    await waitUntil(() => events.depleted(user.id).length > 0, 'the depleted event');
    await settle();
    expect(events.lowBalance(user.id)).toEqual([
      expect.objectContaining({ action: 'social_media_post', amount: 10, balanceBefore: 10, balanceAfter: 0 }),
    ]);
    expect(events.depleted(user.id)).toEqual([
      expect.objectContaining({ action: 'social_media_post', balanceBefore: 10, balanceAfter: 0 }),
    ]);
  });

  it('sends no webhook without WEBHOOK_URL, and WEBHOOK_URL needs a WEBHOOK_SECRET of 16 characters or more', () => {
    expect(() => validateEnvironment({ WEBHOOK_URL: 'http://127.0.0.1:9/hook' })).toThrow(
      /\bWEBHOOK_SECRET: .*required when WEBHOOK_URL is set/,
    );
    expect(() => validateEnvironment({ WEBHOOK_URL: 'http://127.0.0.1:9/hook', WEBHOOK_SECRET: 'too-short' })).toThrow(
      /\bWEBHOOK_SECRET: .*at least 16/,
    );
    expect(validateEnvironment({ WEBHOOK_URL: 'http://127.0.0.1:9/hook', WEBHOOK_SECRET }).WEBHOOK_SECRET).toBe(WEBHOOK_SECRET);
  });
});

describe('low-balance webhook', () => {
  const receiver = new WebhookReceiver();
  let t: TestApp;

  beforeAll(async () => {
    t = await startWebhookApp(await receiver.start(), {});
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });
  beforeEach(() => {
    receiver.respond = () => 200;
  });

  it('posts each crossing as { id, type, createdAt, data } with an X-Signature HMAC-SHA256 of the body', async () => {
    const user = await registerUser(t.http);
    await spendTo(t.http, user, 0);
    await waitUntil(() => receiver.of(user.id).length >= 2, 'two webhooks');
    await settle();

    const deliveries = receiver.of(user.id);
    expect(deliveries.map((d) => d.json.type)).toEqual([LowBalanceEvents.LowBalance, LowBalanceEvents.Depleted]);
    for (const delivery of deliveries) {
      const expected = createHmac('sha256', WEBHOOK_SECRET).update(delivery.body).digest('hex');
      expect(delivery.headers['x-signature']).toBe(expected);
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(delivery.headers['x-webhook-id']).toBe(delivery.json.id);
      expect(delivery.json).toEqual({
        id: expect.any(String),
        type: expect.any(String),
        createdAt: expect.any(String),
        data: expect.any(Object),
      });
      expect(new Date(delivery.json.createdAt).toISOString()).toBe(delivery.json.createdAt);
    }
    expect(deliveries[0].json.data).toMatchObject({ userId: user.id, planCode: 'free', threshold: 10, balanceBefore: 10, balanceAfter: 9 });
    expect(deliveries[1].json.data).toMatchObject({ userId: user.id, planCode: 'free', balanceBefore: 1, balanceAfter: 0 });
    expect(new Set(deliveries.map((d) => d.json.id)).size).toBe(2);
  });

  it('retries with backoff: a receiver that fails twice gets the same delivery on the third attempt', async () => {
    const attempts = new Map<string, number>();
    receiver.respond = (delivery) => {
      const id = String(delivery.headers['x-webhook-id']);
      attempts.set(id, (attempts.get(id) ?? 0) + 1);
      return attempts.get(id)! <= 2 ? 503 : 200;
    };
    const user = await registerUser(t.http);
    await spendTo(t.http, user, 10);
    const crossing = await chat(t.http, user);
    expect(crossing.status).toBe(201);

    await waitUntil(() => receiver.of(user.id).length >= 3, 'three attempts');
    await settle();
    const deliveries = receiver.of(user.id);
    expect(deliveries).toHaveLength(3);
    expect(deliveries.map((d) => d.headers['x-webhook-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(deliveries.map((d) => d.body)).size).toBe(1);
    expect(new Set(deliveries.map((d) => d.headers['x-signature'])).size).toBe(1);
    expect(deliveries[0].json).toMatchObject({ type: LowBalanceEvents.LowBalance, data: { userId: user.id, balanceAfter: 9 } });
  });

  it('gives up once the retry window has passed, and the next event of the account goes out', async () => {
    const failing = new WebhookReceiver();
    const short = await startWebhookApp(await failing.start(), { retryBase: 100, window: 1000 });
    try {
      failing.respond = () => 500;
      const user = await registerUser(short.http);
      await spendTo(short.http, user, 10);
      expect((await chat(short.http, user)).status).toBe(201);
      // Attempts at about 0, 100, 300 and 700 ms; the next would come after the 1 s window.
      await waitUntil(() => failing.of(user.id).length >= 4, 'four attempts');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(failing.of(user.id)).toHaveLength(4);
      const rows = await short.dataSource.query(`SELECT status, attempts FROM outbox_events WHERE user_id = ?`, [user.id]);
      expect(rows.map((row: any) => [row.status, Number(row.attempts)])).toEqual([['failed', 4]]);

      failing.respond = () => 200;
      await spendTo(short.http, user, 0);
      await waitUntil(() => failing.of(user.id).some((d) => d.json.type === LowBalanceEvents.Depleted), 'the depleted event');
    } finally {
      await short.close();
      await failing.stop();
    }
  });
});

describe('an unreachable webhook receiver', () => {
  const receiver = new WebhookReceiver();
  let url: string;

  beforeAll(async () => {
    url = await receiver.start();
    receiver.respond = () => null; // accepts the connection, never answers
  });
  afterAll(() => receiver.stop());

  it('neither slows nor fails the metered request, and the app shuts down at once', async () => {
    const t = await startWebhookApp(url, { timeout: 5000 });
    let closed = false;
    try {
      const user = await registerUser(t.http);
      await spendTo(t.http, user, 10);

      const started = Date.now();
      const crossing = await chat(t.http, user);
      const elapsed = Date.now() - started;
      expect(crossing.status).toBe(201);
      expect(crossing.headers.get('x-tokens-remaining')).toBe('9');
      expect(elapsed).toBeLessThan(1000);

      await waitUntil(() => receiver.of(user.id).length === 1, 'the first attempt');
      // The delivery hangs; requests keep being served.
      for (let i = 0; i < 5; i++) expect((await chat(t.http, user)).status).toBe(201);

      const closing = Date.now();
      await t.close();
      closed = true;
      expect(Date.now() - closing).toBeLessThan(4000);
    } finally {
      if (!closed) await t.close();
    }
  });

  it('a refused connection is retried in the background while requests are served', async () => {
    const refusing = new WebhookReceiver();
    const refusingUrl = await refusing.start();
    await refusing.stop(); // nothing listens on that port any more
    const logLines: Record<string, any>[] = [];
    const t = await startWebhookApp(refusingUrl, { retryBase: 20, window: 1000 }, logLines);
    try {
      const user = await registerUser(t.http);
      await spendTo(t.http, user, 10);
      const started = Date.now();
      expect((await chat(t.http, user)).status).toBe(201);
      expect(Date.now() - started).toBeLessThan(1000);
      await spendTo(t.http, user, 0);
      expect((await t.http.get('/tokens/balance', { token: user.token })).body.balance).toBe(0);

      const failures = () => logLines.filter((line) => line.context === 'Outbox' && line.type === LowBalanceEvents.LowBalance);
      await waitUntil(() => failures().some((line) => line.msg === 'webhook not delivered'), 'the last attempt');
      const attempts = failures();
      // 20, 40, 80 ... ms apart until the next attempt would fall after the 1 s window.
      expect(attempts.length).toBeGreaterThanOrEqual(4);
      expect(attempts.map((line) => line.attempt)).toEqual(attempts.map((_, n) => n + 1));
      expect(attempts.slice(0, -1).map((line) => [line.msg, line.retryInMs])).toEqual(
        attempts.slice(0, -1).map((_, n) => ['webhook attempt failed', 20 * 2 ** n]),
      );
      expect(attempts.at(-1)).toMatchObject({ level: 'error', msg: 'webhook not delivered', error: 'ECONNREFUSED' });
      expect(attempts[0]).toMatchObject({ level: 'warn', error: 'ECONNREFUSED', retryInMs: 20 });
    } finally {
      await t.close();
    }
  });
});
