import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '@token-metering/database';

/**
 * A user's spendable balance, in two buckets: `balance = allowance + credits`. Only
 * `AccountPostings` writes it, always with a conditional UPDATE and a ledger row in the same
 * transaction.
 */
@Entity('token_accounts')
@Check('chk_token_accounts_balance', 'balance >= 0')
@Check('chk_token_accounts_allowance', 'allowance >= 0')
@Check('chk_token_accounts_credits', 'credits >= 0')
@Check('chk_token_accounts_held', 'held >= 0')
@Check('chk_token_accounts_owed', 'owed >= 0')
@Index('idx_token_accounts_period_end', ['periodEnd'])
export class TokenAccount {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  payerId: string;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  balance: number;

  /** The plan's tokens of the current period; what exceeds the plan's rollover cap expires when it ends. */
  @Column({ type: 'bigint', default: 0, transformer: bigintTransformer })
  allowance: number;

  /** Purchased and admin-granted tokens; they never expire. Spent after the allowance. */
  @Column({ type: 'bigint', default: 0, transformer: bigintTransformer })
  credits: number;

  /**
   * The highest monthly allowance granted in the current period (the plan's tokens at its start,
   * raised by upgrades): an upgrade grants only what the new plan exceeds it by.
   */
  @Column({ name: 'period_allowance_granted', type: 'bigint', default: 0, transformer: bigintTransformer })
  periodAllowanceGranted: number;

  /**
   * What the latest statement whose split the database decides (a debit, a plan upgrade) moved in
   * the allowance. A charge takes the allowance first inside one UPDATE; the read of the row that
   * follows it gets the split from here, so no read before the UPDATE is needed.
   */
  @Column({ name: 'last_allowance_change', type: 'bigint', default: 0, transformer: bigintTransformer })
  lastAllowanceChange: number;

  /** The sum of the account's open holds: already taken out of the balance by their `hold` entries. */
  @Column({ type: 'bigint', default: 0, transformer: bigintTransformer })
  held: number;

  /**
   * Tokens the account could not pay: what a debit that cannot be refused (a reversed purchase, a
   * completion's actual price) found already spent. Tokens the account receives repay it first.
   */
  @Column({ type: 'bigint', default: 0, transformer: bigintTransformer })
  owed: number;

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

  /**
   * The soonest `expiresAt` of the account's promotional grants not yet expired (null: none). Like
   * `periodEnd`, debits only match an account before it, so the first one after it expires them first.
   */
  @Column({ name: 'grants_expire_at', type: 'datetime', precision: 3, nullable: true })
  grantsExpireAt: Date | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;

  /**
   * The statement that last charged several accounts at once (group commit) marks the rows it
   * changed with its own id: the read that follows it tells which accounts it charged.
   */
  @Column({ name: 'last_statement_id', type: 'varchar', length: 36, nullable: true })
  lastStatementId: string | null;
}
