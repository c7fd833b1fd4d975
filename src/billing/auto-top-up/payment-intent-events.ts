import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '../../common/app-error.js';
import { WebhookOutcome } from '../dto/webhooks.dto.js';
import type { AppliedEvent } from '../payment-events.js';
import { PaymentResult, type IntentClaim } from '../payment-provider.js';
import { FAILABLE, PurchaseSettlement } from '../purchase-settlement.js';
import { Purchase, PurchaseStatus } from '../purchase.entity.js';
import { AutoTopUpAttempts } from './auto-top-up-attempts.js';
import { BillingCustomers } from './billing-customers.js';

/**
 * Stripe's PaymentIntent events. For an automatic top-up they settle the purchase like a Checkout
 * Session settles a checkout's: only the PaymentIntent created for it, for its amount and currency,
 * credits it, once. For a checkout that saves the card, the success names the card to save.
 */
@Injectable()
export class PaymentIntentEvents {
  constructor(
    private readonly settlement: PurchaseSettlement,
    private readonly attempts: AutoTopUpAttempts,
    private readonly customers: BillingCustomers,
  ) {}

  async apply(em: EntityManager, purchaseId: string, intent: IntentClaim, result: PaymentResult): Promise<AppliedEvent> {
    const applied = (outcome: WebhookOutcome, differences?: string[]): AppliedEvent => ({ outcome, purchaseId, differences });
    const purchase = await em.findOneBy(Purchase, { id: purchaseId });
    if (!purchase) return applied(WebhookOutcome.UnknownPurchase);
    if (!purchase.automatic) return applied(await this.saveCard(em, purchase, intent, result));
    if (purchase.providerReference === null && purchase.status === PurchaseStatus.Pending) {
      // Stripe's event outran the worker recording the PaymentIntent it just created: a non-2xx answer makes Stripe deliver it again.
      throw new AppError(
        ErrorCode.CONFLICT,
        `The PaymentIntent of purchase ${purchaseId} is not recorded yet; deliver the event again later`,
      );
    }
    const differences = intentMismatches(purchase, intent, result);
    if (differences.length > 0) return applied(WebhookOutcome.Mismatch, differences);
    if (result === PaymentResult.Succeeded) {
      const afterFailure = purchase.status === PurchaseStatus.Failed;
      const from = afterFailure ? [PurchaseStatus.Failed] : [PurchaseStatus.Pending];
      if (!(await this.settlement.settle(em, purchaseId, PurchaseStatus.Paid, from))) return applied(WebhookOutcome.Ignored);
      await this.settlement.credit(em, purchaseId, intent.intentId);
      await this.attempts.paid(em, purchase, afterFailure);
      return applied(WebhookOutcome.Credited);
    }
    if (result === PaymentResult.Failed && (await this.settlement.settle(em, purchaseId, PurchaseStatus.Failed, FAILABLE))) {
      await this.attempts.failed(em, purchase, intent.failureCode ?? 'payment_failed');
      return applied(WebhookOutcome.Failed);
    }
    return applied(WebhookOutcome.Ignored);
  }

  /** A checkout's payment succeeded with `setup_future_usage: off_session` as the user's customer: its card is saved. */
  private async saveCard(em: EntityManager, purchase: Purchase, intent: IntentClaim, result: PaymentResult): Promise<WebhookOutcome> {
    if (result !== PaymentResult.Succeeded || !purchase.saveCard) return WebhookOutcome.Ignored;
    const { customerId, paymentMethodId, setupFutureUsage } = intent;
    if (setupFutureUsage !== 'off_session' || !customerId || !paymentMethodId) return WebhookOutcome.Ignored;
    return (await this.customers.saveCard(em, purchase.userId, customerId, paymentMethodId))
      ? WebhookOutcome.CardSaved
      : WebhookOutcome.Ignored;
  }
}

/** Why a PaymentIntent event cannot settle an automatic top-up's purchase; empty when it can. */
function intentMismatches(purchase: Purchase, intent: IntentClaim, result: PaymentResult): string[] {
  const differences: string[] = [];
  if (intent.intentId === null || intent.intentId !== purchase.providerReference) {
    differences.push(
      `payment intent ${intent.intentId ?? '(none)'} is not ${purchase.providerReference ?? '(none)'}, the one created for it`,
    );
  }
  if (result === PaymentResult.Failed) return differences;
  if (intent.amount !== purchase.priceCents) differences.push(`amount_received ${intent.amount ?? '(none)'}, not ${purchase.priceCents}`);
  if (intent.currency !== purchase.currency) differences.push(`currency ${intent.currency ?? '(none)'}, not ${purchase.currency}`);
  return differences;
}
