/**
 * Automatic top-up with PAYMENT_PROVIDER=stripe, without a network: the real app and the official SDK
 * talk to the fake Stripe API on 127.0.0.1 (customers, Checkout Sessions, off-session PaymentIntents,
 * a declined card), webhook events are signed with the SDK's own helper, and debits are real metered
 * requests. The worker runs as in production, every 100 ms.
 */
import { LOG_DESTINATION } from '../src/observability/app-logger.js';
import { AutoTopUpDriver, PACKAGE, SETTING, THRESHOLD } from './support/auto-top-up.js';
import { registerUser } from './support/factories.js';
import { FakeStripeApi } from './support/fake-stripe.js';
import { expectLedgerConsistent } from './support/ledger-assertions.js';
import { checkoutWithStripe, deliverStripeEvent, stripeOutcomeOf } from './support/stripe-webhooks.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('automatic top-up through Stripe', () => {
  const fake = new FakeStripeApi();
  let t: TestApp;
  let d: AutoTopUpDriver;

  beforeAll(async () => {
    const port = await fake.start();
    t = await startTestApp({
      env: { ...fake.env(port), AUTO_TOP_UP_INTERVAL_MS: '100', AUTO_TOP_UP_CLAIM_SECONDS: '1' },
      // The mismatch test's error lines are expected; the assertions read the answers.
      override: (builder) => builder.overrideProvider(LOG_DESTINATION).useValue({ write: () => undefined }),
    });
    d = new AutoTopUpDriver(t, fake);
    await d.signInAdmin();
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });

  it("a checkout with saveCard pays as the user's Stripe customer with setup_future_usage off_session, and saves the card", async () => {
    const user = await d.userWithCard();
    const sessionRequest = fake.requests.filter((request) => request.path === '/v1/checkout/sessions').at(-1)!;
    expect(sessionRequest.form.get('customer')).toMatch(/^cus_test_/);
    expect(sessionRequest.form.get('payment_intent_data[setup_future_usage]')).toBe('off_session');
    expect(await d.settingOf(user)).toEqual({
      enabled: false,
      thresholdTokens: null,
      packageCode: null,
      monthlyLimitCents: null,
      spentThisMonthCents: 0,
      lastAttempt: null,
      paymentMethodSaved: true,
    });
    // A second checkout that saves the card keeps the same customer.
    const customers = fake.intents.customersCreated;
    await checkoutWithStripe(t.http, user);
    expect((await t.http.post('/billing/checkout', { packageCode: 'tokens_1k', saveCard: true }, { token: user.token })).status).toBe(201);
    expect(fake.intents.customersCreated).toBe(customers);
    const answer = await d.putSetting(user, SETTING);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ...SETTING, spentThisMonthCents: 0, lastAttempt: null, paymentMethodSaved: true });
  });

  it('without a saved card PUT answers 409 NO_PAYMENT_METHOD and nothing is stored', async () => {
    const user = await registerUser(t.http);
    const checkout = await checkoutWithStripe(t.http, user);
    const sessionRequest = fake.requests.filter((request) => request.path === '/v1/checkout/sessions').at(-1)!;
    expect(sessionRequest.form.get('customer')).toBeNull();
    expect(sessionRequest.form.get('payment_intent_data[setup_future_usage]')).toBeNull();
    expect(await stripeOutcomeOf(t.http, fake.event('checkout.session.completed', fake.session(checkout.providerReference)))).toBe(
      'credited',
    );
    const response = await d.putSetting(user, SETTING);
    expect({ status: response.status, code: response.body.code }).toEqual({ status: 409, code: 'NO_PAYMENT_METHOD' });
    expect(await d.settingOf(user)).toMatchObject({ enabled: false, thresholdTokens: null, paymentMethodSaved: false });
  });

  it('a debit crossing the threshold makes one off-session PaymentIntent; its webhook, delivered twice, credits once', async () => {
    const user = await d.userWithCard();
    expect((await d.putSetting(user, SETTING)).status).toBe(200);
    await d.setBalance(user, THRESHOLD);
    expect(d.intentsOf(user)).toHaveLength(0);
    expect((await d.spend(user)).status).toBe(201);
    const intent = await d.sentIntent(user);
    const setting = await d.settingOf(user);
    const purchaseId = setting.lastAttempt.purchaseId;
    expect(intent).toMatchObject({
      amount: PACKAGE.priceCents,
      currency: 'usd',
      payment_method: user.card,
      off_session: true,
      metadata: { purchaseId, userId: user.id },
    });
    const request = fake.requests.filter((each) => each.path === '/v1/payment_intents').at(-1)!;
    expect(request.form.get('customer')).toMatch(/^cus_test_/);
    expect(request.form.get('confirm')).toBe('true');
    expect(request.headers['idempotency-key']).toBe(purchaseId);
    expect(setting.spentThisMonthCents).toBe(PACKAGE.priceCents);

    const succeeded = fake.event('payment_intent.succeeded', fake.intents.intent(intent.id));
    expect(await stripeOutcomeOf(t.http, succeeded)).toBe('credited');
    expect(await stripeOutcomeOf(t.http, succeeded)).toBe('duplicate');
    // Another event about the same payment (Stripe may send one again under a new id) credits nothing either.
    expect(await d.intentEvent('payment_intent.succeeded', intent.id)).toBe('ignored');
    expect(await d.balanceOf(user)).toBe(THRESHOLD - 1 + PACKAGE.tokens);
    const purchases = (await t.http.get('/billing/purchases', { token: user.token })).body;
    expect(purchases.find((each: { id: string }) => each.id === purchaseId)).toMatchObject({
      status: 'paid',
      automatic: true,
      tokens: 1000,
    });
    expect(await d.settingOf(user)).toMatchObject({ enabled: true, spentThisMonthCents: 500, lastAttempt: { purchaseId, status: 'paid' } });
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('50 parallel debits crossing the threshold together make exactly one PaymentIntent', async () => {
    const user = await d.userWithCard();
    expect((await d.putSetting(user, SETTING)).status).toBe(200);
    await d.setBalance(user, THRESHOLD + 25);
    const answers = await Promise.all(Array.from({ length: 50 }, () => d.spend(user)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(201));
    expect(await d.balanceOf(user)).toBe(THRESHOLD - 25);
    await d.sentIntent(user);
    await d.workerRounds();
    expect(d.intentsOf(user)).toHaveLength(1);
  });

  it('a second crossing while an attempt is in flight makes none', async () => {
    const user = await d.userWithCard();
    expect((await d.putSetting(user, SETTING)).status).toBe(200);
    await d.setBalance(user, THRESHOLD);
    await d.spend(user);
    await d.sentIntent(user);
    await d.setBalance(user, THRESHOLD + 10);
    await d.setBalance(user, THRESHOLD - 10);
    await d.spend(user);
    await d.setBalance(user, THRESHOLD);
    await d.spend(user);
    await d.workerRounds();
    expect(d.intentsOf(user)).toHaveLength(1);
    expect((await d.settingOf(user)).lastAttempt.status).toBe('processing');
  });

  it('only a crossing starts an attempt: debits that stay below the threshold after a top-up start none', async () => {
    const user = await d.userWithCard();
    const threshold = 1500;
    expect((await d.putSetting(user, { ...SETTING, thresholdTokens: threshold })).status).toBe(200);
    await d.setBalance(user, threshold);
    await d.setBalance(user, 100);
    const intent = await d.sentIntent(user);
    expect(await d.intentEvent('payment_intent.succeeded', intent.id)).toBe('credited');
    expect(await d.balanceOf(user)).toBe(100 + PACKAGE.tokens);
    await d.spend(user);
    await d.spend(user);
    await d.workerRounds();
    expect(d.intentsOf(user)).toHaveLength(1);
  });

  it('never spends beyond the monthly limit: a crossing that would pass it makes none', async () => {
    const user = await d.userWithCard();
    expect((await d.putSetting(user, { ...SETTING, monthlyLimitCents: PACKAGE.priceCents })).status).toBe(200);
    await d.setBalance(user, THRESHOLD);
    await d.spend(user);
    const intent = await d.sentIntent(user);
    expect(await d.intentEvent('payment_intent.succeeded', intent.id)).toBe('credited');
    await d.setBalance(user, THRESHOLD);
    await d.spend(user);
    await d.workerRounds();
    expect(d.intentsOf(user)).toHaveLength(1);
    expect(await d.settingOf(user)).toMatchObject({ enabled: true, spentThisMonthCents: 500, lastAttempt: { status: 'paid' } });
  });

  it('a declined card fails the purchase, disables automatic top-up and writes auto_top_up.failed; no tokens', async () => {
    const user = await d.userWithCard();
    fake.intents.declinedCards.add(user.card);
    expect((await d.putSetting(user, SETTING)).status).toBe(200);
    await d.setBalance(user, THRESHOLD);
    await d.spend(user);
    const setting = await d.until('the attempt to fail', async () => {
      const current = await d.settingOf(user);
      return current.lastAttempt?.status === 'failed' ? current : undefined;
    });
    expect(setting).toMatchObject({ enabled: false, spentThisMonthCents: 0 });
    const purchaseId = setting.lastAttempt.purchaseId;
    const purchases = (await t.http.get('/billing/purchases', { token: user.token })).body;
    expect(purchases.find((each: { id: string }) => each.id === purchaseId)).toMatchObject({ status: 'failed', automatic: true });
    expect(await d.balanceOf(user)).toBe(THRESHOLD - 1);
    // Stripe's own failure event for the same payment changes nothing more.
    const [intent] = d.intentsOf(user);
    expect(await d.intentEvent('payment_intent.payment_failed', intent.id)).toBe('ignored');
    const failures = await d.outboxFailures(user);
    expect(failures).toHaveLength(1);
    expect(JSON.parse(failures[0].body)).toMatchObject({
      type: 'auto_top_up.failed',
      data: { userId: user.id, purchaseId, amountCents: 500, currency: 'usd', reason: 'insufficient_funds' },
    });
    // Disabled: the next crossing buys nothing.
    await d.setBalance(user, THRESHOLD);
    await d.spend(user);
    await d.workerRounds();
    expect(d.intentsOf(user)).toHaveLength(1);
    expect(await d.balanceOf(user)).toBe(THRESHOLD - 1);
  });

  it('an answer lost on the way is sent again with the same idempotency key: one PaymentIntent, one charge', async () => {
    const user = await d.userWithCard();
    expect((await d.putSetting(user, SETTING)).status).toBe(200);
    const keysBefore = fake.intents.keysReceived.length;
    // The SDK's own attempt and its two retries all lose their answer: the worker gives up until its claim expires.
    fake.intents.dropAnswers = 3;
    await d.setBalance(user, THRESHOLD);
    await d.spend(user);
    const intent = await d.sentIntent(user);
    const purchaseId = (await d.settingOf(user)).lastAttempt.purchaseId;
    const keys = fake.intents.keysReceived.slice(keysBefore);
    expect(keys.length).toBeGreaterThanOrEqual(4);
    expect(new Set(keys)).toEqual(new Set([purchaseId]));
    expect(d.intentsOf(user)).toHaveLength(1);
    expect(await d.intentEvent('payment_intent.succeeded', intent.id)).toBe('credited');
    expect(await d.balanceOf(user)).toBe(THRESHOLD - 1 + PACKAGE.tokens);
  });

  it('an event that outruns the recording of its PaymentIntent is refused (409, not recorded) and credits when delivered again', async () => {
    const user = await d.userWithCard();
    expect((await d.putSetting(user, SETTING)).status).toBe(200);
    fake.intents.answerDelayMs = 1500;
    try {
      await d.setBalance(user, THRESHOLD);
      await d.spend(user);
      const intent = await d.until('the PaymentIntent', async () => d.intentsOf(user)[0]);
      const event = fake.event('payment_intent.succeeded', fake.intents.intent(intent.id));
      const early = await deliverStripeEvent(t.http, event);
      expect({ status: early.status, code: early.body.code }).toEqual({ status: 409, code: 'CONFLICT' });
      await d.sentIntent(user);
      expect(await stripeOutcomeOf(t.http, event)).toBe('credited');
      expect(await d.balanceOf(user)).toBe(THRESHOLD - 1 + PACKAGE.tokens);
    } finally {
      fake.intents.answerDelayMs = 0;
    }
  });

  it('a refund of an automatic top-up takes its tokens back, found through its PaymentIntent', async () => {
    const user = await d.userWithCard();
    expect((await d.putSetting(user, SETTING)).status).toBe(200);
    await d.setBalance(user, THRESHOLD);
    await d.spend(user);
    const intent = await d.sentIntent(user);
    expect(await d.intentEvent('payment_intent.succeeded', intent.id)).toBe('credited');
    expect(await stripeOutcomeOf(t.http, fake.event('charge.refunded', fake.refund(intent.id, PACKAGE.priceCents)))).toBe('reversed');
    expect(await d.balanceOf(user)).toBe(THRESHOLD - 1);
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('a PaymentIntent event that does not match the attempt credits nothing', async () => {
    const user = await d.userWithCard();
    expect((await d.putSetting(user, SETTING)).status).toBe(200);
    await d.setBalance(user, THRESHOLD);
    await d.spend(user);
    const intent = await d.sentIntent(user);
    for (const claim of [{ amount_received: 499 }, { currency: 'eur' }, { id: 'pi_test_another' }]) {
      expect(await d.intentEvent('payment_intent.succeeded', intent.id, claim)).toBe('mismatch');
    }
    expect(await d.balanceOf(user)).toBe(THRESHOLD - 1);
    expect((await d.settingOf(user)).lastAttempt.status).toBe('processing');
  });

  it('bad input is a 400 naming the field, and changes nothing', async () => {
    const user = await d.userWithCard();
    expect((await d.putSetting(user, SETTING)).status).toBe(200);
    const before = await d.settingOf(user);
    const bad: [unknown, string][] = [
      [{ ...SETTING, enabled: 'yes' }, 'enabled'],
      [{ ...SETTING, thresholdTokens: 0 }, 'thresholdTokens'],
      [{ ...SETTING, thresholdTokens: 1.5 }, 'thresholdTokens'],
      [{ ...SETTING, thresholdTokens: '500' }, 'thresholdTokens'],
      [{ ...SETTING, thresholdTokens: 1e16 }, 'thresholdTokens'],
      [{ ...SETTING, packageCode: 'no_such_package' }, 'packageCode'],
      [{ ...SETTING, packageCode: ' ' }, 'packageCode'],
      [{ ...SETTING, monthlyLimitCents: -1 }, 'monthlyLimitCents'],
      [{ ...SETTING, monthlyLimitCents: 499 }, 'monthlyLimitCents'],
      [{ enabled: true }, 'thresholdTokens'],
      [{ ...SETTING, extra: 1 }, 'extra'],
    ];
    for (const [body, field] of bad) {
      const response = await d.putSetting(user, body);
      expect({ status: response.status, code: response.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      expect(response.body.details.map((detail: { field: string }) => detail.field)).toContain(field);
    }
    for (const saveCard of ['yes', null, 1]) {
      const checkout = await t.http.post('/billing/checkout', { packageCode: 'tokens_1k', saveCard }, { token: user.token });
      expect({ status: checkout.status, fields: checkout.body.details?.map((detail: { field: string }) => detail.field) }).toEqual({
        status: 400,
        fields: ['saveCard'],
      });
    }
    expect(await d.settingOf(user)).toEqual(before);
    expect((await t.http.put('/billing/auto-top-up', SETTING)).status).toBe(401);
  });
});
