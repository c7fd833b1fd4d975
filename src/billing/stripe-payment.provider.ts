import Stripe from 'stripe';
import { AppConfig } from '../config/app-config.js';
import { PaymentProvider, type CheckoutSession, type PaymentNotice, type ReversalNotice } from './payment-provider.js';
import { stripeNoticeOf } from './stripe-event-notices.js';
import type { Purchase } from './purchase.entity.js';
import type { TokenPackage } from './token-package.entity.js';

export const STRIPE_WEBHOOK_PATH = '/billing/webhooks/stripe';

/** What Stripe answered to an off-session payment. */
export type OffSessionResult =
  | { outcome: 'created'; intentId: string; status: string }
  /** Stripe refused it for good (a declined card, a payment method that cannot be used): retrying cannot help. */
  | { outcome: 'declined'; intentId: string | null; code: string };

/**
 * Stripe Checkout (PAYMENT_PROVIDER=stripe): one Checkout Session per purchase, in `payment` mode,
 * priced in the package's currency, whose metadata names the purchase; Stripe reports the payment,
 * refunds and disputes to POST /billing/webhooks/stripe. Automatic top-ups are off-session
 * PaymentIntents charging the card a checkout saved.
 */
export class StripePaymentProvider extends PaymentProvider {
  readonly name = 'stripe';
  private readonly stripe: Stripe;
  private readonly webhookSecret: string;
  private readonly successUrl: string;
  private readonly cancelUrl: string;

  constructor(config: AppConfig) {
    super();
    const key = config.get('STRIPE_SECRET_KEY');
    const webhookSecret = config.get('STRIPE_WEBHOOK_SECRET');
    // The environment validation already refuses this; kept so a misbuilt config fails at start-up.
    if (!key || !webhookSecret) throw new Error('STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are required when PAYMENT_PROVIDER=stripe');
    const host = config.get('STRIPE_API_HOST');
    const port = config.get('STRIPE_API_PORT');
    const protocol = config.get('STRIPE_API_PROTOCOL');
    this.stripe = new Stripe(key, {
      maxNetworkRetries: 2,
      timeout: 20_000,
      ...(host !== undefined && { host }),
      ...(port !== undefined && { port }),
      ...(protocol !== undefined && { protocol }),
    });
    this.webhookSecret = webhookSecret;
    this.successUrl = config.get('STRIPE_SUCCESS_URL');
    this.cancelUrl = config.get('STRIPE_CANCEL_URL');
  }

  async createCheckout(purchase: Purchase, pkg: TokenPackage, options: { customerId?: string } = {}): Promise<CheckoutSession> {
    const metadata = { purchaseId: purchase.id };
    const session = await this.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: [
          { quantity: 1, price_data: { currency: purchase.currency, unit_amount: purchase.priceCents, product_data: { name: pkg.name } } },
        ],
        client_reference_id: purchase.id,
        metadata,
        ...(options.customerId
          ? { customer: options.customerId, payment_intent_data: { metadata, setup_future_usage: 'off_session' as const } }
          : { payment_intent_data: { metadata } }),
        success_url: this.successUrl,
        cancel_url: this.cancelUrl,
      },
      // A retried creation (network error, our own retry) returns the same session instead of a second one.
      { idempotencyKey: purchase.id },
    );
    if (!session.url) throw new Error(`Stripe answered Checkout Session ${session.id} without a url`);
    return { providerReference: session.id, redirectUrl: session.url };
  }

  /** A new Stripe customer for the user; the same one again when retried within Stripe's idempotency window. */
  async createCustomer(userId: string): Promise<string> {
    const customer = await this.stripe.customers.create({ metadata: { userId } }, { idempotencyKey: `customer-${userId}` });
    return customer.id;
  }

  /**
   * Charges a saved card without the buyer (an automatic top-up). The purchase id is the idempotency
   * key, so a retry after a crash or a lost answer gets the PaymentIntent already created, never a
   * second charge. Other failures (network, Stripe unavailable) are thrown: the attempt is retried.
   */
  async chargeOffSession(purchase: Purchase, customerId: string, paymentMethodId: string): Promise<OffSessionResult> {
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: purchase.priceCents,
          currency: purchase.currency,
          customer: customerId,
          payment_method: paymentMethodId,
          off_session: true,
          confirm: true,
          metadata: { purchaseId: purchase.id, userId: purchase.userId },
        },
        { idempotencyKey: purchase.id },
      );
      return { outcome: 'created', intentId: intent.id, status: intent.status };
    } catch (error) {
      const refused = error as { rawType?: string; code?: string; decline_code?: string; payment_intent?: { id?: string } };
      if (refused.rawType !== 'card_error' && refused.rawType !== 'invalid_request_error') throw error;
      return {
        outcome: 'declined',
        intentId: refused.payment_intent?.id ?? null,
        code: refused.decline_code || refused.code || refused.rawType,
      };
    }
  }

  /** The event, when `signature` is Stripe's signature of exactly these bytes; throws otherwise. */
  verify(rawBody: Buffer, signature: string): unknown {
    return this.stripe.webhooks.constructEvent(rawBody, signature, this.webhookSecret);
  }

  /** What a verified event means: a payment, a refund or dispute, or nothing (see stripeNoticeOf). */
  noticeOf(event: unknown): PaymentNotice | ReversalNotice {
    return stripeNoticeOf(event);
  }
}
