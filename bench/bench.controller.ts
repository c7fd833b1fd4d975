import { Controller, Post } from '@nestjs/common';
import { SkipTokens, TokenCost } from '../src/tokens/index.js';

export const METERED_ACTION = 'bench_echo';

/**
 * Two identical trivial handlers. Both go through the same global guards (the caller must
 * authenticate); only the second one is metered, so the difference between them is the cost
 * of metering: price lookup, the charge transaction, the settlement interceptor, event logs.
 */
@Controller('bench')
export class BenchController {
  @Post('unmetered')
  @SkipTokens()
  unmetered(): { ok: true } {
    return { ok: true };
  }

  @Post('metered')
  @TokenCost(METERED_ACTION, 1)
  metered(): { ok: true } {
    return { ok: true };
  }
}
