import { PaymentResult, type SessionClaim } from './payment-provider.js';
import type { Purchase } from './purchase.entity.js';

/**
 * Why a Checkout Session event cannot settle `purchase`; empty when it can. Whoever starts a session
 * on the same Stripe account (a payment link, another integration) chooses its client_reference_id
 * and metadata, and Stripe signs its events all the same. So a session settles a purchase only when
 * it is the one created for that purchase at checkout, and credits it only when it is paid in full,
 * in the purchase's currency.
 */
export function sessionMismatches(
  purchase: Pick<Purchase, 'providerReference' | 'priceCents' | 'currency'>,
  session: SessionClaim,
  result: PaymentResult,
): string[] {
  const differences: string[] = [];
  if (purchase.providerReference === null || session.sessionId !== purchase.providerReference) {
    differences.push(`session ${shown(session.sessionId)} is not ${shown(purchase.providerReference)}, the one created at checkout`);
  }
  // A failure only ever moves a pending purchase to failed: its own session is enough to say so.
  if (result === PaymentResult.Failed) return differences;
  if (result === PaymentResult.Succeeded && session.paymentStatus !== 'paid') {
    differences.push(`payment_status ${shown(session.paymentStatus)}, not paid`);
  }
  if (session.amountTotal !== purchase.priceCents)
    differences.push(`amount_total ${shown(session.amountTotal)}, not ${purchase.priceCents}`);
  if (session.currency !== purchase.currency) differences.push(`currency ${shown(session.currency)}, not ${purchase.currency}`);
  return differences;
}

function shown(value: string | number | null): string {
  return value === null ? '(none)' : String(value);
}
