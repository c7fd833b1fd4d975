/**
 * Billing with PAYMENT_PROVIDER=stripe, without a network: the real app and the official SDK talk
 * to a fake Stripe API served by this test on 127.0.0.1 (STRIPE_API_HOST/PORT/PROTOCOL), and
 * webhook events are signed with the SDK's own generateTestHeaderString. Everything else (HTTP,
 * database, ledger) is real.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { validateEnvironment } from '../src/config/environment.js';
import { registerUser, spendDownTo, TestUser } from './support/factories.js';
import { FakeStripeApi, STRIPE_TEST_KEYS } from './support/fake-stripe.js';
import { expectLedgerConsistent } from './support/ledger-assertions.js';
import { startTestApp, TestApp } from './support/test-app.js';

const { STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET } = STRIPE_TEST_KEYS;
const STRIPE_WEBHOOK = '/billing/webhooks/stripe';
const PAYMENT_WEBHOOK_SECRET = 'stripe-suite-generic-webhook-secret';
const SUCCESS_URL = 'https://shop.example.test/thanks?session_id={CHECKOUT_SESSION_ID}';
const CANCEL_URL = 'https://shop.example.test/cancelled';

describe('billing with Stripe Checkout', () => {
  const fake = new FakeStripeApi();
  const sdk = new Stripe('sk_test_signing_only');
  let t: TestApp;
  const users: TestUser[] = [];

  beforeAll(async () => {
    const port = await fake.start();
    t = await startTestApp({
      env: { ...fake.env(port), PAYMENT_WEBHOOK_SECRET, STRIPE_SUCCESS_URL: SUCCESS_URL, STRIPE_CANCEL_URL: CANCEL_URL },
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });
  beforeEach(() => {
    fake.failure = null;
  });

  async function newUser(): Promise<TestUser> {
    const user = await registerUser(t.http);
    users.push(user);
    return user;
  }

  async function checkout(user: TestUser, packageCode = 'tokens_1k') {
    const response = await t.http.post('/billing/checkout', { packageCode }, { token: user.token });
    expect(response.status).toBe(201);
    return response.body as {
      purchaseId: string;
      status: string;
      provider: string;
      providerReference: string;
      redirectUrl: string;
      completion: unknown;
    };
  }

  type SessionEventType =
    | 'checkout.session.completed'
    | 'checkout.session.async_payment_succeeded'
    | 'checkout.session.async_payment_failed'
    | 'checkout.session.expired';

  /** A Stripe event as Stripe sends it, about the session of `purchaseId`. */
  function sessionEvent(type: SessionEventType | (string & {}), purchaseId: string | null, session: Record<string, unknown> = {}) {
    const paymentStatus = type === 'checkout.session.async_payment_failed' || type === 'checkout.session.expired' ? 'unpaid' : 'paid';
    return {
      id: `evt_${randomBytes(12).toString('hex')}`,
      object: 'event',
      api_version: '2026-10-28.endive',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      type,
      data: {
        object: {
          id: `cs_test_${randomBytes(8).toString('hex')}`,
          object: 'checkout.session',
          mode: 'payment',
          status: type === 'checkout.session.expired' ? 'expired' : 'complete',
          payment_status: paymentStatus,
          client_reference_id: purchaseId,
          metadata: purchaseId ? { purchaseId } : {},
          ...session,
        },
      },
    };
  }

  /** Posts the event the way Stripe does: pretty-printed JSON, signed over those exact bytes. */
  function deliver(event: unknown, options: { header?: string | null; secret?: string; timestamp?: number; payload?: string } = {}) {
    const payload = options.payload ?? JSON.stringify(event, null, 2);
    const header =
      options.header !== undefined
        ? options.header
        : sdk.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? WEBHOOK_SECRET, timestamp: options.timestamp });
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (header !== null) headers['stripe-signature'] = header;
    return t.http.post(STRIPE_WEBHOOK, undefined, { raw: payload, headers });
  }

  async function outcomeOf(event: unknown): Promise<string> {
    const response = await deliver(event);
    expect(response.status).toBe(200);
    expect(response.body.received).toBe(true);
    return response.body.outcome;
  }

  async function balanceOf(user: TestUser): Promise<number> {
    return (await t.http.get('/tokens/balance', { token: user.token })).body.balance;
  }

  async function purchaseOf(user: TestUser, purchaseId: string) {
    const list = (await t.http.get('/billing/purchases', { token: user.token })).body as {
      id: string;
      status: string;
      ledgerEntryId: string | null;
      provider: string;
    }[];
    return list.find((p) => p.id === purchaseId)!;
  }

  async function creditsFor(user: TestUser, purchaseId: string): Promise<{ id: string; amount: number }[]> {
    const items = (await t.http.get('/tokens/transactions?type=purchase&limit=100', { token: user.token })).body.items as {
      id: string;
      amount: number;
      metadata: any;
    }[];
    return items.filter((e) => e.metadata?.purchaseId === purchaseId);
  }

  async function eventRow(id: string): Promise<{ type: string; purchase_id: string | null; outcome: string } | undefined> {
    const [row] = await t.dataSource.query('SELECT type, purchase_id, outcome FROM payment_events WHERE id = ?', [id]);
    return row;
  }

  describe('POST /billing/checkout', () => {
    it('creates a Checkout Session for the package and answers its URL; the purchase is pending', async () => {
      const user = await newUser();
      const before = fake.requests.length;
      const session = await checkout(user, 'tokens_10k');
      expect(session).toMatchObject({
        status: 'pending',
        provider: 'stripe',
        providerReference: expect.stringMatching(/^cs_test_/),
        completion: null,
      });
      expect(session.redirectUrl).toBe(`https://checkout.stripe.com/c/pay/${session.providerReference}`);

      expect(fake.requests).toHaveLength(before + 1);
      const sent = fake.requests[before];
      expect({ method: sent.method, path: sent.path }).toEqual({ method: 'POST', path: '/v1/checkout/sessions' });
      expect(sent.headers.authorization).toBe(`Bearer ${SECRET_KEY}`);
      expect(sent.headers['idempotency-key']).toBe(session.purchaseId);
      expect(sent.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
      expect(Object.fromEntries(sent.form)).toEqual({
        mode: 'payment',
        'line_items[0][quantity]': '1',
        'line_items[0][price_data][currency]': 'usd',
        'line_items[0][price_data][unit_amount]': '2900',
        'line_items[0][price_data][product_data][name]': '10,000 tokens',
        client_reference_id: session.purchaseId,
        'metadata[purchaseId]': session.purchaseId,
        'payment_intent_data[metadata][purchaseId]': session.purchaseId,
        success_url: SUCCESS_URL,
        cancel_url: CANCEL_URL,
      });

      expect(await purchaseOf(user, session.purchaseId)).toMatchObject({ status: 'pending', provider: 'stripe', ledgerEntryId: null });
      const [row] = await t.dataSource.query('SELECT provider_reference FROM purchases WHERE id = ?', [session.purchaseId]);
      expect(row.provider_reference).toBe(session.providerReference);
      expect(await balanceOf(user)).toBe(100);
    });

    it.each([
      ['a declined card (402)', 402, { error: { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' } }, 1],
      ['an invalid request (400)', 400, { error: { type: 'invalid_request_error', message: 'Invalid currency: usd' } }, 1],
      [
        'a Stripe outage (500), retried with the same idempotency key',
        500,
        { error: { type: 'api_error', message: 'Something went wrong' } },
        3,
      ],
    ])('answers 502 SERVICE_FAILED for %s and marks the purchase failed', async (_, status, body, attempts) => {
      const user = await newUser();
      fake.failure = { status, body };
      const before = fake.requests.length;
      const response = await t.http.post('/billing/checkout', { packageCode: 'tokens_1k' }, { token: user.token });
      expect(response.status).toBe(502);
      expect(response.body).toEqual({
        statusCode: 502,
        code: 'SERVICE_FAILED',
        message: expect.stringMatching(/payment provider/i),
        requestId: expect.any(String),
      });
      expect(JSON.stringify(response.body)).not.toMatch(/\bat .*\.(ts|js):\d+|card_declined|api_error/);

      const sent = fake.requests.slice(before);
      expect(sent).toHaveLength(attempts);
      const [purchase] = (await t.http.get('/billing/purchases', { token: user.token })).body;
      expect(purchase).toMatchObject({ status: 'failed', provider: 'stripe', ledgerEntryId: null });
      expect(sent.map((r) => r.headers['idempotency-key'])).toEqual(Array(attempts).fill(purchase.id));
      expect(await balanceOf(user)).toBe(100);
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it('credits a purchase whose checkout failed when Stripe reports it paid after all', async () => {
      const user = await newUser();
      fake.failure = { status: 500, body: { error: { type: 'api_error', message: 'timeout' } } };
      expect((await t.http.post('/billing/checkout', { packageCode: 'tokens_1k' }, { token: user.token })).status).toBe(502);
      const [purchase] = (await t.http.get('/billing/purchases', { token: user.token })).body;
      expect(purchase.status).toBe('failed');
      expect(await outcomeOf(sessionEvent('checkout.session.completed', purchase.id))).toBe('credited');
      expect(await balanceOf(user)).toBe(1100);
      expect(await creditsFor(user, purchase.id)).toHaveLength(1);
    });
  });

  describe('POST /billing/webhooks/stripe', () => {
    it('checkout.session.completed with payment_status paid credits the purchase once', async () => {
      const user = await newUser();
      const session = await checkout(user);
      const event = sessionEvent('checkout.session.completed', session.purchaseId);
      expect(await outcomeOf(event)).toBe('credited');
      expect(await outcomeOf(event)).toBe('duplicate');
      const another = sessionEvent('checkout.session.completed', session.purchaseId);
      expect(await outcomeOf(another)).toBe('ignored');

      expect(await balanceOf(user)).toBe(1100);
      const credits = await creditsFor(user, session.purchaseId);
      expect(credits).toEqual([expect.objectContaining({ amount: 1000 })]);
      expect(await purchaseOf(user, session.purchaseId)).toMatchObject({ status: 'paid', ledgerEntryId: credits[0].id });
      expect(await eventRow(event.id)).toEqual({
        type: 'checkout.session.completed',
        purchase_id: session.purchaseId,
        outcome: 'credited',
      });
      expect(await eventRow(another.id)).toMatchObject({ outcome: 'ignored' });
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it('no_payment_required (a 100% discount) credits as well', async () => {
      const user = await newUser();
      const session = await checkout(user);
      expect(
        await outcomeOf(sessionEvent('checkout.session.completed', session.purchaseId, { payment_status: 'no_payment_required' })),
      ).toBe('credited');
      expect(await balanceOf(user)).toBe(1100);
    });

    it('completed but unpaid waits; async_payment_succeeded then credits once', async () => {
      const user = await newUser();
      const session = await checkout(user, 'tokens_10k');
      const completed = sessionEvent('checkout.session.completed', session.purchaseId, { payment_status: 'unpaid' });
      expect(await outcomeOf(completed)).toBe('awaiting_payment');
      expect(await eventRow(completed.id)).toMatchObject({ outcome: 'awaiting_payment' });
      expect(await purchaseOf(user, session.purchaseId)).toMatchObject({ status: 'pending', ledgerEntryId: null });
      expect(await balanceOf(user)).toBe(100);

      const succeeded = sessionEvent('checkout.session.async_payment_succeeded', session.purchaseId);
      expect(await outcomeOf(succeeded)).toBe('credited');
      expect(await outcomeOf(succeeded)).toBe('duplicate');
      // The unpaid completion arriving again (a retried delivery with a new id) changes nothing.
      expect(await outcomeOf(sessionEvent('checkout.session.completed', session.purchaseId, { payment_status: 'unpaid' }))).toBe('ignored');
      expect(await balanceOf(user)).toBe(10100);
      expect(await creditsFor(user, session.purchaseId)).toHaveLength(1);
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it.each(['checkout.session.async_payment_failed', 'checkout.session.expired'] as const)(
      '%s marks the purchase failed and credits nothing',
      async (type) => {
        const user = await newUser();
        const session = await checkout(user);
        if (type === 'checkout.session.async_payment_failed') {
          expect(await outcomeOf(sessionEvent('checkout.session.completed', session.purchaseId, { payment_status: 'unpaid' }))).toBe(
            'awaiting_payment',
          );
        }
        const event = sessionEvent(type, session.purchaseId);
        expect(await outcomeOf(event)).toBe('failed');
        expect(await eventRow(event.id)).toMatchObject({ type, outcome: 'failed' });
        expect(await purchaseOf(user, session.purchaseId)).toMatchObject({ status: 'failed', ledgerEntryId: null });
        expect(await outcomeOf(sessionEvent(type, session.purchaseId))).toBe('ignored');
        expect(await balanceOf(user)).toBe(100);
        expect(await creditsFor(user, session.purchaseId)).toEqual([]);
      },
    );

    it('a success after a failure credits; a failure after paid changes nothing', async () => {
      const user = await newUser();
      const session = await checkout(user);
      expect(await outcomeOf(sessionEvent('checkout.session.async_payment_failed', session.purchaseId))).toBe('failed');
      expect(await outcomeOf(sessionEvent('checkout.session.async_payment_succeeded', session.purchaseId))).toBe('credited');
      const late = sessionEvent('checkout.session.expired', session.purchaseId);
      expect(await outcomeOf(late)).toBe('ignored');
      expect(await eventRow(late.id)).toMatchObject({ outcome: 'ignored' });
      expect(await outcomeOf(sessionEvent('checkout.session.completed', session.purchaseId))).toBe('ignored');
      expect(await purchaseOf(user, session.purchaseId)).toMatchObject({ status: 'paid' });
      expect(await balanceOf(user)).toBe(1100);
      expect(await creditsFor(user, session.purchaseId)).toHaveLength(1);
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it('credits once when 12 different events for one purchase, failures and successes, arrive at the same moment with duplicates', async () => {
      const user = await newUser();
      for (let round = 0; round < 3; round++) {
        const session = await checkout(user);
        const types: SessionEventType[] = [
          'checkout.session.expired',
          'checkout.session.completed',
          'checkout.session.async_payment_failed',
          'checkout.session.async_payment_succeeded',
        ];
        const events = Array.from({ length: 12 }, (_, i) => sessionEvent(types[i % 4], session.purchaseId));
        const responses = await Promise.all([...events, ...events.slice(0, 6)].map((event) => deliver(event)));
        expect(responses.map((r) => r.status)).toEqual(Array(18).fill(200));
        const outcomes = responses.map((r) => r.body.outcome as string);
        expect(outcomes.filter((o) => o === 'credited')).toHaveLength(1);
        expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(6);
        expect(outcomes.filter((o) => o === 'failed').length).toBeLessThanOrEqual(1);
        expect(await creditsFor(user, session.purchaseId)).toHaveLength(1);
        expect(await purchaseOf(user, session.purchaseId)).toMatchObject({ status: 'paid' });
      }
      expect(await balanceOf(user)).toBe(100 + 3 * 1000);
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it('finds the purchase by client_reference_id when the metadata lacks it', async () => {
      const user = await newUser();
      const session = await checkout(user);
      expect(await outcomeOf(sessionEvent('checkout.session.completed', session.purchaseId, { metadata: {} }))).toBe('credited');
      expect(await balanceOf(user)).toBe(1100);
    });

    it('records events for purchases it does not know as unknown_purchase, so Stripe stops retrying', async () => {
      for (const event of [
        sessionEvent('checkout.session.completed', randomUUID()),
        sessionEvent('checkout.session.completed', null),
        sessionEvent('checkout.session.completed', 'not-a-purchase-id', { client_reference_id: 'x'.repeat(300) }),
        sessionEvent('checkout.session.expired', null, { metadata: 'not an object' }),
      ]) {
        expect(await outcomeOf(event)).toBe('unknown_purchase');
        expect(await eventRow(event.id)).toMatchObject({ outcome: 'unknown_purchase' });
      }
    });

    it('answers other event types 200 ignored and records them', async () => {
      const user = await newUser();
      const session = await checkout(user);
      for (const type of ['payment_intent.succeeded', 'charge.succeeded', 'customer.created']) {
        const event = sessionEvent(type, session.purchaseId);
        expect(await outcomeOf(event)).toBe('ignored');
        expect(await eventRow(event.id)).toEqual({ type, purchase_id: null, outcome: 'ignored' });
      }
      expect(await purchaseOf(user, session.purchaseId)).toMatchObject({ status: 'pending' });
      expect(await balanceOf(user)).toBe(100);
    });

    describe('signature', () => {
      const now = () => Math.floor(Date.now() / 1000);
      const cases: [string, (payload: string) => { header?: string | null; secret?: string; timestamp?: number; payload?: string }][] = [
        ['no Stripe-Signature header', () => ({ header: null })],
        ['an empty Stripe-Signature', () => ({ header: '' })],
        ['a garbage Stripe-Signature', () => ({ header: 'not-a-signature' })],
        ['a random v1 signature', () => ({ header: `t=${now()},v1=${randomBytes(32).toString('hex')}` })],
        ['a signature made with another secret', () => ({ secret: 'whsec_someone_else_0123456789' })],
        [
          'a signature of another body',
          (payload) => ({
            header: sdk.webhooks.generateTestHeaderString({
              payload: payload.replace('"livemode": false', '"livemode": true'),
              secret: WEBHOOK_SECRET,
            }),
          }),
        ],
        [
          'a body changed after signing',
          (payload) => ({
            header: sdk.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
            payload: payload.replace(/\n\s*/g, ''),
          }),
        ],
        ['a signature older than the tolerance (replay)', () => ({ timestamp: now() - 3600 })],
      ];

      it.each(cases)('answers 400 VALIDATION_FAILED for %s, and changes nothing', async (_, optionsFor) => {
        const user = await newUser();
        const session = await checkout(user);
        const event = sessionEvent('checkout.session.completed', session.purchaseId);
        const payload = JSON.stringify(event, null, 2);
        const response = await deliver(event, { payload, ...optionsFor(payload) });
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({
          statusCode: 400,
          code: 'VALIDATION_FAILED',
          message: expect.stringContaining('Stripe-Signature'),
          details: [expect.objectContaining({ field: 'Stripe-Signature' })],
        });

        expect(await eventRow(event.id)).toBeUndefined();
        expect(await purchaseOf(user, session.purchaseId)).toMatchObject({ status: 'pending', ledgerEntryId: null });
        expect(await balanceOf(user)).toBe(100);
        // The genuine delivery still works afterwards.
        expect(await outcomeOf(event)).toBe('credited');
      });

      it.each([
        ['an array', []],
        ['a number', 42],
        ['an empty object', {}],
        ['an event without a type', { id: 'evt_no_type', object: 'event', data: {} }],
        ['an event id with spaces', { id: 'evt with spaces', object: 'event', type: 'checkout.session.completed', data: {} }],
        ['a too long event type', { id: 'evt_long_type', object: 'event', type: 'x'.repeat(65), data: {} }],
      ])('answers 400 for a correctly signed body that is %s, and records nothing', async (_, body) => {
        const [before] = await t.dataSource.query('SELECT COUNT(*) AS n FROM payment_events');
        const response = await deliver(body);
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'body' })] });
        const [after] = await t.dataSource.query('SELECT COUNT(*) AS n FROM payment_events');
        expect(Number(after.n)).toBe(Number(before.n));
      });
    });

    it('is public and never metered: it works for a buyer at balance 0', async () => {
      const user = await newUser();
      await spendDownTo(t.http, user, 0);
      expect(await balanceOf(user)).toBe(0);
      const session = await checkout(user);
      expect(await outcomeOf(sessionEvent('checkout.session.completed', session.purchaseId))).toBe('credited');
      expect(await balanceOf(user)).toBe(1000);
    });
  });

  it('the generic signed webhook settles Stripe purchases by the same rules, and stays closed to unsigned events', async () => {
    const user = await newUser();
    const session = await checkout(user);
    expect(await outcomeOf(sessionEvent('checkout.session.expired', session.purchaseId))).toBe('failed');
    const raw = JSON.stringify({ id: `evt_${randomUUID()}`, type: 'payment.succeeded', data: { purchaseId: session.purchaseId } });
    expect((await t.http.post('/billing/webhooks/payment', undefined, { raw })).status).toBe(401);
    const signed = await t.http.post('/billing/webhooks/payment', undefined, {
      raw,
      headers: { 'x-signature': createHmac('sha256', PAYMENT_WEBHOOK_SECRET).update(raw).digest('hex') },
    });
    expect(signed.body).toEqual({ received: true, outcome: 'credited' });
    expect(await outcomeOf(sessionEvent('checkout.session.completed', session.purchaseId))).toBe('ignored');
    expect(await balanceOf(user)).toBe(1100);
    expect(await creditsFor(user, session.purchaseId)).toHaveLength(1);
  });

  it('leaves every ledger consistent', async () => {
    expect(users.length).toBeGreaterThan(5);
    for (const user of users) await expectLedgerConsistent(t.dataSource, user.id);
  });
});

describe('Stripe configuration', () => {
  it('refuses to start with PAYMENT_PROVIDER=stripe and no keys, naming each missing variable', () => {
    expect(() => validateEnvironment({ PAYMENT_PROVIDER: 'stripe' })).toThrow(/STRIPE_SECRET_KEY: [\s\S]*STRIPE_WEBHOOK_SECRET: /);
    expect(() => validateEnvironment({ PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: SECRET_KEY })).toThrow(
      /STRIPE_WEBHOOK_SECRET: .*required when PAYMENT_PROVIDER=stripe/,
    );
    expect(() =>
      validateEnvironment({ PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'pk_test_publishable', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET }),
    ).toThrow(/STRIPE_SECRET_KEY: /);
    expect(() =>
      validateEnvironment({ PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: 'secret' }),
    ).toThrow(/STRIPE_WEBHOOK_SECRET: .*whsec_/);
    expect(() => validateEnvironment({ PAYMENT_PROVIDER: 'paypal' })).toThrow(/PAYMENT_PROVIDER: /);
    expect(() => validateEnvironment({ STRIPE_SUCCESS_URL: 'javascript:alert(1)' })).toThrow(/STRIPE_SUCCESS_URL: /);
    expect(() => validateEnvironment({ STRIPE_API_PORT: '70000' })).toThrow(/STRIPE_API_PORT: /);
    expect(() => validateEnvironment({ STRIPE_API_PROTOCOL: 'ftp' })).toThrow(/STRIPE_API_PROTOCOL: /);
  });

  it('accepts stripe in production, with defaults for the return URLs', () => {
    const env = validateEnvironment({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      PAYMENT_WEBHOOK_SECRET: 'y'.repeat(32),
      PAYMENT_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: 'sk_live_51H0123456789abcdefABCDEF0123456789abcdef',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
    expect(env).toMatchObject({
      PAYMENT_PROVIDER: 'stripe',
      STRIPE_SUCCESS_URL: expect.stringContaining('{CHECKOUT_SESSION_ID}'),
      STRIPE_CANCEL_URL: expect.any(String),
    });
    expect(env.STRIPE_API_HOST).toBeUndefined();
  });
});
