import { Injectable } from '@nestjs/common';
import { AccountPolicy } from '../../src/index.js';

const MONTH = 30 * 24 * 3600 * 1000;

/**
 * The suites' account policy: every payer opens with 1,000 tokens for a 30-day period, each period
 * grants 1,000, nothing rolls over, one price tier (`flat`). Payers named `ghost-*` have no terms
 * (nobody pays for them).
 */
@Injectable()
export class MonthlyThousandTokens extends AccountPolicy {
  static readonly TOKENS = 1000;
  private readonly paying = (payerId: string) => !payerId.startsWith('ghost');

  openingTerms = async (payerId: string) =>
    this.paying(payerId) ? { allowance: MonthlyThousandTokens.TOKENS, periodEnd: this.nextPeriodEnd(new Date()), tier: 'flat' } : null;
  nextPeriodEnd = (start: Date) => new Date(start.getTime() + MONTH);
  periodTerms = async () => ({ grant: MonthlyThousandTokens.TOKENS, rolloverCap: 0, tier: 'flat' });
  periodRolled = async () => undefined;
  priceTierOf = async () => 'flat';
  tierExists = async (tier: string) => tier === 'flat';
  payerExists = async (payerId: string) => this.paying(payerId);
  summary = async () => ({
    tier: 'flat',
    periodAllowance: MonthlyThousandTokens.TOKENS,
    periodStart: new Date(),
    periodEnd: this.nextPeriodEnd(new Date()),
  });
}
