import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '@token-metering/database';

/** Where the last automatic top-up stands: queued for the worker, sent to Stripe, or settled by its webhook. */
export enum AttemptStatus {
  Pending = 'pending',
  Processing = 'processing',
  Paid = 'paid',
  Failed = 'failed',
}

/**
 * A user's automatic top-up. At most one attempt is in flight (`inFlightPurchaseId`); `spentCents`
 * counts the attempts of `spentMonth` (UTC, `YYYY-MM`) that are in flight or paid.
 */
@Entity('auto_top_ups')
@Index('idx_auto_top_ups_attempts', ['lastAttemptStatus', 'claimedUntil'])
export class AutoTopUpSetting {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'boolean', default: false })
  enabled: boolean;

  @Column({ name: 'threshold_tokens', type: 'bigint', transformer: bigintTransformer })
  thresholdTokens: number;

  @Column({ name: 'package_code', type: 'varchar', length: 32 })
  packageCode: string;

  @Column({ name: 'monthly_limit_cents', type: 'int' })
  monthlyLimitCents: number;

  @Column({ name: 'spent_month', type: 'varchar', length: 7, nullable: true })
  spentMonth: string | null;

  @Column({ name: 'spent_cents', type: 'int', default: 0 })
  spentCents: number;

  @Column({ name: 'in_flight_purchase_id', type: 'varchar', length: 36, nullable: true })
  inFlightPurchaseId: string | null;

  /** Until when a worker owns the pending attempt; after that any instance may take it over. */
  @Column({ name: 'claimed_until', type: 'datetime', precision: 3, nullable: true })
  claimedUntil: Date | null;

  @Column({ name: 'last_attempt_at', type: 'datetime', precision: 3, nullable: true })
  lastAttemptAt: Date | null;

  @Column({ name: 'last_attempt_status', type: 'varchar', length: 16, nullable: true })
  lastAttemptStatus: AttemptStatus | null;

  @Column({ name: 'last_attempt_purchase_id', type: 'varchar', length: 36, nullable: true })
  lastAttemptPurchaseId: string | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

/** The calendar month (UTC) of `at`, as stored in `spent_month`. */
export const monthOf = (at: Date): string => at.toISOString().slice(0, 7);
