import type { Purchase } from './purchase.entity.js';
import type { TokenPackage } from './token-package.entity.js';

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

/** What a provider event says about the payment of a purchase. */
export enum PaymentResult {
  /** The money was taken: the purchase is credited, even after an earlier failure. */
  Succeeded = 'succeeded',
  /** The payment failed or was abandoned: a pending purchase fails, a paid one stays paid. */
  Failed = 'failed',
  /** The buyer finished the checkout but the money is not there yet (delayed payment methods). */
  Awaiting = 'awaiting',
}

/**
 * What a Checkout Session says was paid, as the event carries it (null where a field is missing or
 * not of its type). A purchase trusts it only when it matches (checkout-session-match.ts).
 */
export interface SessionClaim {
  sessionId: string | null;
  /** Stripe's `payment_status`: `paid`, `unpaid` or `no_payment_required`. */
  paymentStatus: string | null;
  /** In the smallest unit of `currency`. */
  amountTotal: number | null;
  currency: string | null;
  /** The payment that paid the session: recorded on the purchase, refunds and disputes name only this. */
  paymentIntentId: string | null;
}

/**
 * A provider event reduced to what settles a purchase: what every webhook (the signed generic
 * one, Stripe's) hands to BillingService, so the settling rules exist once.
 */
export interface PaymentNotice {
  /** The provider's event id: each one is applied once. */
  id: string;
  /** The provider's event type, recorded as it came (at most 64 characters). */
  type: string;
  /** The purchase the event is about; null when it names none of ours. */
  purchaseId: string | null;
  /** Null for an event that says nothing about a payment: it is recorded as ignored. */
  result: PaymentResult | null;
  /** What the provider says was paid (Stripe); the local provider's signed events carry none. */
  session?: SessionClaim;
  /** What a Stripe PaymentIntent event says was paid (automatic top-ups; the card a checkout saved). */
  intent?: IntentClaim;
}

/** A Stripe PaymentIntent as its event carries it (null where a field is missing or not of its type). */
export interface IntentClaim {
  intentId: string | null;
  /** In the smallest unit of `currency`: `amount_received` for a success, `amount` otherwise. */
  amount: number | null;
  currency: string | null;
  customerId: string | null;
  paymentMethodId: string | null;
  /** `off_session` when the payment saves its card for later payments without the buyer. */
  setupFutureUsage: string | null;
  /** Why it failed (`last_payment_error`'s decline code or code), for the failure event. */
  failureCode: string | null;
}

export enum ReversalKind {
  /** Money given back: `amountRefunded` of `amount` so far, cumulative over partial refunds. */
  Refund = 'refund',
  DisputeOpened = 'dispute_opened',
  DisputeClosed = 'dispute_closed',
}

/**
 * A refund or dispute of a payment, as the provider reported it. It names only the payment
 * (Stripe: the PaymentIntent), which leads to the purchase that payment paid for.
 */
export type ReversalNotice = { id: string; type: string; paymentIntentId: string | null } & (
  | { kind: ReversalKind.Refund; amount: number | null; amountRefunded: number | null; currency: string | null }
  | { kind: ReversalKind.DisputeOpened }
  /** `disputeStatus`: Stripe's, e.g. `won`, `lost` or `warning_closed` (an inquiry that ended without a chargeback). */
  | { kind: ReversalKind.DisputeClosed; disputeStatus: string | null }
);

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
 * The payment provider port, and its injection token (bound to null when PAYMENT_PROVIDER is
 * unset: checkout then answers 503). The provider takes the money and later reports the result
 * to a webhook (POST /billing/webhooks/payment with a signed event, or Stripe's own); the
 * purchase is credited only then.
 */
export abstract class PaymentProvider {
  /** Stored on each purchase (`provider`), at most 32 characters. */
  abstract readonly name: string;

  /**
   * Whether this provider reports payments through POST /billing/webhooks/payment. Only then does
   * that route exist: its events carry no amount to check, so no other provider's purchase may be
   * settled through it.
   */
  readonly reportsToSignedWebhook: boolean = false;

  /**
   * Starts the payment of a pending purchase of `pkg`; a rejected promise fails the checkout. With
   * `customerId` (a purchase that saves the card) the payment is made as that customer and saves the card.
   */
  abstract createCheckout(purchase: Purchase, pkg: TokenPackage, options?: { customerId?: string }): Promise<CheckoutSession>;
}
