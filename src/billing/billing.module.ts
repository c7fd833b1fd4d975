import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { Outbox } from '../outbox/outbox.js';
import { AutoTopUpAttempts } from './auto-top-up/auto-top-up-attempts.js';
import { AutoTopUpGateModule } from './auto-top-up/auto-top-up-gate.module.js';
import { AutoTopUpController } from './auto-top-up/auto-top-up.controller.js';
import { AutoTopUpService } from './auto-top-up/auto-top-up.service.js';
import { AutoTopUpWorker } from './auto-top-up/auto-top-up.worker.js';
import { BillingCustomers } from './auto-top-up/billing-customers.js';
import { PaymentIntentEvents } from './auto-top-up/payment-intent-events.js';
import { PurchaseSettlement } from './purchase-settlement.js';
import { BillingController } from './billing.controller.js';
import { BillingService } from './billing.service.js';
import { LocalPaymentProvider } from './local-payment.provider.js';
import { PaymentEvent } from './payment-event.entity.js';
import { PaymentEventPipe } from './payment-event.pipe.js';
import { PaymentEvents, paymentEventsCounter } from './payment-events.js';
import { PaymentProvider } from './payment-provider.js';
import { PaymentReversalsService } from './payment-reversals.service.js';
import { PaymentSignatureGuard } from './payment-signature.guard.js';
import { PaymentWebhookSigner } from './payment-webhook-signer.js';
import { Purchase } from './purchase.entity.js';
import { SignedWebhookOpenGuard } from './signed-webhook-open.guard.js';
import { StripePaymentProvider } from './stripe-payment.provider.js';
import { StripeWebhookService } from './stripe-webhook.service.js';
import { TokenPackage } from './token-package.entity.js';

/** The provider PAYMENT_PROVIDER names; null when it is unset (checkout answers 503). */
function paymentProviderFor(config: AppConfig, signer: PaymentWebhookSigner): PaymentProvider | null {
  switch (config.get('PAYMENT_PROVIDER')) {
    case 'local':
      return new LocalPaymentProvider(signer);
    case 'stripe':
      return new StripePaymentProvider(config);
    default:
      return null;
  }
}

/**
 * Token purchases: packages, checkout, the payment webhooks (signed generic events for the local
 * provider; Stripe's, with refunds and disputes), the purchase history and automatic top-up. PAYMENT_PROVIDER picks the PaymentProvider; a test may bind its own.
 */
@Module({
  imports: [TypeOrmModule.forFeature([TokenPackage, Purchase, PaymentEvent]), AutoTopUpGateModule],
  controllers: [BillingController, AutoTopUpController],
  providers: [
    BillingService,
    PurchaseSettlement,
    BillingCustomers,
    PaymentIntentEvents,
    AutoTopUpAttempts,
    AutoTopUpService,
    AutoTopUpWorker,
    Outbox,
    PaymentReversalsService,
    PaymentEvents,
    paymentEventsCounter,
    StripeWebhookService,
    PaymentWebhookSigner,
    SignedWebhookOpenGuard,
    PaymentSignatureGuard,
    PaymentEventPipe,
    { provide: PaymentProvider, inject: [AppConfig, PaymentWebhookSigner], useFactory: paymentProviderFor },
  ],
  exports: [BillingService],
})
export class BillingModule {}
