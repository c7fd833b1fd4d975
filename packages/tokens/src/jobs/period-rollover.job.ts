import { Inject, Injectable } from '@nestjs/common';
import { BackgroundSweep } from './background-sweep.js';
import { TokenLedger } from '../ledger/token-ledger.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from '../tokens-module-options.js';

/**
 * Rolls ended periods in the background, so idle accounts get their expiry and monthly grant
 * on time too. Requests roll their own account's period anyway; both paths claim a period the
 * same way, so an account is never rolled twice for one period.
 */
@Injectable()
export class PeriodRolloverJob extends BackgroundSweep {
  constructor(
    private readonly ledger: TokenLedger,
    @Inject(TOKENS_MODULE_OPTIONS) private readonly options: TokensModuleOptions,
  ) {
    super('token-period-rollover');
  }

  protected intervalSeconds(): number {
    return this.options.rolloverIntervalSeconds ?? 60;
  }

  protected sweep(limit: number): Promise<number> {
    return this.ledger.rollDuePeriods(limit);
  }

  protected describe(total: number): string {
    return `rolled the period of ${total} accounts`;
  }
}
