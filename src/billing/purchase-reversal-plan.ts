import { ReversalKind, type ReversalNotice } from './payment-provider.js';
import { DisputeStatus, PurchaseStatus, type Purchase } from './purchase.entity.js';

/** The part of a purchase that refunds and disputes change. */
export type ReversalState = Pick<Purchase, 'status' | 'tokensReversed' | 'tokensDisputed' | 'disputeStatus'>;

export type ReversalPlan =
  | { kind: 'mismatch'; differences: string[] }
  /** Nothing to change: an older or repeated refund, a dispute already known, a status that settles nothing. */
  | { kind: 'none' }
  /** Move the purchase to `next`, taking back `take` tokens or giving back `give`. */
  | { kind: 'change'; next: ReversalState; take: number; give: number };

/** Dispute statuses that end a dispute with the money kept: won, or an inquiry closed without a chargeback. */
const KEPT = new Set(['won', 'warning_closed']);

/**
 * What a refund or dispute does to a purchase, from the purchase as it is now. Everything is
 * derived from the event's own figures, never added to what is stored, so an event applied twice
 * or late (an older refund with a smaller cumulative amount) takes nothing more.
 *
 * - A refund of `amountRefunded` of `amount` so far takes back ceil(tokens * amountRefunded /
 *   amount) in total: the difference from what refunds took before.
 * - An opened dispute takes back everything not taken yet, and remembers how much (`tokensDisputed`).
 * - A dispute won gives back what it took; a lost one keeps it. A dispute closed before its
 *   opening was heard of is remembered, so the late opening changes nothing.
 */
export function planReversal(purchase: Purchase, notice: ReversalNotice): ReversalPlan {
  const refunded = purchase.tokensReversed - purchase.tokensDisputed;
  const dispute = purchase.disputeStatus;
  switch (notice.kind) {
    case ReversalKind.Refund: {
      const target = refundedTokens(purchase, notice);
      if (typeof target !== 'number') return { kind: 'mismatch', differences: target };
      if (target <= refunded) return { kind: 'none' };
      // Tokens the dispute already took may be the refunded ones: they count as refunded now.
      const disputed = Math.min(purchase.tokensDisputed, purchase.tokens - target);
      return change(purchase, { tokensReversed: target + disputed, tokensDisputed: disputed, disputeStatus: dispute }, target);
    }
    case ReversalKind.DisputeOpened:
      if (dispute !== DisputeStatus.None) return { kind: 'none' };
      return disputeAll(purchase, DisputeStatus.Open, refunded);
    case ReversalKind.DisputeClosed: {
      const status = notice.disputeStatus ?? '';
      if (status === 'lost') {
        if (dispute === DisputeStatus.None) return disputeAll(purchase, DisputeStatus.Lost, refunded);
        if (dispute !== DisputeStatus.Open) return { kind: 'none' };
        return change(
          purchase,
          { tokensReversed: purchase.tokensReversed, tokensDisputed: purchase.tokensDisputed, disputeStatus: DisputeStatus.Lost },
          refunded,
        );
      }
      if (!KEPT.has(status) || (dispute !== DisputeStatus.None && dispute !== DisputeStatus.Open)) return { kind: 'none' };
      return change(purchase, { tokensReversed: refunded, tokensDisputed: 0, disputeStatus: DisputeStatus.Won }, refunded);
    }
  }
}

function disputeAll(purchase: Purchase, disputeStatus: DisputeStatus, refunded: number): ReversalPlan {
  const disputed = purchase.tokens - refunded;
  return change(purchase, { tokensReversed: purchase.tokens, tokensDisputed: disputed, disputeStatus }, refunded);
}

function change(purchase: Purchase, next: Omit<ReversalState, 'status'>, refunded: number): ReversalPlan {
  const moved = next.tokensReversed - purchase.tokensReversed;
  return {
    kind: 'change',
    next: { ...next, status: statusOf(purchase.tokens, refunded, next.disputeStatus) },
    take: Math.max(moved, 0),
    give: Math.max(-moved, 0),
  };
}

function statusOf(tokens: number, refunded: number, dispute: DisputeStatus): PurchaseStatus {
  if (dispute === DisputeStatus.Open || dispute === DisputeStatus.Lost) return PurchaseStatus.Disputed;
  if (refunded >= tokens) return PurchaseStatus.Refunded;
  return refunded > 0 ? PurchaseStatus.PartiallyRefunded : PurchaseStatus.Paid;
}

/**
 * Tokens the refunds so far take back in total, rounded up; or what makes the refunded charge not
 * the payment of this purchase (its amount and currency are the purchase's price).
 */
function refundedTokens(
  purchase: Purchase,
  refund: { amount: number | null; amountRefunded: number | null; currency: string | null },
): number | string[] {
  const differences: string[] = [];
  if (refund.amount !== purchase.priceCents) differences.push(`charge amount ${refund.amount ?? '(none)'}, not ${purchase.priceCents}`);
  if (refund.currency !== purchase.currency) differences.push(`charge currency ${refund.currency ?? '(none)'}, not ${purchase.currency}`);
  if (refund.amountRefunded === null || refund.amountRefunded > purchase.priceCents) {
    differences.push(`amount_refunded ${refund.amountRefunded ?? '(none)'}, not between 0 and ${purchase.priceCents}`);
  }
  if (differences.length > 0) return differences;
  if (purchase.priceCents === 0) return 0;
  // Exact integer arithmetic: tokens times cents can pass Number.MAX_SAFE_INTEGER.
  const paid = BigInt(purchase.priceCents);
  return Number((BigInt(purchase.tokens) * BigInt(refund.amountRefunded!) + paid - 1n) / paid);
}
