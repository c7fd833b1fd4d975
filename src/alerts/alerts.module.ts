import { Module } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module.js';
import { AlertThresholdCrossings } from './alert-threshold.crossings.js';
import { AlertsController } from './alerts.controller.js';
import { AlertsService } from './alerts.service.js';

/** Users' balance alerts: PUT/GET /alerts, and their crossings written to the outbox with the ledger entries. */
@Module({
  imports: [OutboxModule],
  controllers: [AlertsController],
  providers: [AlertsService, AlertThresholdCrossings],
  exports: [AlertThresholdCrossings],
})
export class AlertsModule {}
