import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { execute } from '@token-metering/database';
import { TokensService } from '@token-metering/tokens';
import { WebhookOutcome } from './dto/webhooks.dto.js';
import { PaymentEvents, type AppliedEvent } from './payment-events.js';
import { ReversalKind, type ReversalNotice } from './payment-provider.js';
import { planReversal, type ReversalState } from './purchase-reversal-plan.js';
import { Purchase } from './purchase.entity.js';

/** Stable `reason` codes on `purchase_reversal` entries. */
export const ReversalReason = {
  Refunded: 'CHARGE_REFUNDED',
  Disputed: 'CHARGE_DISPUTED',
} as const;

/** Each failed attempt means another event for the purchase committed first; that cannot go on for long. */
const MAX_ATTEMPTS = 50;

/**
 * Refunds and disputes of paid purchases (PAYMENT_PROVIDER=stripe). They name only the payment, so
 * the purchase is the one that payment paid for (recorded when it was credited). Each event moves
 * the purchase with one conditional UPDATE that holds only if the purchase is still as it was read;
 * the tokens it takes back (`purchase_reversal`: credits first, then allowance, never below 0, the
 * rest owed) or gives back (`purchase_reinstated`, repaying owed tokens first) are posted in the same
 * transaction as that UPDATE and the event's row. So whatever the number, order or concurrency of
 * events, a purchase's tokens are taken back at most once.
 */
@Injectable()
export class PaymentReversalsService {
  constructor(
    private readonly events: PaymentEvents,
    private readonly tokens: TokensService,
  ) {}

  /** Applies one (signature-checked) refund or dispute event, exactly once per event id. */
  apply(notice: ReversalNotice): Promise<WebhookOutcome> {
    return this.events.applyOnce({ id: notice.id, type: notice.type, purchaseId: null }, (em) => this.reverse(em, notice));
  }

  private async reverse(em: EntityManager, notice: ReversalNotice): Promise<AppliedEvent> {
    const unknown: AppliedEvent = { outcome: WebhookOutcome.UnknownPurchase, purchaseId: null };
    if (notice.paymentIntentId === null) return unknown;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const purchase = await em.findOneBy(Purchase, { paymentIntentId: notice.paymentIntentId });
      if (!purchase) return unknown;
      const applied = (outcome: WebhookOutcome, differences?: string[]): AppliedEvent => ({
        outcome,
        purchaseId: purchase.id,
        differences,
      });
      const plan = planReversal(purchase, notice);
      if (plan.kind === 'mismatch') return applied(WebhookOutcome.Mismatch, plan.differences);
      if (plan.kind === 'none') return applied(WebhookOutcome.Ignored);
      if (!(await this.move(em, purchase, plan.next))) continue;
      const { userId, id: purchaseId } = purchase;
      if (plan.take > 0) {
        const reason = notice.kind === ReversalKind.Refund ? ReversalReason.Refunded : ReversalReason.Disputed;
        await this.tokens.reversePurchase(em, { payerId: userId, tokens: plan.take, purchaseId, reason, eventId: notice.id });
        return applied(WebhookOutcome.Reversed);
      }
      if (plan.give > 0) {
        await this.tokens.reinstatePurchase(em, { payerId: userId, tokens: plan.give, purchaseId, eventId: notice.id });
        return applied(WebhookOutcome.Reinstated);
      }
      return applied(WebhookOutcome.Ignored);
    }
    throw new Error(`purchase of payment ${notice.paymentIntentId} changed under event ${notice.id} ${MAX_ATTEMPTS} times in a row`);
  }

  /** Moves the purchase from the state it was read in to `next`; false when another event moved it first. */
  private async move(em: EntityManager, from: Purchase, next: ReversalState): Promise<boolean> {
    const changed = await execute(
      em,
      `UPDATE purchases SET status = ?, tokens_reversed = ?, tokens_disputed = ?, dispute_status = ?
       WHERE id = ? AND status = ? AND tokens_reversed = ? AND tokens_disputed = ? AND dispute_status = ?`,
      [
        next.status,
        next.tokensReversed,
        next.tokensDisputed,
        next.disputeStatus,
        from.id,
        from.status,
        from.tokensReversed,
        from.tokensDisputed,
        from.disputeStatus,
      ],
    );
    return changed === 1;
  }
}
