import Stripe from 'stripe';
import type { TestUser } from './factories.js';
import { STRIPE_TEST_KEYS } from './fake-stripe.js';
import type { HttpClient } from './http-client.js';

export const STRIPE_WEBHOOK = '/billing/webhooks/stripe';

const sdk = new Stripe('sk_test_signing_only');

/** The answer of POST /billing/checkout with PAYMENT_PROVIDER=stripe. */
export interface StripeCheckout {
  purchaseId: string;
  status: string;
  packageCode: string;
  tokens: number;
  priceCents: number;
  currency: string;
  provider: string;
  providerReference: string;
  redirectUrl: string;
  completion: unknown;
}

export interface DeliveryOptions {
  /** The Stripe-Signature header to send instead of a valid one; null: none. */
  header?: string | null;
  secret?: string;
  timestamp?: number;
  /** The body to send instead of the event's pretty-printed JSON. */
  payload?: string;
}

/** Stripe's signature of `payload` (the SDK's own test helper). */
export function stripeSignature(payload: string, options: { secret?: string; timestamp?: number } = {}): string {
  return sdk.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? STRIPE_TEST_KEYS.STRIPE_WEBHOOK_SECRET,
    timestamp: options.timestamp,
  });
}

/** Posts the event the way Stripe does: pretty-printed JSON, signed over those exact bytes. */
export function deliverStripeEvent(http: HttpClient, event: unknown, options: DeliveryOptions = {}) {
  const payload = options.payload ?? JSON.stringify(event, null, 2);
  const header = options.header !== undefined ? options.header : stripeSignature(payload, options);
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (header !== null) headers['stripe-signature'] = header;
  return http.post(STRIPE_WEBHOOK, undefined, { raw: payload, headers });
}

/** Delivers the event and answers its outcome; the delivery must be a 200. */
export async function stripeOutcomeOf(http: HttpClient, event: unknown): Promise<string> {
  const response = await deliverStripeEvent(http, event);
  expect({ status: response.status, received: response.body?.received }).toEqual({ status: 200, received: true });
  return response.body.outcome;
}

export async function checkoutWithStripe(http: HttpClient, user: TestUser, packageCode = 'tokens_1k'): Promise<StripeCheckout> {
  const response = await http.post('/billing/checkout', { packageCode }, { token: user.token });
  expect(response.status).toBe(201);
  return response.body as StripeCheckout;
}
