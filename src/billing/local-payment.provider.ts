import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PAYMENT_WEBHOOK_PATH, PaymentProvider, type ProviderEvent, type CheckoutSession } from './payment-provider.js';
import { PaymentWebhookSigner } from './payment-webhook-signer.js';
import type { Purchase } from './purchase.entity.js';

/**
 * A payment provider without a network or real money, for development, tests and demos
 * (PAYMENT_PROVIDER=local): the checkout hands the client a `payment.succeeded` event signed with
 * the webhook secret, and posting it to the webhook completes the purchase. Anyone can pay this
 * way, so the environment validation refuses it when NODE_ENV=production.
 */
@Injectable()
export class LocalPaymentProvider extends PaymentProvider {
  readonly name = 'local';
  override readonly reportsToSignedWebhook = true;

  constructor(private readonly signer: PaymentWebhookSigner) {
    super();
  }

  async createCheckout(purchase: Purchase): Promise<CheckoutSession> {
    const event: ProviderEvent = { id: `evt_local_${randomUUID()}`, type: 'payment.succeeded', data: { purchaseId: purchase.id } };
    const body = JSON.stringify(event);
    return {
      providerReference: `local_${randomUUID()}`,
      completion: { method: 'POST', webhookPath: PAYMENT_WEBHOOK_PATH, body, event, signature: this.signer.sign(body) },
    };
  }
}
