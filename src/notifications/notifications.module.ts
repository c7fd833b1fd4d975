import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { LowBalanceDetector } from './low-balance.detector.js';

/**
 * Low-balance notifications: `tokens.low_balance` and `tokens.depleted` decided with each ledger
 * entry, emitted once committed, and, when WEBHOOK_URL is set, delivered to it through the outbox.
 * Exports what the app's LedgerWatcher uses.
 */
@Module({
  imports: [OutboxModule, AlertsModule],
  providers: [LowBalanceDetector],
  exports: [LowBalanceDetector, AlertsModule],
})
export class NotificationsModule {}
