/**
 * Billing with PAYMENT_PROVIDER=stripe, without a network: the real app and the official SDK talk
 * to a fake Stripe API served by this test on 127.0.0.1 (STRIPE_API_HOST/PORT/PROTOCOL), and
 * webhook events are signed with the SDK's own generateTestHeaderString. Everything else (HTTP,
 * database, ledger) is real.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { validateEnvironment } from '../src/config/environment.js';
import { LOG_DESTINATION } from '../src/observability/app-logger.js';
import { registerUser, spendDownTo, TestUser } from './support/factories.js';
import { FakeStripeApi, STRIPE_TEST_KEYS } from './support/fake-stripe.js';
import { expectLedgerConsistent } from './support/ledger-assertions.js';
import { metricsOf, sample } from './support/metrics.js';
import {
  checkoutWithStripe,
  deliverStripeEvent,
  stripeOutcomeOf,
  stripeSignature,
  type DeliveryOptions,
  type StripeCheckout,
} from './support/stripe-webhooks.js';
import { startTestApp, TestApp } from './support/test-app.js';

const { STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET } = STRIPE_TEST_KEYS;
const PAYMENT_WEBHOOK_SECRET = 'stripe-suite-generic-webhook-secret';
const SUCCESS_URL = 'https://shop.example.test/thanks?session_id={CHECKOUT_SESSION_ID}';
const CANCEL_URL = 'https://shop.example.test/cancelled';

describe('billing with Stripe Checkout', () => {
  const fake = new FakeStripeApi();
  let t: TestApp;
  const users: TestUser[] = [];
  /** The app's error log lines (LOG_LEVEL is error in tests). */
  const errorLines: Record<string, any>[] = [];

  beforeAll(async () => {
    const port = await fake.start();
    t = await startTestApp({
      env: { ...fake.env(port), PAYMENT_WEBHOOK_SECRET, STRIPE_SUCCESS_URL: SUCCESS_URL, STRIPE_CANCEL_URL: CANCEL_URL },
      override: (builder) =>
        builder.overrideProvider(LOG_DESTINATION).useValue({ write: (line: string) => errorLines.push(JSON.parse(line)) }),
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

  function checkout(user: TestUser, packageCode = 'tokens_1k'): Promise<StripeCheckout> {
    return checkoutWithStripe(t.http, user, packageCode);
  }

  type SessionEventType =
    | 'checkout.session.completed'
    | 'checkout.session.async_payment_succeeded'
    | 'checkout.session.async_payment_failed'
    | 'checkout.session.expired';

  /**
   * A Stripe event about a Checkout Session: the session created at checkout as Stripe sends it
   * (paid, unless the event reports a failure), or for `{ purchaseId }` alone a session this app
   * never created that names the purchase. `session` overrides its fields.
   */
  function sessionEvent(
    type: SessionEventType | (string & {}),
    purchase: StripeCheckout | { purchaseId: string | null },
    session: Record<string, unknown> = {},
  ) {
    const failure = type === 'checkout.session.async_payment_failed' || type === 'checkout.session.expired';
    const paymentStatus = failure || session.payment_status === 'unpaid' ? 'unpaid' : 'paid';
    const base =
      'providerReference' in purchase
        ? fake.session(purchase.providerReference, paymentStatus)
        : {
            id: `cs_test_${randomBytes(8).toString('hex')}`,
            object: 'checkout.session',
            mode: 'payment',
            amount_total: 500,
            currency: 'usd',
            payment_intent: null,
            client_reference_id: purchase.purchaseId,
            metadata: purchase.purchaseId ? { purchaseId: purchase.purchaseId } : {},
          };
    return fake.event(type, {
      ...base,
      status: type === 'checkout.session.expired' ? 'expired' : 'complete',
      payment_status: paymentStatus,
      ...session,
    });
  }

  function deliver(event: unknown, options: DeliveryOptions = {}) {
    return deliverStripeEvent(t.http, event, options);
  }

  function outcomeOf(event: unknown): Promise<string> {
    return stripeOutcomeOf(t.http, event);
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

    it('never credits a purchase whose checkout failed: no session was created for it, so any session naming it is a mismatch', async () => {
      const user = await newUser();
      fake.failure = { status: 500, body: { error: { type: 'api_error', message: 'timeout' } } };
      expect((await t.http.post('/billing/checkout', { packageCode: 'tokens_1k' }, { token: user.token })).status).toBe(502);
      const [purchase] = (await t.http.get('/billing/purchases', { token: user.token })).body;
      expect(purchase.status).toBe('failed');
      expect(await outcomeOf(sessionEvent('checkout.session.completed', { purchaseId: purchase.id }))).toBe('mismatch');
      expect(await purchaseOf(user, purchase.id)).toMatchObject({ status: 'failed', ledgerEntryId: null });
      expect(await balanceOf(user)).toBe(100);
      expect(await creditsFor(user, purchase.id)).toEqual([]);
    });
  });

  describe('POST /billing/webhooks/stripe', () => {
    it('checkout.session.completed with payment_status paid credits the purchase once', async () => {
      const user = await newUser();
      const session = await checkout(user);
      const event = sessionEvent('checkout.session.completed', session);
      expect(await outcomeOf(event)).toBe('credited');
      expect(await outcomeOf(event)).toBe('duplicate');
      const another = sessionEvent('checkout.session.completed', session);
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
      // The payment that paid it: refunds and disputes find the purchase through it.
      const [row] = await t.dataSource.query('SELECT payment_intent_id FROM purchases WHERE id = ?', [session.purchaseId]);
      expect(row.payment_intent_id).toBe(event.data.object.payment_intent);
      expect(row.payment_intent_id).toMatch(/^pi_test_/);
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it('completed but unpaid waits; async_payment_succeeded then credits once', async () => {
      const user = await newUser();
      const session = await checkout(user, 'tokens_10k');
      const completed = sessionEvent('checkout.session.completed', session, { payment_status: 'unpaid' });
      expect(await outcomeOf(completed)).toBe('awaiting_payment');
      expect(await eventRow(completed.id)).toMatchObject({ outcome: 'awaiting_payment' });
      expect(await purchaseOf(user, session.purchaseId)).toMatchObject({ status: 'pending', ledgerEntryId: null });
      expect(await balanceOf(user)).toBe(100);

      const succeeded = sessionEvent('checkout.session.async_payment_succeeded', session);
      expect(await outcomeOf(succeeded)).toBe('credited');
      expect(await outcomeOf(succeeded)).toBe('duplicate');
      // The unpaid completion arriving again (a retried delivery with a new id) changes nothing.
      expect(await outcomeOf(sessionEvent('checkout.session.completed', session, { payment_status: 'unpaid' }))).toBe('ignored');
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
          expect(await outcomeOf(sessionEvent('checkout.session.completed', session, { payment_status: 'unpaid' }))).toBe(
            'awaiting_payment',
          );
        }
        const event = sessionEvent(type, session);
        expect(await outcomeOf(event)).toBe('failed');
        expect(await eventRow(event.id)).toMatchObject({ type, outcome: 'failed' });
        expect(await purchaseOf(user, session.purchaseId)).toMatchObject({ status: 'failed', ledgerEntryId: null });
        expect(await outcomeOf(sessionEvent(type, session))).toBe('ignored');
        expect(await balanceOf(user)).toBe(100);
        expect(await creditsFor(user, session.purchaseId)).toEqual([]);
      },
    );

    it('a success after a failure credits; a failure after paid changes nothing', async () => {
      const user = await newUser();
      const session = await checkout(user);
      expect(await outcomeOf(sessionEvent('checkout.session.async_payment_failed', session))).toBe('failed');
      expect(await outcomeOf(sessionEvent('checkout.session.async_payment_succeeded', session))).toBe('credited');
      const late = sessionEvent('checkout.session.expired', session);
      expect(await outcomeOf(late)).toBe('ignored');
      expect(await eventRow(late.id)).toMatchObject({ outcome: 'ignored' });
      expect(await outcomeOf(sessionEvent('checkout.session.completed', session))).toBe('ignored');
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
        const events = Array.from({ length: 12 }, (_, i) => sessionEvent(types[i % 4], session));
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
      expect(await outcomeOf(sessionEvent('checkout.session.completed', session, { metadata: {} }))).toBe('credited');
      expect(await balanceOf(user)).toBe(1100);
    });

    it('records events for purchases it does not know as unknown_purchase, so Stripe stops retrying', async () => {
      for (const event of [
        sessionEvent('checkout.session.completed', { purchaseId: randomUUID() }),
        sessionEvent('checkout.session.completed', { purchaseId: null }),
        sessionEvent('checkout.session.completed', { purchaseId: 'not-a-purchase-id' }, { client_reference_id: 'x'.repeat(300) }),
        sessionEvent('checkout.session.expired', { purchaseId: null }, { metadata: 'not an object' }),
      ]) {
        expect(await outcomeOf(event)).toBe('unknown_purchase');
        expect(await eventRow(event.id)).toMatchObject({ outcome: 'unknown_purchase' });
      }
    });

    it('answers other event types 200 ignored and records them', async () => {
      const user = await newUser();
      const session = await checkout(user);
      for (const type of ['payment_intent.created', 'charge.succeeded', 'customer.created']) {
        const event = sessionEvent(type, session);
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
            header: stripeSignature(payload.replace('"livemode": false', '"livemode": true')),
          }),
        ],
        [
          'a body changed after signing',
          (payload) => ({
            header: stripeSignature(payload),
            payload: payload.replace(/\n\s*/g, ''),
          }),
        ],
        ['a signature older than the tolerance (replay)', () => ({ timestamp: now() - 3600 })],
      ];

      it.each(cases)('answers 400 VALIDATION_FAILED for %s, and changes nothing', async (_, optionsFor) => {
        const user = await newUser();
        const session = await checkout(user);
        const event = sessionEvent('checkout.session.completed', session);
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
      expect(await outcomeOf(sessionEvent('checkout.session.completed', session))).toBe('credited');
      expect(await balanceOf(user)).toBe(1000);
    });
  });

  describe('a Checkout Session credits only the purchase it was created for, paid in full in its currency', () => {
    const mismatches = async () => sample(await metricsOf(t.http), 'payment_events_total', { outcome: 'mismatch' });
    const logLineOf = (eventId: string) => errorLines.find((line) => line.id === eventId);

    it("the attack: another session's signed completion naming the victim's purchase, for 1 jpy, credits nothing", async () => {
      const victim = await newUser();
      const session = await checkout(victim, 'tokens_100k');
      const counted = await mismatches();
      const attack = fake.event('checkout.session.completed', {
        id: `cs_test_${randomBytes(12).toString('hex')}`,
        object: 'checkout.session',
        mode: 'payment',
        status: 'complete',
        payment_status: 'paid',
        amount_total: 1,
        currency: 'jpy',
        client_reference_id: session.purchaseId,
        metadata: {},
        payment_intent: 'pi_test_attacker',
      });
      expect(await outcomeOf(attack)).toBe('mismatch');

      expect(await eventRow(attack.id)).toEqual({
        type: 'checkout.session.completed',
        purchase_id: session.purchaseId,
        outcome: 'mismatch',
      });
      expect(await purchaseOf(victim, session.purchaseId)).toMatchObject({ status: 'pending', ledgerEntryId: null });
      const [row] = await t.dataSource.query('SELECT payment_intent_id FROM purchases WHERE id = ?', [session.purchaseId]);
      expect(row.payment_intent_id).toBeNull();
      expect(await balanceOf(victim)).toBe(100);
      expect(await creditsFor(victim, session.purchaseId)).toEqual([]);
      const line = logLineOf(attack.id);
      expect(line).toMatchObject({
        level: 'error',
        outcome: 'mismatch',
        type: 'checkout.session.completed',
        purchaseId: session.purchaseId,
      });
      expect(line!.differences).toEqual([
        `session ${attack.data.object.id} is not ${session.providerReference}, the one created at checkout`,
        'amount_total 1, not 19900',
        'currency jpy, not usd',
      ]);
      expect(line!.msg).toEqual(expect.stringContaining(attack.id));
      expect(line!.msg).toEqual(expect.stringContaining(session.purchaseId));
      expect(await mismatches()).toBe(counted + 1);

      // The purchase is as it was: its own payment still credits it.
      expect(await outcomeOf(sessionEvent('checkout.session.completed', session))).toBe('credited');
      expect(await balanceOf(victim)).toBe(100_100);
      await expectLedgerConsistent(t.dataSource, victim.id);
    });

    it.each<[string, SessionEventType, Record<string, unknown>, string[]]>([
      [
        'another session of the account',
        'checkout.session.completed',
        { id: 'cs_test_someone_elses' },
        ['session cs_test_someone_elses is not'],
      ],
      ['a session without an id', 'checkout.session.async_payment_succeeded', { id: null }, ['session (none) is not']],
      [
        'async_payment_succeeded for a session still unpaid',
        'checkout.session.async_payment_succeeded',
        { payment_status: 'unpaid' },
        ['payment_status unpaid, not paid'],
      ],
      [
        'no_payment_required at the full amount',
        'checkout.session.completed',
        { payment_status: 'no_payment_required' },
        ['payment_status no_payment_required, not paid'],
      ],
      [
        'a 100% discount code (no_payment_required, amount 0)',
        'checkout.session.completed',
        { payment_status: 'no_payment_required', amount_total: 0 },
        ['payment_status no_payment_required, not paid', 'amount_total 0, not 500'],
      ],
      ['amount_total one cent short', 'checkout.session.completed', { amount_total: 499 }, ['amount_total 499, not 500']],
      ['amount_total a string', 'checkout.session.async_payment_succeeded', { amount_total: '500' }, ['amount_total (none), not 500']],
      [
        'a delayed payment (unpaid) of another amount',
        'checkout.session.completed',
        { payment_status: 'unpaid', amount_total: 1 },
        ['amount_total 1, not 500'],
      ],
      ['currency eur', 'checkout.session.completed', { currency: 'eur' }, ['currency eur, not usd']],
      ['no currency', 'checkout.session.async_payment_succeeded', { currency: null }, ['currency (none), not usd']],
      [
        'another session expiring',
        'checkout.session.expired',
        { id: 'cs_test_expired_elsewhere' },
        ['session cs_test_expired_elsewhere is not'],
      ],
    ])('%s: mismatch, logged and counted; the purchase stays as it was', async (_, type, override, differences) => {
      const user = await newUser();
      const session = await checkout(user);
      const counted = await mismatches();
      const event = sessionEvent(type, session, override);
      expect(await outcomeOf(event)).toBe('mismatch');
      expect(await eventRow(event.id)).toMatchObject({ outcome: 'mismatch', purchase_id: session.purchaseId });
      expect(logLineOf(event.id)!.differences).toEqual(differences.map((d) => expect.stringContaining(d)));
      expect(await mismatches()).toBe(counted + 1);
      expect(await purchaseOf(user, session.purchaseId)).toMatchObject({ status: 'pending', ledgerEntryId: null });
      expect(await balanceOf(user)).toBe(100);

      expect(await outcomeOf(sessionEvent('checkout.session.completed', session))).toBe('credited');
      expect(await balanceOf(user)).toBe(1100);
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it('checks out a package in its own currency, and credits only a session paid in that currency', async () => {
      await t.dataSource.query('INSERT INTO token_packages (code, name, tokens, price_cents, currency, active) VALUES (?, ?, ?, ?, ?, ?)', [
        'tokens_eur',
        '5,000 tokens (EUR)',
        5000,
        2500,
        'eur',
        1,
      ]);
      try {
        const packages = (await t.http.get('/billing/packages')).body as { code: string; currency: string }[];
        expect(packages.find((p) => p.code === 'tokens_1k')!.currency).toBe('usd');
        expect(packages.find((p) => p.code === 'tokens_eur')!.currency).toBe('eur');
        const user = await newUser();
        const before = fake.requests.length;
        const session = await checkout(user, 'tokens_eur');
        expect(session).toMatchObject({ priceCents: 2500, currency: 'eur' });
        expect(fake.requests[before].form.get('line_items[0][price_data][currency]')).toBe('eur');
        expect(fake.requests[before].form.get('line_items[0][price_data][unit_amount]')).toBe('2500');

        expect(await outcomeOf(sessionEvent('checkout.session.completed', session, { currency: 'usd' }))).toBe('mismatch');
        expect(await outcomeOf(sessionEvent('checkout.session.completed', session))).toBe('credited');
        expect(await purchaseOf(user, session.purchaseId)).toMatchObject({ status: 'paid', currency: 'eur' });
        expect(await balanceOf(user)).toBe(5100);
      } finally {
        await t.dataSource.query('UPDATE token_packages SET active = ? WHERE code = ?', [0, 'tokens_eur']);
      }
    });
  });

  it('POST /billing/webhooks/payment answers 404 under PAYMENT_PROVIDER=stripe, even correctly signed, and never credits', async () => {
    const user = await newUser();
    for (const failedFirst of [false, true]) {
      const session = await checkout(user);
      if (failedFirst) expect(await outcomeOf(sessionEvent('checkout.session.expired', session))).toBe('failed');
      const raw = JSON.stringify({ id: `evt_${randomUUID()}`, type: 'payment.succeeded', data: { purchaseId: session.purchaseId } });
      const signature = createHmac('sha256', PAYMENT_WEBHOOK_SECRET).update(raw).digest('hex');
      for (const headers of [{}, { 'x-signature': 'f'.repeat(64) }, { 'x-signature': signature }] as Record<string, string>[]) {
        const response = await t.http.post('/billing/webhooks/payment', undefined, { raw, headers });
        expect(response.status).toBe(404);
        expect(response.body).toEqual({
          statusCode: 404,
          code: 'NOT_FOUND',
          message: expect.stringContaining('PAYMENT_PROVIDER=stripe'),
          requestId: expect.any(String),
        });
      }
      expect(await eventRow(JSON.parse(raw).id)).toBeUndefined();
      expect(await purchaseOf(user, session.purchaseId)).toMatchObject({ status: failedFirst ? 'failed' : 'pending', ledgerEntryId: null });
    }
    expect(await balanceOf(user)).toBe(100);
    await expectLedgerConsistent(t.dataSource, user.id);
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
