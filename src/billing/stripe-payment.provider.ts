import Stripe from 'stripe';
import { AppConfig } from '../config/app-config.js';
import { PaymentProvider, type CheckoutSession, type PaymentNotice, type ReversalNotice } from './payment-provider.js';
import { stripeNoticeOf } from './stripe-event-notices.js';
import type { Purchase } from './purchase.entity.js';
import type { TokenPackage } from './token-package.entity.js';

export const STRIPE_WEBHOOK_PATH = '/billing/webhooks/stripe';

/**
 * Stripe Checkout (PAYMENT_PROVIDER=stripe): one Checkout Session per purchase, in `payment` mode,
 * priced in the package's currency, whose metadata names the purchase; Stripe reports the payment,
 * refunds and disputes to POST /billing/webhooks/stripe.
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

  async createCheckout(purchase: Purchase, pkg: TokenPackage): Promise<CheckoutSession> {
    const session = await this.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: [
          { quantity: 1, price_data: { currency: purchase.currency, unit_amount: purchase.priceCents, product_data: { name: pkg.name } } },
        ],
        client_reference_id: purchase.id,
        metadata: { purchaseId: purchase.id },
        payment_intent_data: { metadata: { purchaseId: purchase.id } },
        success_url: this.successUrl,
        cancel_url: this.cancelUrl,
      },
      // A retried creation (network error, our own retry) returns the same session instead of a second one.
      { idempotencyKey: purchase.id },
    );
    if (!session.url) throw new Error(`Stripe answered Checkout Session ${session.id} without a url`);
    return { providerReference: session.id, redirectUrl: session.url };
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
