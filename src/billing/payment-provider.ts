import type { Purchase } from './purchase.entity.js';

/** Where payment events are delivered, relative to the API's base URL. */
export const PAYMENT_WEBHOOK_PATH = '/billing/webhooks/payment';

export const PAYMENT_EVENT_TYPES = ['payment.succeeded', 'payment.failed'] as const;
export type PaymentEventType = (typeof PAYMENT_EVENT_TYPES)[number];

/** What a payment provider sends to the webhook once the buyer paid (or the payment failed). */
export interface ProviderEvent {
  id: string;
  type: PaymentEventType;
  data: { purchaseId: string };
}

/**
 * A request the client sends itself to complete a payment: the exact body, and its
 * X-Signature. Only providers without a hosted payment page (the local one) return it.
 */
export interface CheckoutCompletion {
  method: 'POST';
  webhookPath: string;
  /** The raw body to send, byte for byte: the signature covers these bytes. */
  body: string;
  /** `body`, parsed. */
  event: ProviderEvent;
  /** Value of the X-Signature header. */
  signature: string;
}

/** What the provider answers when a checkout starts: how the buyer completes the payment. */
export interface CheckoutSession {
  /** The provider's id of this payment (session, intent, invoice...). */
  providerReference: string;
  /** A hosted payment page to send the buyer to, when the provider has one. */
  redirectUrl?: string;
  /** A signed event the client posts to the webhook to complete the payment (local provider). */
  completion?: CheckoutCompletion;
}

/**
 * The payment provider port, and its injection token. The provider takes the money and later
 * reports the result to POST /billing/webhooks/payment with a signed event; the purchase is
 * credited only then. Bind another subclass to use a real payment service.
 */
export abstract class PaymentProvider {
  /** Stored on each purchase (`provider`), at most 32 characters. */
  abstract readonly name: string;

  /** Starts the payment of a pending purchase; a rejected promise fails the checkout. */
  abstract createCheckout(purchase: Purchase): Promise<CheckoutSession>;
}
