import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DEFAULT_HOLD_TTL_SECONDS } from './ledger-holds.js';
import { TokenLedger } from './token-ledger.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from './tokens-module-options.js';

const JOB_NAME = 'token-hold-expiry';
const BATCH = 500;

/**
 * Releases the holds nobody settled (the process serving their request died) once they are older
 * than the hold TTL, checking every tenth of it (at most every minute). Every instance runs it; a
 * hold is claimed before it is released, so it is released once.
 */
@Injectable()
export class HoldExpiryJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HoldExpiryJob.name);
  private running: Promise<number> | null = null;

  constructor(
    private readonly ledger: TokenLedger,
    private readonly scheduler: SchedulerRegistry,
    @Inject(TOKENS_MODULE_OPTIONS) private readonly options: TokensModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    const ttl = this.options.holdTtlSeconds ?? DEFAULT_HOLD_TTL_SECONDS;
    const everyMs = Math.min(60, Math.max(1, ttl / 10)) * 1000;
    this.scheduler.addInterval(
      JOB_NAME,
      setInterval(() => void this.run().catch(() => undefined), everyMs),
    );
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', JOB_NAME)) this.scheduler.deleteInterval(JOB_NAME);
  }

  /** Releases every expired hold; returns how many. Overlapping calls share one run. */
  run(): Promise<number> {
    this.running ??= this.releaseAll().finally(() => (this.running = null));
    return this.running;
  }

  private async releaseAll(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const released = await this.ledger.releaseExpiredHolds(BATCH);
        total += released;
        if (released < BATCH) break;
      }
    } catch (error) {
      this.logger.error(`hold expiry stopped after ${total} holds: ${(error as Error).message}`);
      throw error;
    }
    if (total > 0) this.logger.warn(`released ${total} expired holds`);
    return total;
  }
}
