import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '@token-metering/database';

/**
 * What an account spent on one UTC day, per action and model: derived from the ledger (its `usage` and
 * `refund` entries), which stays the source of truth. Summed when a usage query first needs the day;
 * the day the rolled-up stretch ends in is partial and grows as the stretch moves on (see UsageRollup).
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
 * What token_usage_days holds of an account: every entry from the start of day `rolledFrom` to the
 * time `rolledUntil` (excluded), one stretch that only grows.
 */
@Entity('token_usage_rollups')
export class TokenUsageRollup {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  payerId: string;

  @Column({ name: 'rolled_from', type: 'date' })
  rolledFrom: string;

  @Column({ name: 'rolled_until', type: 'datetime', precision: 3 })
  rolledUntil: Date;
}
