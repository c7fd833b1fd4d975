import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LedgerWatcher, type WrittenEntry } from '@token-metering/tokens';
import { AlertThresholdCrossings } from '../alerts/alert-threshold.crossings.js';
import { LowBalanceDetector } from './low-balance.detector.js';

/** The app's view of every ledger entry, in its transaction: the operator's low-balance events and users' alerts. */
@Injectable()
export class AppLedgerWatcher extends LedgerWatcher {
  constructor(
    private readonly lowBalance: LowBalanceDetector,
    private readonly alerts: AlertThresholdCrossings,
  ) {
    super();
  }

  async written(em: EntityManager, entries: readonly WrittenEntry[]): Promise<void> {
    await this.lowBalance.written(em, entries);
    await this.alerts.written(em, entries);
  }
}
