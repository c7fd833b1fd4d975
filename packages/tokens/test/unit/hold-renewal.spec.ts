import { HoldRenewalJob } from '../../src/jobs/hold-renewal.job.js';
import type { TokenLedger } from '../../src/ledger/token-ledger.js';

const jobWith = (holdTtlSeconds?: number) => new HoldRenewalJob({} as TokenLedger, { holdTtlSeconds } as never);

describe('HoldRenewalJob', () => {
  it('renews every third of the hold TTL', () => {
    expect(jobWith(900).intervalMs).toBe(300_000);
    expect(jobWith(86_400).intervalMs).toBe(28_800_000);
  });

  it('never asks a timer for more than it can wait, so a long TTL does not make it fire every millisecond', () => {
    expect(jobWith(100 * 86_400).intervalMs).toBe(2 ** 31 - 1);
  });
});
