import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DEFAULT_HOLD_TTL_SECONDS } from '../ledger/ledger-holds.js';
import { TokenLedger } from '../ledger/token-ledger.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from '../tokens-module-options.js';

/** The longest delay setTimeout and setInterval accept (2^31 - 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

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
    this.timer = setInterval(() => void this.run(), this.intervalMs).unref();
  }

  /**
   * A third of the TTL, at most what a Node timer can wait (about 24.8 days): a longer delay makes the
   * timer fire every millisecond. Renewing more often than needed is harmless.
   */
  get intervalMs(): number {
    return Math.min(((this.options.holdTtlSeconds ?? DEFAULT_HOLD_TTL_SECONDS) * 1000) / 3, MAX_TIMER_MS);
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
