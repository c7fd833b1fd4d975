import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '@token-metering/database';

export enum HoldOutcome {
  Settled = 'settled',
  Released = 'released',
  Expired = 'expired',
}

/**
 * What a request whose price is known only after it ran reserved: taken out of the balance by its
 * `hold` entry, given back by a `hold_release` entry when it is closed, exactly once (settled with
 * the actual usage, released, or expired after HOLD_TTL_SECONDS).
 */
@Entity('token_holds')
@Index('idx_token_holds_open', ['closedAt', 'expiresAt'])
@Index('idx_token_holds_user', ['payerId'])
export class TokenHold {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  payerId: string;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  /** Tokens held (positive). */
  @Column({ type: 'bigint', transformer: bigintTransformer })
  amount: number;

  /** What the hold took from each bucket (negative); its release gives exactly this back. */
  @Column({ name: 'allowance_amount', type: 'bigint', transformer: bigintTransformer })
  allowanceAmount: number;

  @Column({ name: 'credits_amount', type: 'bigint', transformer: bigintTransformer })
  creditsAmount: number;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId: string | null;

  /** The Idempotency-Key claimed with the hold: freed when the hold expires (its request never answered). */
  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey: string | null;

  /** The spend limit the hold was counted against; cleared once its closing moved that limit's `spent`. */
  @Column({ name: 'limit_id', type: 'varchar', length: 64, nullable: true })
  limitId: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'closed_at', type: 'datetime', precision: 3, nullable: true })
  closedAt: Date | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  outcome: HoldOutcome | null;
}
