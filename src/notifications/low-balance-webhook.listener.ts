import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { LowBalanceEvents } from './low-balance.events.js';
import type { TokensDepletedEvent, TokensLowBalanceEvent } from './low-balance.events.js';
import { WebhookSender } from './webhook.sender.js';

/** With WEBHOOK_URL set, posts every low-balance and depleted event to it as `{ id, type, createdAt, data }`. */
@Injectable()
export class LowBalanceWebhookListener {
  constructor(private readonly webhook: WebhookSender) {}

  @OnEvent(LowBalanceEvents.LowBalance)
  lowBalance(event: TokensLowBalanceEvent): void {
    this.webhook.send(LowBalanceEvents.LowBalance, event);
  }

  @OnEvent(LowBalanceEvents.Depleted)
  depleted(event: TokensDepletedEvent): void {
    this.webhook.send(LowBalanceEvents.Depleted, event);
  }
}
