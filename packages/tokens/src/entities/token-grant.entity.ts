import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '@token-metering/database';

/**
 * A promotional grant: tokens added to the credits bucket that are spent before other credits (by
 * `priority`, then soonest `expiresAt`, then oldest) and whose unspent rest is removed at `expiresAt`
 * by a `grant_expiry` entry. What is left of it is not stored: it is read from the ledger (GrantBurnDown),
 * so a debit stays one conditional statement on the account row.
 */
@Entity('token_grants')
@Index('idx_token_grants_user', ['payerId', 'entrySeq'])
export class TokenGrant {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  payerId: string;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  amount: number;

  /** 1 is spent first. */
  @Column({ type: 'int' })
  priority: number;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ type: 'varchar', length: 500 })
  reason: string;

  /** The `seq` of its `admin_grant` entry: where its history in the ledger starts. */
  @Column({ name: 'entry_seq', type: 'bigint', transformer: bigintTransformer })
  entrySeq: number;

  /** The `seq` of its `grant_expiry` entry, once written. */
  @Column({ name: 'expiry_seq', type: 'bigint', nullable: true, transformer: bigintTransformer })
  expirySeq: number | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
