import { Inject, Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/app-error.js';
import { BillingService } from './billing.service.js';
import type { WebhookOutcome } from './dto/webhooks.dto.js';
import { PaymentReversalsService } from './payment-reversals.service.js';
import { PaymentProvider } from './payment-provider.js';
import { isReversal, MalformedStripeEvent } from './stripe-event-notices.js';
import { StripePaymentProvider } from './stripe-payment.provider.js';

/**
 * POST /billing/webhooks/stripe: verifies Stripe-Signature over the raw body, then hands the event
 * to BillingService as a PaymentNotice (Checkout Sessions: the same settling rules as every other
 * provider's, once the session matches its purchase) or to PaymentReversalsService (refunds and
 * disputes). Answers 404 unless PAYMENT_PROVIDER=stripe.
 */
@Injectable()
export class StripeWebhookService {
  constructor(
    @Inject(PaymentProvider) private readonly provider: PaymentProvider | null,
    private readonly billing: BillingService,
    private readonly reversals: PaymentReversalsService,
  ) {}

  async handle(rawBody: Buffer | undefined, signature: unknown): Promise<WebhookOutcome> {
    if (!(this.provider instanceof StripePaymentProvider)) {
      throw new AppError(ErrorCode.NOT_FOUND, 'Stripe payments are not configured on this server (PAYMENT_PROVIDER is not stripe)');
    }
    let event: unknown;
    try {
      if (typeof signature !== 'string' || signature.length === 0) throw new Error('missing');
      event = this.provider.verify(rawBody ?? Buffer.alloc(0), signature);
    } catch {
      throw invalid(
        'Stripe-Signature',
        "Missing or invalid Stripe-Signature: it must be Stripe's signature of the raw body with STRIPE_WEBHOOK_SECRET",
      );
    }
    let notice: ReturnType<StripePaymentProvider['noticeOf']>;
    try {
      notice = this.provider.noticeOf(event);
    } catch (error) {
      if (error instanceof MalformedStripeEvent) throw invalid('body', `The signed body is ${error.message}`);
      throw error;
    }
    return isReversal(notice) ? this.reversals.apply(notice) : this.billing.applyNotice(notice);
  }
}

function invalid(field: string, message: string): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, message, { details: [{ field, errors: [message] }] });
}
