import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '@token-metering/database';

/** The periods a spend limit counts in: a UTC day, a calendar month (UTC), or ever. */
export type SpendLimitPeriod = 'day' | 'month' | 'total';

export const SPEND_LIMIT_PERIODS: readonly SpendLimitPeriod[] = ['day', 'month', 'total'];

/**
 * The most a sub-identity of a payer (e.g. one of its API keys) may spend in a period. `spent` is
 * what it spent in the period starting at `periodStart`; the debit that finds the period ended
 * starts the next one from 0. Only SpendLimitPostings moves `spent`, with conditional UPDATEs.
 */
@Entity('token_spend_limits')
@Index('idx_token_spend_limits_user', ['payerId'])
export class TokenSpendLimit {
  @PrimaryColumn({ name: 'limit_id', type: 'varchar', length: 64 })
  limitId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  payerId: string;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  tokens: number;

  @Column({ type: 'varchar', length: 8 })
  period: SpendLimitPeriod;

  @Column({ type: 'bigint', default: 0, transformer: bigintTransformer })
  spent: number;

  @Column({ name: 'period_start', type: 'datetime', precision: 3 })
  periodStart: Date;
}
