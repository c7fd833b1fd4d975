import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DEFAULT_HOLD_TTL_SECONDS } from '../ledger/ledger-holds.js';
import { TokenLedger } from '../ledger/token-ledger.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from '../tokens-module-options.js';

/**
 * Keeps the holds of this process's running requests alive: every third of the hold TTL their expiry
 * moves a whole TTL ahead, so a stream that runs for an hour keeps its hold, while the hold of a
 * process that died expires one TTL after its last renewal (see HoldExpiryJob).
 */
@Injectable()
export class HoldRenewalJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HoldRenewalJob.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ledger: TokenLedger,
    @Inject(TOKENS_MODULE_OPTIONS) private readonly options: TokensModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = (this.options.holdTtlSeconds ?? DEFAULT_HOLD_TTL_SECONDS) / 3;
    this.timer = setInterval(() => void this.run(), seconds * 1000).unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
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
