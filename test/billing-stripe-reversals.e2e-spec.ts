/**
 * Refunds and disputes of Stripe purchases, over HTTP: the app and the official SDK talk to a fake
 * Stripe API (test/support/fake-stripe.ts), which also plays Stripe's side of a payment (the paid
 * session, its charge, refunds and disputes); events are signed with the SDK's
 * generateTestHeaderString. Tokens are spent through a real metered route before a refund, so what
 * cannot be taken back shows as owed.
 */
import { LOG_DESTINATION } from '../src/observability/app-logger.js';
import { loginAdmin, registerUser, TestUser } from './support/factories.js';
import { FakeStripeApi } from './support/fake-stripe.js';
import { expectLedgerConsistent } from './support/ledger-assertions.js';
import { checkoutWithStripe, deliverStripeEvent, stripeOutcomeOf, type StripeCheckout } from './support/stripe-webhooks.js';
import { startTestApp, TestApp } from './support/test-app.js';

interface Entry {
  id: string;
  type: string;
  amount: number;
  metadata: Record<string, any> | null;
}

describe('Stripe refunds and disputes', () => {
  const fake = new FakeStripeApi();
  let t: TestApp;
  const users: TestUser[] = [];
  /** The app's error log lines (LOG_LEVEL is error in tests). */
  const errorLines: Record<string, any>[] = [];

  beforeAll(async () => {
    const port = await fake.start();
    t = await startTestApp({
      env: fake.env(port),
      override: (builder) =>
        builder.overrideProvider(LOG_DESTINATION).useValue({ write: (line: string) => errorLines.push(JSON.parse(line)) }),
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });

  async function newUser(): Promise<TestUser> {
    const user = await registerUser(t.http);
    users.push(user);
    return user;
  }

  const outcomeOf = (event: unknown) => stripeOutcomeOf(t.http, event);

  /** Checks out `packageCode` and pays it: the purchase is credited; answers its payment intent. */
  async function buy(user: TestUser, packageCode = 'tokens_1k'): Promise<{ checkout: StripeCheckout; paymentIntent: string }> {
    const checkout = await checkoutWithStripe(t.http, user, packageCode);
    const session = fake.session(checkout.providerReference);
    expect(await outcomeOf(fake.event('checkout.session.completed', session))).toBe('credited');
    return { checkout, paymentIntent: session.payment_intent! };
  }

  /** Refunds `amount` more (cents) and answers the `charge.refunded` event that reports it. */
  const refund = (paymentIntent: string, amount: number) => fake.event('charge.refunded', fake.refund(paymentIntent, amount));
  const dispute = (type: 'charge.dispute.created' | 'charge.dispute.closed', paymentIntent: string, status: string) =>
    fake.event(type, fake.dispute(paymentIntent, status));

  /** Spends 1,500 tokens `times` times through a metered route (POST /services/write-more). */
  async function spend(user: TestUser, times: number): Promise<void> {
    for (let i = 0; i < times; i++) {
      const response = await t.http.post('/services/write-more', { text: 'The tide came in slowly.' }, { token: user.token });
      expect(response.status).toBe(201);
    }
  }

  async function balanceOf(user: TestUser): Promise<{ balance: number; allowance: number; credits: number; owed: number }> {
    const { balance, allowance, credits, owed } = (await t.http.get('/tokens/balance', { token: user.token })).body;
    return { balance, allowance, credits, owed };
  }

  async function purchaseOf(user: TestUser, purchaseId: string) {
    const list = (await t.http.get('/billing/purchases', { token: user.token })).body as {
      id: string;
      status: string;
      tokensReversed: number;
    }[];
    return list.find((p) => p.id === purchaseId)!;
  }

  /** The user's ledger, newest first. */
  async function entriesOf(user: TestUser): Promise<Entry[]> {
    return (await t.http.get('/tokens/transactions?limit=100', { token: user.token })).body.items;
  }

  async function reversalsOf(user: TestUser, purchaseId: string): Promise<Entry[]> {
    return (await entriesOf(user)).filter((e) => e.type === 'purchase_reversal' && e.metadata?.purchaseId === purchaseId);
  }

  /** What the reversals of a purchase took back: what they took plus what they left owed. */
  const reversedBy = (entries: Entry[]) => entries.reduce((sum, e) => sum - e.amount + e.metadata!.uncollected, 0);

  async function eventOutcome(id: string): Promise<string | undefined> {
    const [row] = await t.dataSource.query('SELECT outcome FROM payment_events WHERE id = ?', [id]);
    return row?.outcome;
  }

  it('partial refunds take back the refunded share, rounded up and cumulative; what was spent becomes owed, and the next purchase repays it first', async () => {
    const user = await newUser();
    const { checkout, paymentIntent } = await buy(user, 'tokens_10k'); // 10,000 tokens for 2,900 cents
    const purchaseId = checkout.purchaseId;
    await spend(user, 6); // 9,000 of 10,100: the allowance first, then credits
    expect(await balanceOf(user)).toEqual({ balance: 1100, allowance: 0, credits: 1100, owed: 0 });

    // 1,000 of 2,900 cents: ceil(10,000 * 1,000 / 2,900) = ceil(3,448.3) = 3,449 tokens; 1,100 are left to take.
    const partial = refund(paymentIntent, 1000);
    expect(await outcomeOf(partial)).toBe('reversed');
    expect(await balanceOf(user)).toEqual({ balance: 0, allowance: 0, credits: 0, owed: 2349 });
    expect(await purchaseOf(user, purchaseId)).toMatchObject({ status: 'partially_refunded', tokensReversed: 3449 });
    expect(await reversalsOf(user, purchaseId)).toEqual([
      expect.objectContaining({
        amount: -1100,
        metadata: { purchaseId, reason: 'CHARGE_REFUNDED', eventId: partial.id, uncollected: 2349 },
      }),
    ]);
    await expectLedgerConsistent(t.dataSource, user.id);

    // The rest: 2,900 of 2,900 cents in total, so all 10,000 tokens; 6,551 more, none of them left.
    const rest = refund(paymentIntent, 1900);
    expect(rest.data.object.amount_refunded).toBe(2900);
    expect(await outcomeOf(rest)).toBe('reversed');
    expect(await balanceOf(user)).toEqual({ balance: 0, allowance: 0, credits: 0, owed: 8900 });
    expect(await purchaseOf(user, purchaseId)).toMatchObject({ status: 'refunded', tokensReversed: 10_000 });
    const reversals = await reversalsOf(user, purchaseId);
    expect(reversals[0]).toMatchObject({ amount: 0, metadata: { reason: 'CHARGE_REFUNDED', eventId: rest.id, uncollected: 6551 } });
    expect(reversedBy(reversals)).toBe(10_000);
    await expectLedgerConsistent(t.dataSource, user.id);

    // The next purchase repays the 8,900 owed tokens first, in the same transaction.
    const next = await buy(user, 'tokens_10k');
    expect(await balanceOf(user)).toEqual({ balance: 1100, allowance: 0, credits: 1100, owed: 0 });
    const [repayment, credit] = await entriesOf(user);
    expect(credit).toMatchObject({ type: 'purchase', amount: 10_000, metadata: { purchaseId: next.checkout.purchaseId } });
    expect(repayment).toMatchObject({ type: 'owed_repayment', amount: -8900, metadata: { repaidFrom: credit.id } });
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('refund events delivered twice, late or out of order take each token back once: an older refund takes nothing', async () => {
    const user = await newUser();
    const { checkout, paymentIntent } = await buy(user); // 1,000 tokens for 500 cents
    const older = refund(paymentIntent, 100); // 100 of 500 cents: 200 tokens
    const newer = refund(paymentIntent, 150); // 250 of 500 cents: 500 tokens in total

    expect(await outcomeOf(newer)).toBe('reversed');
    expect(await outcomeOf(newer)).toBe('duplicate');
    expect(await outcomeOf(older)).toBe('ignored');
    expect(await outcomeOf(older)).toBe('duplicate');
    // The same state again under a new event id.
    expect(await outcomeOf(fake.event('charge.refunded', newer.data.object))).toBe('ignored');
    expect(await purchaseOf(user, checkout.purchaseId)).toMatchObject({ status: 'partially_refunded', tokensReversed: 500 });
    expect(await balanceOf(user)).toEqual({ balance: 600, allowance: 100, credits: 500, owed: 0 });
    expect(await eventOutcome(older.id)).toBe('ignored');

    const full = refund(paymentIntent, 250);
    expect(await outcomeOf(full)).toBe('reversed');
    expect(await outcomeOf(older)).toBe('duplicate');
    expect(await purchaseOf(user, checkout.purchaseId)).toMatchObject({ status: 'refunded', tokensReversed: 1000 });
    expect(await balanceOf(user)).toEqual({ balance: 100, allowance: 100, credits: 0, owed: 0 });
    const reversals = await reversalsOf(user, checkout.purchaseId);
    expect(reversals.map((e) => [e.amount, e.metadata!.uncollected, e.metadata!.eventId])).toEqual([
      [-500, 0, full.id],
      [-500, 0, newer.id],
    ]);
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('refund and dispute events for one purchase delivered all at once take its tokens back exactly once', async () => {
    const user = await newUser();
    for (let round = 0; round < 3; round++) {
      const { checkout, paymentIntent } = await buy(user, 'tokens_10k');
      await spend(user, 2);
      const before = await balanceOf(user);
      const fullRefund = fake.refund(paymentIntent, 2900);
      const events = [
        ...Array.from({ length: 4 }, () => fake.event('charge.refunded', fullRefund)),
        ...Array.from({ length: 3 }, () => dispute('charge.dispute.created', paymentIntent, 'needs_response')),
      ];
      const deliveries = [...events, ...events.slice(0, 3)];
      const responses = await Promise.all(deliveries.map((event) => deliverStripeEvent(t.http, event)));
      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
      const outcomes = responses.map((r) => r.body.outcome as string);
      expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(3);
      expect(outcomes.filter((o) => o === 'reversed').length).toBeGreaterThanOrEqual(1);
      expect(outcomes.filter((o) => !['duplicate', 'reversed', 'ignored'].includes(o))).toEqual([]);

      expect(reversedBy(await reversalsOf(user, checkout.purchaseId))).toBe(10_000);
      expect(await balanceOf(user)).toEqual({ balance: 0, allowance: 0, credits: 0, owed: before.owed + 10_000 - before.balance });
      // Refunded in full whatever came first: the open dispute holds none of its tokens.
      expect(await purchaseOf(user, checkout.purchaseId)).toMatchObject({ status: 'disputed', tokensReversed: 10_000 });
      const [row] = await t.dataSource.query('SELECT tokens_disputed FROM purchases WHERE id = ?', [checkout.purchaseId]);
      expect(Number(row.tokens_disputed)).toBe(0);
      await expectLedgerConsistent(t.dataSource, user.id);

      // So winning the dispute gives nothing back: the money was refunded.
      expect(await outcomeOf(dispute('charge.dispute.closed', paymentIntent, 'won'))).toBe('ignored');
      expect(await purchaseOf(user, checkout.purchaseId)).toMatchObject({ status: 'refunded', tokensReversed: 10_000 });
    }
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('a won dispute gives back what the dispute took, repaying owed tokens first; what a refund took stays taken', async () => {
    const user = await newUser();
    const { checkout, paymentIntent } = await buy(user, 'tokens_10k');
    const purchaseId = checkout.purchaseId;
    await spend(user, 6);
    expect(await outcomeOf(refund(paymentIntent, 1000))).toBe('reversed'); // 3,449: 1,100 taken, 2,349 owed

    const opened = dispute('charge.dispute.created', paymentIntent, 'needs_response');
    expect(await outcomeOf(opened)).toBe('reversed');
    expect(await balanceOf(user)).toEqual({ balance: 0, allowance: 0, credits: 0, owed: 8900 });
    expect(await purchaseOf(user, purchaseId)).toMatchObject({ status: 'disputed', tokensReversed: 10_000 });
    expect((await reversalsOf(user, purchaseId))[0]).toMatchObject({
      amount: 0,
      metadata: { reason: 'CHARGE_DISPUTED', eventId: opened.id, uncollected: 6551 },
    });
    expect(await outcomeOf(dispute('charge.dispute.created', paymentIntent, 'needs_response'))).toBe('ignored');

    const won = dispute('charge.dispute.closed', paymentIntent, 'won');
    expect(await outcomeOf(won)).toBe('reinstated');
    // 6,551 given back, all of them repaying owed tokens; the refunded share stays owed.
    expect(await balanceOf(user)).toEqual({ balance: 0, allowance: 0, credits: 0, owed: 2349 });
    expect(await purchaseOf(user, purchaseId)).toMatchObject({ status: 'partially_refunded', tokensReversed: 3449 });
    const [repayment, reinstated] = await entriesOf(user);
    expect(reinstated).toMatchObject({ type: 'purchase_reinstated', amount: 6551, metadata: { purchaseId, eventId: won.id } });
    expect(repayment).toMatchObject({ type: 'owed_repayment', amount: -6551, metadata: { repaidFrom: reinstated.id } });

    // Over is over: another closing, or an opening arriving late, changes nothing.
    expect(await outcomeOf(dispute('charge.dispute.closed', paymentIntent, 'won'))).toBe('ignored');
    expect(await outcomeOf(dispute('charge.dispute.created', paymentIntent, 'needs_response'))).toBe('ignored');
    expect(await balanceOf(user)).toEqual({ balance: 0, allowance: 0, credits: 0, owed: 2349 });
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('a won dispute of an unspent purchase gives every token back, and the purchase is paid again', async () => {
    const user = await newUser();
    const { checkout, paymentIntent } = await buy(user);
    expect(await outcomeOf(dispute('charge.dispute.created', paymentIntent, 'warning_needs_response'))).toBe('reversed');
    expect(await balanceOf(user)).toEqual({ balance: 100, allowance: 100, credits: 0, owed: 0 });
    // An inquiry that closes without a chargeback: the money was kept, like a won dispute.
    expect(await outcomeOf(dispute('charge.dispute.closed', paymentIntent, 'warning_closed'))).toBe('reinstated');
    expect(await balanceOf(user)).toEqual({ balance: 1100, allowance: 100, credits: 1000, owed: 0 });
    expect(await purchaseOf(user, checkout.purchaseId)).toMatchObject({ status: 'paid', tokensReversed: 0 });
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('a lost dispute keeps what it took; later events change nothing more', async () => {
    const user = await newUser();
    const { checkout, paymentIntent } = await buy(user);
    expect(await outcomeOf(dispute('charge.dispute.created', paymentIntent, 'needs_response'))).toBe('reversed');
    const lost = dispute('charge.dispute.closed', paymentIntent, 'lost');
    expect(await outcomeOf(lost)).toBe('ignored');
    expect(await eventOutcome(lost.id)).toBe('ignored');
    for (const late of [
      dispute('charge.dispute.closed', paymentIntent, 'won'),
      dispute('charge.dispute.created', paymentIntent, 'needs_response'),
      refund(paymentIntent, 500),
    ]) {
      expect(await outcomeOf(late)).toBe('ignored');
    }
    expect(await balanceOf(user)).toEqual({ balance: 100, allowance: 100, credits: 0, owed: 0 });
    expect(await purchaseOf(user, checkout.purchaseId)).toMatchObject({ status: 'disputed', tokensReversed: 1000 });
    expect(reversedBy(await reversalsOf(user, checkout.purchaseId))).toBe(1000);
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('a dispute closed before its opening arrives: won takes nothing and the late opening neither; lost takes everything once', async () => {
    const user = await newUser();
    const kept = await buy(user);
    expect(await outcomeOf(dispute('charge.dispute.closed', kept.paymentIntent, 'won'))).toBe('ignored');
    expect(await outcomeOf(dispute('charge.dispute.created', kept.paymentIntent, 'needs_response'))).toBe('ignored');
    expect(await purchaseOf(user, kept.checkout.purchaseId)).toMatchObject({ status: 'paid', tokensReversed: 0 });
    expect((await balanceOf(user)).balance).toBe(1100);

    const gone = await buy(user);
    expect(await outcomeOf(dispute('charge.dispute.closed', gone.paymentIntent, 'lost'))).toBe('reversed');
    expect(await outcomeOf(dispute('charge.dispute.created', gone.paymentIntent, 'needs_response'))).toBe('ignored');
    expect(await purchaseOf(user, gone.checkout.purchaseId)).toMatchObject({ status: 'disputed', tokensReversed: 1000 });
    expect((await balanceOf(user)).balance).toBe(1100);
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it.each<[string, Record<string, unknown>]>([
    [
      'a refund of a payment intent no purchase has',
      { object: 'charge', payment_intent: 'pi_test_unknown', amount: 500, amount_refunded: 500, currency: 'usd' },
    ],
    ['a refund without a payment intent', { object: 'charge', payment_intent: null, amount: 500, amount_refunded: 500, currency: 'usd' }],
    [
      'a refund whose payment intent is not an id',
      { object: 'charge', payment_intent: 'pi with spaces', amount: 500, amount_refunded: 500 },
    ],
    ['a dispute of a payment intent no purchase has', { object: 'dispute', payment_intent: 'pi_test_unknown', status: 'needs_response' }],
    ['an event without its object', {}],
  ])('%s is recorded as unknown_purchase and changes nothing', async (_, object) => {
    const user = await newUser();
    const { checkout } = await buy(user);
    for (const type of ['charge.refunded', 'charge.dispute.created', 'charge.dispute.closed']) {
      const event = fake.event(type, object);
      expect(await outcomeOf(event)).toBe('unknown_purchase');
      expect(await eventOutcome(event.id)).toBe('unknown_purchase');
    }
    expect(await balanceOf(user)).toEqual({ balance: 1100, allowance: 100, credits: 1000, owed: 0 });
    expect(await purchaseOf(user, checkout.purchaseId)).toMatchObject({ status: 'paid', tokensReversed: 0 });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['another currency', { currency: 'eur' }, 'charge currency eur, not usd'],
    ['another amount', { amount: 1000 }, 'charge amount 1000, not 500'],
    ['more refunded than paid', { amount_refunded: 501 }, 'amount_refunded 501, not between 0 and 500'],
    ['an amount_refunded that is not a number', { amount_refunded: '500' }, 'amount_refunded (none), not between 0 and 500'],
  ])('a refund of %s is a mismatch: logged as an error, and nothing is taken back', async (_, override, difference) => {
    const user = await newUser();
    const { checkout, paymentIntent } = await buy(user);
    const event = fake.event('charge.refunded', { ...fake.refund(paymentIntent, 500), ...override });
    expect(await outcomeOf(event)).toBe('mismatch');
    const line = errorLines.find((l) => l.id === event.id);
    expect(line).toMatchObject({ level: 'error', outcome: 'mismatch', purchaseId: checkout.purchaseId, differences: [difference] });
    expect(await balanceOf(user)).toEqual({ balance: 1100, allowance: 100, credits: 1000, owed: 0 });
    expect(await purchaseOf(user, checkout.purchaseId)).toMatchObject({ status: 'paid', tokensReversed: 0 });
  });

  it('leaves every ledger consistent, and the integrity report clean', async () => {
    expect(users.length).toBeGreaterThan(5);
    for (const user of users) await expectLedgerConsistent(t.dataSource, user.id);
    const report = await t.http.get('/admin/tokens/integrity', { token: await loginAdmin(t.http) });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ ok: true, owedMismatches: [], heldMismatches: [] });
  });
});
