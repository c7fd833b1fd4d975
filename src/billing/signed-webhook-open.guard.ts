import { CanActivate, Inject, Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/app-error.js';
import { PaymentProvider } from './payment-provider.js';

/**
 * POST /billing/webhooks/payment exists only for a provider that reports through it (the local demo
 * one): its events say nothing about what was paid, so with Stripe anyone holding
 * PAYMENT_WEBHOOK_SECRET could otherwise credit a purchase Stripe never saw paid. Runs before the
 * signature check, so the answer is the same 404 whatever is sent.
 */
@Injectable()
export class SignedWebhookOpenGuard implements CanActivate {
  constructor(@Inject(PaymentProvider) private readonly provider: PaymentProvider | null) {}

  canActivate(): boolean {
    if (!this.provider?.reportsToSignedWebhook) {
      throw new AppError(
        ErrorCode.NOT_FOUND,
        `POST /billing/webhooks/payment is not available with PAYMENT_PROVIDER=${this.provider?.name ?? '(unset)'}: it serves the local provider only`,
      );
    }
    return true;
  }
}
