import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DEFAULT_HOLD_TTL_SECONDS } from './ledger-holds.js';
import { TokenLedger } from './token-ledger.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from './tokens-module-options.js';

const JOB = 'token-hold-renewal';

/**
 * Keeps the holds of this process's running requests alive: every third of the hold TTL their expiry
 * moves a whole TTL ahead, so a stream that runs for an hour keeps its hold, while the hold of a
 * process that died expires one TTL after its last renewal (see HoldExpiryJob).
 */
@Injectable()
export class HoldRenewalJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HoldRenewalJob.name);

  constructor(
    private readonly ledger: TokenLedger,
    private readonly scheduler: SchedulerRegistry,
    @Inject(TOKENS_MODULE_OPTIONS) private readonly options: TokensModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = (this.options.holdTtlSeconds ?? DEFAULT_HOLD_TTL_SECONDS) / 3;
    this.scheduler.addInterval(
      JOB,
      setInterval(() => void this.run(), seconds * 1000),
    );
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', JOB)) this.scheduler.deleteInterval(JOB);
  }

  async run(): Promise<number> {
    try {
      return await this.ledger.renewRunningHolds();
    } catch (error) {
      // The next run tries again; the expiry is still two thirds of a TTL away.
      this.logger.error(`holds of running requests not renewed: ${(error as Error).message}`);
      return 0;
    }
  }
}
