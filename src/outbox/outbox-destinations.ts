import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@token-metering/database';
import { AlertSetting } from '../alerts/alert-setting.entity.js';
import { AppConfig } from '../config/app-config.js';
import type { OutboxDestination } from './outbox-event.entity.js';

export interface WebhookTarget {
  url: string;
  secret: string;
}

/**
 * Where an event goes, looked up at each attempt: the operator's WEBHOOK_URL signed with
 * WEBHOOK_SECRET, or the user's alert webhook signed with their current signing secret (a user who
 * changes it gets pending events signed with the new one). Null when there is nowhere to send it.
 */
@Injectable()
export class OutboxDestinations {
  private readonly operator: WebhookTarget | null;

  constructor(
    config: AppConfig,
    private readonly tx: TransactionRunner,
  ) {
    const url = config.get('WEBHOOK_URL');
    const secret = config.get('WEBHOOK_SECRET');
    this.operator = url && secret ? { url, secret } : null;
  }

  get operatorConfigured(): boolean {
    return this.operator !== null;
  }

  async targetOf(destination: OutboxDestination, userId: string): Promise<WebhookTarget | null> {
    if (destination === 'operator') return this.operator;
    const setting = await this.tx.manager.findOneBy(AlertSetting, { userId });
    return setting ? { url: setting.webhookUrl, secret: setting.signingSecret } : null;
  }
}
