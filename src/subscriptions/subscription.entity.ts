import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '@token-metering/database';

export enum SubscriptionStatus {
  Active = 'active',
  Canceled = 'canceled',
}

/** One subscription per user; a plan change updates it in place (the ledger keeps the history). */
@Entity('subscriptions')
@Index('idx_subscriptions_period_end', ['periodEnd'])
export class Subscription {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Column({ name: 'plan_code', type: 'varchar', length: 32 })
  planCode: string;

  /** Tokens per period granted by the plan; the seed of a missing token account. */
  @Column({ name: 'tokens_limit', type: 'bigint', transformer: bigintTransformer })
  tokensLimit: number;

  @Column({ type: 'varchar', length: 16, default: SubscriptionStatus.Active })
  status: SubscriptionStatus;

  @Column({ name: 'period_start', type: 'datetime', precision: 3 })
  periodStart: Date;

  @Column({ name: 'period_end', type: 'datetime', precision: 3 })
  periodEnd: Date;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
