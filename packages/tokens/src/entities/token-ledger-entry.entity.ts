import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '@token-metering/database';

export enum LedgerEntryType {
  InitialGrant = 'initial_grant',
  Usage = 'usage',
  Refund = 'refund',
  AdminGrant = 'admin_grant',
  AdminDeduct = 'admin_deduct',
  PlanChange = 'plan_change',
  PeriodGrant = 'period_grant',
  Expiry = 'expiry',
  Purchase = 'purchase',
  /** Reserved by a request whose price is known only after it ran. */
  Hold = 'hold',
  /** A hold given back in full (settled, released or expired). */
  HoldRelease = 'hold_release',
  /** Tokens of a purchase taken back after its payment was refunded or disputed. */
  PurchaseReversal = 'purchase_reversal',
  /** Tokens of a disputed purchase given back when the dispute was won. */
  PurchaseReinstated = 'purchase_reinstated',
  /** Owed tokens repaid from tokens the account just received (right after the entry that brought them). */
  OwedRepayment = 'owed_repayment',
  /** What was left of a promotional grant at its `expiresAt`, removed (metadata `grantId`). */
  GrantExpiry = 'grant_expiry',
}

export type LedgerMetadata = Record<string, string | number | boolean | null>;

const jsonText = {
  to: (value: LedgerMetadata | null | undefined) => (value ? JSON.stringify(value) : null),
  from: (value: string | null) => (value ? (JSON.parse(value) as LedgerMetadata) : null),
};

/** Append-only: rows are never updated or deleted (database triggers refuse it). Corrections are new rows. */
/**
 * Keyed by (user, seq): an account's entries are stored together, numbered without gaps, and
 * every statement touches one user's rows, so the table shards by user_id.
 */
@Entity('token_ledger_entries')
@Index('uq_ledger_id', ['id'], { unique: true })
@Index('idx_ledger_user_time', ['payerId', 'createdAt', 'type', 'action', 'amount'])
export class TokenLedgerEntry {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  payerId: string;

  @PrimaryColumn({ type: 'bigint', transformer: bigintTransformer })
  seq: number;

  @Column({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  type: LedgerEntryType;

  @Column({ type: 'varchar', length: 64, nullable: true })
  action: string | null;

  /** Signed: negative for usage, deductions and expiry; positive for grants and refunds. */
  @Column({ type: 'bigint', transformer: bigintTransformer })
  amount: number;

  /** What the entry moved in each bucket; `amount = allowanceAmount + creditsAmount`. */
  @Column({ name: 'allowance_amount', type: 'bigint', default: 0, transformer: bigintTransformer })
  allowanceAmount: number;

  @Column({ name: 'credits_amount', type: 'bigint', default: 0, transformer: bigintTransformer })
  creditsAmount: number;

  @Column({ name: 'balance_after', type: 'bigint', transformer: bigintTransformer })
  balanceAfter: number;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId: string | null;

  /** The caller's own X-Request-Id, when it sent a well-formed one; `requestId` is always the server's. */
  @Column({ name: 'client_request_id', type: 'varchar', length: 64, nullable: true })
  clientRequestId: string | null;

  /** The admin (or other actor) who caused the entry, when it was not the user's own request. */
  @Column({ name: 'actor_id', type: 'varchar', length: 36, nullable: true })
  actorId: string | null;

  @Column({ type: 'text', nullable: true, transformer: jsonText })
  metadata: LedgerMetadata | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
