import {
  PaymentResult,
  ReversalKind,
  type IntentClaim,
  type PaymentNotice,
  type ReversalNotice,
  type SessionClaim,
} from './payment-provider.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Stripe's ids (events, sessions, payment intents): visible ASCII, at most what payment_events and purchases store. */
const STRIPE_ID = /^[\x21-\x7e]{1,255}$/;
/** What payment_events.type holds; Stripe's event types are dotted lower-case words. */
const EVENT_TYPE = /^[a-z0-9_.]{1,64}$/;

/** The Checkout Session events that settle a purchase, and what each says about the payment. */
const SESSION_EVENTS: Record<string, (session: Record<string, unknown>) => PaymentResult> = {
  // Card payments are paid when the checkout completes; delayed methods (bank debits) report later.
  // Any other status claims a payment, so it must be `paid` (a 100% discount's no_payment_required pays nothing).
  'checkout.session.completed': (session) => (session.payment_status === 'unpaid' ? PaymentResult.Awaiting : PaymentResult.Succeeded),
  'checkout.session.async_payment_succeeded': () => PaymentResult.Succeeded,
  'checkout.session.async_payment_failed': () => PaymentResult.Failed,
  'checkout.session.expired': () => PaymentResult.Failed,
};

/** The PaymentIntent events that settle an automatic top-up (and save the card a checkout paid with). */
const INTENT_EVENTS: Record<string, PaymentResult> = {
  'payment_intent.succeeded': PaymentResult.Succeeded,
  'payment_intent.payment_failed': PaymentResult.Failed,
};

/** A Stripe event that is not a well-formed event although its signature is right. */
export class MalformedStripeEvent extends Error {}

/** What a verified Stripe event means: a payment of a purchase, a refund or dispute of one, or nothing (result null). */
export function stripeNoticeOf(event: unknown): PaymentNotice | ReversalNotice {
  if (
    !isObject(event) ||
    typeof event.id !== 'string' ||
    !STRIPE_ID.test(event.id) ||
    typeof event.type !== 'string' ||
    !EVENT_TYPE.test(event.type)
  ) {
    throw new MalformedStripeEvent('not a Stripe event: it needs an id and a type');
  }
  const { id, type } = event;
  const object = isObject(event.data) && isObject(event.data.object) ? event.data.object : {};
  const resultOf = SESSION_EVENTS[type];
  if (resultOf) return { id, type, purchaseId: purchaseIdOf(object), result: resultOf(object), session: sessionClaimOf(object) };
  const intentResult = INTENT_EVENTS[type];
  if (intentResult)
    return { id, type, purchaseId: purchaseIdOf(object), result: intentResult, intent: intentClaimOf(object, intentResult) };

  const paymentIntentId = idOf(object.payment_intent);
  switch (type) {
    case 'charge.refunded':
      return {
        id,
        type,
        paymentIntentId,
        kind: ReversalKind.Refund,
        amount: amountOf(object.amount),
        amountRefunded: amountOf(object.amount_refunded),
        currency: currencyOf(object.currency),
      };
    case 'charge.dispute.created':
      return { id, type, paymentIntentId, kind: ReversalKind.DisputeOpened };
    case 'charge.dispute.closed':
      return { id, type, paymentIntentId, kind: ReversalKind.DisputeClosed, disputeStatus: wordOf(object.status) };
    default:
      return { id, type, purchaseId: null, result: null };
  }
}

export function isReversal(notice: PaymentNotice | ReversalNotice): notice is ReversalNotice {
  return 'kind' in notice;
}

function sessionClaimOf(session: Record<string, unknown>): SessionClaim {
  return {
    sessionId: idOf(session.id),
    paymentStatus: wordOf(session.payment_status),
    amountTotal: amountOf(session.amount_total),
    currency: currencyOf(session.currency),
    paymentIntentId: idOf(session.payment_intent),
  };
}

function intentClaimOf(intent: Record<string, unknown>, result: PaymentResult): IntentClaim {
  const error = isObject(intent.last_payment_error) ? intent.last_payment_error : {};
  return {
    intentId: idOf(intent.id),
    amount: amountOf(result === PaymentResult.Succeeded ? intent.amount_received : intent.amount),
    currency: currencyOf(intent.currency),
    customerId: idOf(intent.customer),
    paymentMethodId: idOf(intent.payment_method),
    setupFutureUsage: wordOf(intent.setup_future_usage),
    failureCode: wordOf(error.decline_code) ?? wordOf(error.code),
  };
}

/** The purchase a Checkout Session (or a PaymentIntent) was created for: its metadata, else its client_reference_id. */
function purchaseIdOf(session: Record<string, unknown>): string | null {
  const fromMetadata = isObject(session.metadata) ? session.metadata.purchaseId : undefined;
  for (const candidate of [fromMetadata, session.client_reference_id]) {
    if (typeof candidate === 'string' && UUID.test(candidate)) return candidate.toLowerCase();
  }
  return null;
}

/** A Stripe id, or the id of an expanded object. */
function idOf(value: unknown): string | null {
  const id = isObject(value) ? value.id : value;
  return typeof id === 'string' && STRIPE_ID.test(id) ? id : null;
}

function amountOf(value: unknown): number | null {
  return Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : null;
}

/** Stripe writes ISO currency codes in lower case. */
function currencyOf(value: unknown): string | null {
  return typeof value === 'string' && /^[a-zA-Z]{3}$/.test(value) ? value.toLowerCase() : null;
}

/** A status word, short enough for a log line. */
function wordOf(value: unknown): string | null {
  return typeof value === 'string' && /^[a-z_]{1,64}$/.test(value) ? value : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
