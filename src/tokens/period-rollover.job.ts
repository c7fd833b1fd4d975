import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { TokenLedger } from './token-ledger.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from './tokens-module-options.js';

const JOB_NAME = 'token-period-rollover';
const BATCH = 500;

/**
 * Rolls ended periods in the background, so idle accounts get their expiry and monthly grant
 * on time too. Requests roll their own account's period anyway; both paths claim a period the
 * same way, so an account is never rolled twice for one period.
 */
@Injectable()
export class PeriodRolloverJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PeriodRolloverJob.name);
  private running: Promise<number> | null = null;

  constructor(
    private readonly ledger: TokenLedger,
    private readonly scheduler: SchedulerRegistry,
    @Inject(TOKENS_MODULE_OPTIONS) private readonly options: TokensModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.options.rolloverIntervalSeconds ?? 60;
    if (seconds > 0)
      this.scheduler.addInterval(
        JOB_NAME,
        setInterval(() => void this.run().catch(() => undefined), seconds * 1000),
      );
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', JOB_NAME)) this.scheduler.deleteInterval(JOB_NAME);
  }

  /** Rolls every account whose period has ended; returns how many. Overlapping calls share one run. */
  run(): Promise<number> {
    this.running ??= this.rollAll().finally(() => (this.running = null));
    return this.running;
  }

  private async rollAll(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const rolled = await this.ledger.rollDuePeriods(BATCH);
        total += rolled;
        if (rolled < BATCH) break;
      }
    } catch (error) {
      this.logger.error(`period rollover stopped after ${total} accounts: ${(error as Error).message}`);
      throw error;
    }
    if (total > 0) this.logger.log(`rolled the period of ${total} accounts`);
    return total;
  }
}
