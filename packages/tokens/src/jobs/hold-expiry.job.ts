import { Inject, Injectable } from '@nestjs/common';
import { BackgroundSweep } from './background-sweep.js';
import { DEFAULT_HOLD_TTL_SECONDS } from '../ledger/ledger-holds.js';
import { TokenLedger } from '../ledger/token-ledger.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from '../tokens-module-options.js';

/**
 * Releases the holds nobody settled (the process serving their request died) once they are older
 * than the hold TTL, checking every tenth of it (at most every minute). Every instance runs it; a
 * hold is claimed before it is released, so it is released once.
 */
@Injectable()
export class HoldExpiryJob extends BackgroundSweep {
  constructor(
    private readonly ledger: TokenLedger,
    @Inject(TOKENS_MODULE_OPTIONS) private readonly options: TokensModuleOptions,
  ) {
    super('token-hold-expiry');
  }

  protected intervalSeconds(): number {
    return Math.min(60, Math.max(1, (this.options.holdTtlSeconds ?? DEFAULT_HOLD_TTL_SECONDS) / 10));
  }

  protected sweep(limit: number): Promise<number> {
    return this.ledger.releaseExpiredHolds(limit);
  }

  protected describe(total: number): string {
    return `released ${total} expired holds`;
  }
}
