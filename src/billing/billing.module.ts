import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TokensModule } from '../tokens/tokens.module.js';
import { BillingController } from './billing.controller.js';
import { BillingService } from './billing.service.js';
import { LocalPaymentProvider } from './local-payment.provider.js';
import { PaymentEvent } from './payment-event.entity.js';
import { PaymentEventPipe } from './payment-event.pipe.js';
import { PaymentProvider } from './payment-provider.js';
import { PaymentSignatureGuard } from './payment-signature.guard.js';
import { PaymentWebhookSigner } from './payment-webhook-signer.js';
import { Purchase } from './purchase.entity.js';
import { TokenPackage } from './token-package.entity.js';

/**
 * Token purchases: packages, checkout, the signed payment webhook and the purchase history.
 * Bind another PaymentProvider subclass to take real payments.
 */
@Module({
  imports: [TypeOrmModule.forFeature([TokenPackage, Purchase, PaymentEvent]), TokensModule],
  controllers: [BillingController],
  providers: [BillingService, PaymentWebhookSigner, PaymentSignatureGuard, PaymentEventPipe, { provide: PaymentProvider, useClass: LocalPaymentProvider }],
  exports: [BillingService],
})
export class BillingModule {}
