import { loginAdmin, registerUser, type TestUser } from './factories.js';
import type { FakeStripeApi } from './fake-stripe.js';
import type { FakeIntent } from './fake-stripe-intents.js';
import { stripeOutcomeOf } from './stripe-webhooks.js';
import type { TestApp } from './test-app.js';

export const THRESHOLD = 500;
/** tokens_1k: 1,000 tokens for 500 cents. */
export const PACKAGE = { packageCode: 'tokens_1k', tokens: 1000, priceCents: 500 };
export const SETTING = { enabled: true, thresholdTokens: THRESHOLD, packageCode: PACKAGE.packageCode, monthlyLimitCents: 5000 };

/** A user whose checkout saved a card, and that card (its payment method id). */
export type CardHolder = TestUser & { card: string };

/** What the automatic top-up suites do through HTTP and see at the fake Stripe API. */
export class AutoTopUpDriver {
  private adminToken = '';

  constructor(
    private readonly t: TestApp,
    private readonly fake: FakeStripeApi,
  ) {}

  async signInAdmin(): Promise<void> {
    this.adminToken = await loginAdmin(this.t.http);
  }

  async balanceOf(user: TestUser): Promise<number> {
    return (await this.t.http.get('/tokens/balance', { token: user.token })).body.balance;
  }

  async settingOf(user: TestUser) {
    return (await this.t.http.get('/billing/auto-top-up', { token: user.token })).body;
  }

  putSetting(user: TestUser, body: unknown) {
    return this.t.http.put('/billing/auto-top-up', body, { token: user.token });
  }

  intentsOf(user: TestUser): FakeIntent[] {
    return this.fake.intents.created.filter((intent) => intent.metadata.userId === user.id);
  }

  /** One real metered request of 1 token. */
  spend(user: TestUser) {
    return this.t.http.post('/services/chat', { message: 'spend' }, { token: user.token });
  }

  /** Moves the balance to exactly `balance` with an admin grant or deduct (a deduct is a debit: it can cross). */
  async setBalance(user: TestUser, balance: number): Promise<void> {
    const difference = balance - (await this.balanceOf(user));
    if (difference === 0) return;
    const path = `/admin/users/${user.id}/tokens/${difference > 0 ? 'grant' : 'deduct'}`;
    const response = await this.t.http.post(path, { amount: Math.abs(difference), reason: 'test setup' }, { token: this.adminToken });
    expect(response.status).toBe(201);
  }

  /** A user who bought tokens_1k with saveCard: the session credits it, its PaymentIntent's event saves the card. */
  async userWithCard(): Promise<CardHolder> {
    const user = await registerUser(this.t.http);
    const response = await this.t.http.post(
      '/billing/checkout',
      { packageCode: PACKAGE.packageCode, saveCard: true },
      { token: user.token },
    );
    expect(response.status).toBe(201);
    const { providerReference } = response.body;
    const completed = this.fake.event('checkout.session.completed', this.fake.session(providerReference));
    expect(await stripeOutcomeOf(this.t.http, completed)).toBe('credited');
    const intent = this.fake.sessionIntent(providerReference);
    expect(await stripeOutcomeOf(this.t.http, this.fake.event('payment_intent.succeeded', intent))).toBe('card_saved');
    return { ...user, card: intent.payment_method! };
  }

  /** Delivers `type` about the PaymentIntent (as created, with `changes`) and answers its outcome. */
  intentEvent(type: string, intentId: string, changes: Partial<FakeIntent> = {}): Promise<string> {
    return stripeOutcomeOf(this.t.http, this.fake.event(type, { ...this.fake.intents.intent(intentId), ...changes }));
  }

  async until<T>(what: string, probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The attempt's PaymentIntent, once the worker sent it and recorded it (status processing). */
  async sentIntent(user: TestUser): Promise<FakeIntent> {
    await this.until('the attempt to be sent', async () =>
      (await this.settingOf(user)).lastAttempt?.status === 'processing' ? true : undefined,
    );
    const intents = this.intentsOf(user);
    expect(intents).toHaveLength(1);
    return intents[0];
  }

  /** Long enough for the worker (every 100 ms) to have sent anything it had. */
  workerRounds(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, 600));
  }

  outboxFailures(user: TestUser): Promise<{ type: string; body: string }[]> {
    return this.t.dataSource.query('SELECT type, body FROM outbox_events WHERE user_id = ? AND type = ?', [user.id, 'auto_top_up.failed']);
  }
}
