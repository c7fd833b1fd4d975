import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock, TransactionRunner } from '@token-metering/database';
import { LedgerWatcher, type WrittenEntry } from '@token-metering/tokens';
import { AlertThresholdCrossings } from '../alerts/alert-threshold.crossings.js';
import { AutoTopUpGate } from '../billing/auto-top-up/auto-top-up.gate.js';
import { AutoTopUpTrigger } from '../billing/auto-top-up/auto-top-up.trigger.js';
import { LowBalanceDetector } from './low-balance.detector.js';

/**
 * The app's view of every ledger entry, in its transaction: the operator's low-balance events,
 * users' alerts and automatic top-ups. Built in TokensModule, so the top-up trigger gets the
 * TransactionRunner that runs the ledger's transactions (its after-commit callback needs it).
 */
@Injectable()
export class AppLedgerWatcher extends LedgerWatcher {
  private readonly autoTopUp: AutoTopUpTrigger;

  constructor(
    private readonly lowBalance: LowBalanceDetector,
    private readonly alerts: AlertThresholdCrossings,
    gate: AutoTopUpGate,
    clock: Clock,
    tx: TransactionRunner,
  ) {
    super();
    this.autoTopUp = new AutoTopUpTrigger(gate, clock, tx);
  }

  async written(em: EntityManager, entries: readonly WrittenEntry[]): Promise<void> {
    await this.lowBalance.written(em, entries);
    await this.alerts.written(em, entries);
    await this.autoTopUp.written(em, entries);
  }
}
