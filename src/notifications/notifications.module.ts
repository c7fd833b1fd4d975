import { Module } from '@nestjs/common';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module.js';
import { LowBalanceWebhookListener } from './low-balance-webhook.listener.js';
import { LowBalanceDetector } from './low-balance.detector.js';
import { DEFAULT_WEBHOOK_DELIVERY, WEBHOOK_DELIVERY_OPTIONS, WebhookSender } from './webhook.sender.js';

/**
 * Low-balance notifications: `tokens.low_balance` and `tokens.depleted` events decided from each
 * committed charge, and, when WEBHOOK_URL is set, a signed webhook for each of them.
 */
@Module({
  imports: [SubscriptionsModule],
  providers: [
    LowBalanceDetector,
    LowBalanceWebhookListener,
    WebhookSender,
    { provide: WEBHOOK_DELIVERY_OPTIONS, useValue: DEFAULT_WEBHOOK_DELIVERY },
  ],
  exports: [WebhookSender],
})
export class NotificationsModule {}
