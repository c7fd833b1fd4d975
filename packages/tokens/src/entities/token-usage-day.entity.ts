import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '@token-metering/database';

/**
 * What an account spent on one closed UTC day, per action and model: derived from the ledger (its
 * `usage` and `refund` entries), which stays the source of truth. Written once per day and account
 * when a usage query first needs that day (see UsageRollup); never changed after.
 */
@Entity('token_usage_days')
export class TokenUsageDay {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  payerId: string;

  /** The UTC day, `YYYY-MM-DD`. */
  @PrimaryColumn({ type: 'date' })
  day: string;

  /** The entries' action ('' when they had none). */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  action: string;

  /** `metadata.model` of the usage entries (a refund: of the entry it refunds); '' when they had none. */
  @PrimaryColumn({ type: 'varchar', length: 128 })
  model: string;

  /** Net tokens spent: what the usage entries took minus what refunds gave back. */
  @Column({ type: 'bigint', transformer: bigintTransformer })
  tokens: number;

  /** Usage entries minus refund entries (a refund gives back a whole charge). */
  @Column({ type: 'bigint', transformer: bigintTransformer })
  requests: number;
}

/**
 * Which days of an account token_usage_days holds: every UTC day in `[rolledFrom, rolledUntil)`,
 * one contiguous range that only grows.
 */
@Entity('token_usage_rollups')
export class TokenUsageRollup {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  payerId: string;

  @Column({ name: 'rolled_from', type: 'date' })
  rolledFrom: string;

  @Column({ name: 'rolled_until', type: 'date' })
  rolledUntil: string;
}
