import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../database/bigint.transformer.js';

export enum PurchaseStatus {
  Pending = 'pending',
  Paid = 'paid',
  Failed = 'failed',
}

/** A checkout of a token package; credited once, when the provider reports the payment. */
@Entity('purchases')
@Index('idx_purchases_user', ['userId', 'createdAt'])
export class Purchase {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Column({ name: 'package_code', type: 'varchar', length: 32 })
  packageCode: string;

  /** Copied from the package at checkout, so a later price change does not alter it. */
  @Column({ type: 'bigint', transformer: bigintTransformer })
  tokens: number;

  @Column({ name: 'price_cents', type: 'int' })
  priceCents: number;

  @Column({ type: 'varchar', length: 16 })
  status: PurchaseStatus;

  @Column({ type: 'varchar', length: 32 })
  provider: string;

  @Column({ name: 'provider_reference', type: 'varchar', length: 255, nullable: true })
  providerReference: string | null;

  /** The `purchase` ledger entry that credited the tokens. */
  @Column({ name: 'ledger_entry_id', type: 'varchar', length: 36, nullable: true })
  ledgerEntryId: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'completed_at', type: 'datetime', precision: 3, nullable: true })
  completedAt: Date | null;
}
