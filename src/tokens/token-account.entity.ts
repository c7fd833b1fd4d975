import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../database/bigint.transformer.js';

/**
 * A user's spendable balance. Only `TypeormTokenLedger` writes it, always with a
 * conditional UPDATE and a ledger row in the same transaction.
 */
@Entity('token_accounts')
@Check('chk_token_accounts_balance', 'balance >= 0')
@Index('idx_token_accounts_period_end', ['periodEnd'])
export class TokenAccount {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  balance: number;

  @Column({ name: 'used_this_period', type: 'bigint', default: 0, transformer: bigintTransformer })
  usedThisPeriod: number;

  /** Sequence number of the account's latest ledger entry; the next entry takes this + 1. */
  @Column({ name: 'ledger_seq', type: 'bigint', transformer: bigintTransformer })
  ledgerSeq: number;

  /**
   * End of the period `usedThisPeriod` counts (a copy of the subscription's). Charges only match
   * an account whose period is running, so the first charge after it ends rolls the period first.
   */
  @Column({ name: 'period_end', type: 'datetime', precision: 3 })
  periodEnd: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
