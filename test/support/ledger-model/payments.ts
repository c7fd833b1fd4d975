/**
 * Stripe steps of the ledger property test: a purchase paid through Checkout, refunds (cumulative,
 * rounded up) and disputes (won or lost), delivered as signed events to the fake Stripe's app. The
 * model says what each takes back or gives back; reversals take credits first, the rest is owed.
 */
import { checkoutWithStripe, stripeOutcomeOf } from '../stripe-webhooks.js';
import { type Account, collect, type Model, type PurchaseModel, type Real, receive, Step } from './model.js';

/** Tokens all refunds of `refundedCents` take back together: the refunded share, rounded up. */
const refundedTokens = (purchase: PurchaseModel) => Math.ceil((purchase.tokens * purchase.refundedCents) / purchase.priceCents);

/**
 * Moves the purchase to `reversed` tokens taken back: a reversal takes credits first (the rest owed),
 * a reinstatement gives them back. Answers the event's outcome.
 */
function reverseTo(account: Account, purchase: PurchaseModel, reversed: number): string {
  const moved = reversed - purchase.reversed;
  if (moved > 0) collect(account, moved, 'credits');
  if (moved < 0) receive(account, 'credits', -moved);
  purchase.reversed = reversed;
  return moved > 0 ? 'reversed' : moved < 0 ? 'reinstated' : 'ignored';
}

/** Buys the 1,000-token package through Stripe Checkout and pays it: the purchase is credited. */
async function buy(account: Account, real: Real): Promise<PurchaseModel> {
  const checkout = await checkoutWithStripe(real.t.http, account.user, 'tokens_1k');
  const session = real.stripe.session(checkout.providerReference);
  expect(await stripeOutcomeOf(real.t.http, real.stripe.event('checkout.session.completed', session))).toBe('credited');
  receive(account, 'credits', checkout.tokens);
  const purchase: PurchaseModel = {
    tokens: checkout.tokens,
    priceCents: checkout.priceCents,
    paymentIntent: session.payment_intent!,
    refundedCents: 0,
    reversed: 0,
    disputed: 0,
    dispute: 'none',
  };
  account.purchases.push(purchase);
  return purchase;
}

/** One of the account's purchases (`which`, modulo how many), bought first when it has none. */
async function purchaseOf(account: Account, real: Real, which: number): Promise<PurchaseModel> {
  if (account.purchases.length === 0) return buy(account, real);
  return account.purchases[which % account.purchases.length];
}

export class StripePurchaseCommand extends Step {
  constructor(readonly who: number) {
    super();
  }
  protected async apply(model: Model, real: Real): Promise<void> {
    await buy(model.accounts[this.who], real);
  }
  override toString(): string {
    return `purchase(${this.who})`;
  }
}

/** Refunds `cents` more of one of the account's purchases. */
export class RefundCommand extends Step {
  constructor(
    readonly who: number,
    readonly which: number,
    readonly cents: number,
  ) {
    super();
  }
  protected async apply(model: Model, real: Real): Promise<void> {
    const account = model.accounts[this.who];
    const purchase = await purchaseOf(account, real, this.which);
    const refunded = purchase.reversed - purchase.disputed;
    const charge = real.stripe.refund(purchase.paymentIntent, this.cents);
    purchase.refundedCents = charge.amount_refunded;
    const target = refundedTokens(purchase);
    const outcome = await stripeOutcomeOf(real.t.http, real.stripe.event('charge.refunded', charge));
    if (target <= refunded) return expect(outcome).toBe('ignored');
    // Tokens the dispute already took may be the refunded ones: they count as refunded now.
    purchase.disputed = Math.min(purchase.disputed, purchase.tokens - target);
    expect(outcome).toBe(reverseTo(account, purchase, target + purchase.disputed));
  }
  override toString(): string {
    return `refund(${this.who}, ${this.which}, ${this.cents})`;
  }
}

/** A dispute of one of the account's purchases: opened, then closed `won` or `lost`. */
export class DisputeCommand extends Step {
  constructor(
    readonly who: number,
    readonly which: number,
    readonly result: 'won' | 'lost',
  ) {
    super();
  }
  protected async apply(model: Model, real: Real): Promise<void> {
    const account = model.accounts[this.who];
    const purchase = await purchaseOf(account, real, this.which);
    const deliver = (type: string, status: string) =>
      stripeOutcomeOf(real.t.http, real.stripe.event(type, real.stripe.dispute(purchase.paymentIntent, status)));
    const refunded = purchase.reversed - purchase.disputed;
    const opened = await deliver('charge.dispute.created', 'needs_response');
    if (purchase.dispute === 'none') {
      // The whole purchase, as far as refunds did not take it already.
      purchase.disputed = purchase.tokens - refunded;
      expect(opened).toBe(reverseTo(account, purchase, purchase.tokens));
      purchase.dispute = 'open';
    } else expect(opened).toBe('ignored');
    const closed = await deliver('charge.dispute.closed', this.result);
    if (purchase.dispute !== 'open') return expect(closed).toBe('ignored');
    purchase.dispute = this.result;
    if (this.result === 'lost') return expect(closed).toBe('ignored');
    purchase.disputed = 0;
    expect(closed).toBe(reverseTo(account, purchase, refunded));
  }
  override toString(): string {
    return `dispute(${this.who}, ${this.which}, ${this.result})`;
  }
}
