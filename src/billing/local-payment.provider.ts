import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { PAYMENT_WEBHOOK_PATH, PaymentProvider, type ProviderEvent, type CheckoutSession } from './payment-provider.js';
import { PaymentWebhookSigner } from './payment-webhook-signer.js';
import type { Purchase } from './purchase.entity.js';

/**
 * A payment provider without a network or real money, for development, tests and demos: the
 * checkout hands the client a `payment.succeeded` event signed with the webhook secret, and
 * posting it to the webhook completes the purchase. In production it hands out nothing (a
 * signed success event would be free tokens for anyone): purchases then stay pending until the
 * payment system posts its own signed event.
 */
@Injectable()
export class LocalPaymentProvider extends PaymentProvider {
  readonly name = 'local';
  private readonly production: boolean;

  constructor(
    private readonly signer: PaymentWebhookSigner,
    config: AppConfig,
  ) {
    super();
    this.production = config.get('NODE_ENV') === 'production';
  }

  async createCheckout(purchase: Purchase): Promise<CheckoutSession> {
    const providerReference = `local_${randomUUID()}`;
    if (this.production) return { providerReference };
    const event: ProviderEvent = { id: `evt_local_${randomUUID()}`, type: 'payment.succeeded', data: { purchaseId: purchase.id } };
    const body = JSON.stringify(event);
    return {
      providerReference,
      completion: { method: 'POST', webhookPath: PAYMENT_WEBHOOK_PATH, body, event, signature: this.signer.sign(body) },
    };
  }
}
