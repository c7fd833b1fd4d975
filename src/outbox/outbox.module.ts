import { Module } from '@nestjs/common';
import { AfterCommit } from './after-commit.js';
import { AppConfig } from '../config/app-config.js';
import { Outbox } from './outbox.js';
import { OutboxClaims } from './outbox-claims.js';
import { OUTBOX_DELIVERY_OPTIONS, outboxDeliveryOptionsOf } from './outbox-delivery-options.js';
import { OutboxDeliveryWorker } from './outbox-delivery.worker.js';
import { OutboxDestinations } from './outbox-destinations.js';

/** Events written with the ledger entries that caused them (`Outbox.add`) and their delivery on every instance. */
@Module({
  providers: [
    AfterCommit,
    Outbox,
    OutboxClaims,
    OutboxDestinations,
    OutboxDeliveryWorker,
    { provide: OUTBOX_DELIVERY_OPTIONS, inject: [AppConfig], useFactory: outboxDeliveryOptionsOf },
  ],
  exports: [AfterCommit, Outbox, OutboxDestinations],
})
export class OutboxModule {}
