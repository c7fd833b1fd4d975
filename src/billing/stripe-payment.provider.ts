import Stripe from 'stripe';
import { AppConfig } from '../config/app-config.js';
import { PaymentProvider, PaymentResult, type CheckoutSession, type PaymentNotice } from './payment-provider.js';
import type { Purchase } from './purchase.entity.js';
import type { TokenPackage } from './token-package.entity.js';

export const STRIPE_WEBHOOK_PATH = '/billing/webhooks/stripe';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT_ID = /^[\x21-\x7e]{1,255}$/;
/** What payment_events.type holds; Stripe's event types are dotted lower-case words. */
const EVENT_TYPE = /^[a-z0-9_.]{1,64}$/;

/** The Checkout Session events that settle a purchase, and what each says about the payment. */
const SESSION_EVENTS: Record<string, (session: Record<string, unknown>) => PaymentResult> = {
  // Card payments are paid when the checkout completes; delayed methods (bank debits) report later.
  'checkout.session.completed': (session) =>
    session.payment_status === 'paid' || session.payment_status === 'no_payment_required'
      ? PaymentResult.Succeeded
      : PaymentResult.Awaiting,
  'checkout.session.async_payment_succeeded': () => PaymentResult.Succeeded,
  'checkout.session.async_payment_failed': () => PaymentResult.Failed,
  'checkout.session.expired': () => PaymentResult.Failed,
};

/** A Stripe event that is not a well-formed event although its signature is right. */
export class MalformedStripeEvent extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Stripe Checkout (PAYMENT_PROVIDER=stripe): one Checkout Session per purchase, in `payment` mode,
 * whose metadata names the purchase; Stripe reports the payment to POST /billing/webhooks/stripe.
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
        line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: purchase.priceCents, product_data: { name: pkg.name } } }],
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

  /** What a verified event means for a purchase; other event types settle nothing. */
  noticeOf(event: unknown): PaymentNotice {
    if (
      !isObject(event) ||
      typeof event.id !== 'string' ||
      !EVENT_ID.test(event.id) ||
      typeof event.type !== 'string' ||
      !EVENT_TYPE.test(event.type)
    ) {
      throw new MalformedStripeEvent('not a Stripe event: it needs an id and a type');
    }
    const resultOf = SESSION_EVENTS[event.type];
    if (!resultOf) return { id: event.id, type: event.type, purchaseId: null, result: null };
    const session = isObject(event.data) && isObject(event.data.object) ? event.data.object : {};
    return { id: event.id, type: event.type, purchaseId: purchaseIdOf(session), result: resultOf(session) };
  }
}

/** The purchase a Checkout Session was created for: its metadata, else its client_reference_id. */
function purchaseIdOf(session: Record<string, unknown>): string | null {
  const fromMetadata = isObject(session.metadata) ? session.metadata.purchaseId : undefined;
  for (const candidate of [fromMetadata, session.client_reference_id]) {
    if (typeof candidate === 'string' && UUID.test(candidate)) return candidate.toLowerCase();
  }
  return null;
}
