import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '@token-metering/database';

export enum PurchaseStatus {
  Pending = 'pending',
  Paid = 'paid',
  Failed = 'failed',
  /** A refund gave back part of the money; that share of the tokens was taken back. */
  PartiallyRefunded = 'partially_refunded',
  /** All the money was refunded; all the tokens were taken back. */
  Refunded = 'refunded',
  /** The buyer disputed the payment: every token not taken back yet was; a won dispute gives them back. */
  Disputed = 'disputed',
}

/** Where the purchase's dispute stands; `none` until the provider reports one. */
export enum DisputeStatus {
  None = 'none',
  Open = 'open',
  Won = 'won',
  Lost = 'lost',
}

/** A checkout of a token package; credited once, when the provider reports the payment. */
@Entity('purchases')
@Index('idx_purchases_user', ['userId', 'createdAt'])
@Index('idx_purchases_payment_intent', ['paymentIntentId'])
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

  /** In the smallest unit of `currency` (cents for usd). */
  @Column({ name: 'price_cents', type: 'int' })
  priceCents: number;

  /** ISO 4217 code in lower case, as Stripe writes it; copied from the package like the price. */
  @Column({ type: 'varchar', length: 3, default: 'usd' })
  currency: string;

  @Column({ type: 'varchar', length: 32 })
  status: PurchaseStatus;

  @Column({ type: 'varchar', length: 32 })
  provider: string;

  /** The provider's id of the payment started at checkout (Stripe: the Checkout Session id). */
  @Column({ name: 'provider_reference', type: 'varchar', length: 255, nullable: true })
  providerReference: string | null;

  /** The payment that paid it (Stripe: the Checkout Session's PaymentIntent): refunds and disputes name only this. */
  @Column({ name: 'payment_intent_id', type: 'varchar', length: 255, nullable: true })
  paymentIntentId: string | null;

  /** The `purchase` ledger entry that credited the tokens. */
  @Column({ name: 'ledger_entry_id', type: 'varchar', length: 36, nullable: true })
  ledgerEntryId: string | null;

  /** Tokens taken back by refunds and the dispute, less what a won dispute gave back. */
  @Column({ name: 'tokens_reversed', type: 'bigint', default: 0, transformer: bigintTransformer })
  tokensReversed: number;

  /** The part of `tokensReversed` the dispute took: what winning it gives back. */
  @Column({ name: 'tokens_disputed', type: 'bigint', default: 0, transformer: bigintTransformer })
  tokensDisputed: number;

  @Column({ name: 'dispute_status', type: 'varchar', length: 16, default: DisputeStatus.None })
  disputeStatus: DisputeStatus;

  /** Bought by automatic top-up (an off-session PaymentIntent), not at a checkout. */
  @Column({ type: 'boolean', default: false })
  automatic: boolean;

  /** A checkout that saves the buyer's card for automatic top-up (Stripe `setup_future_usage: off_session`). */
  @Column({ name: 'save_card', type: 'boolean', default: false })
  saveCard: boolean;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'completed_at', type: 'datetime', precision: 3, nullable: true })
  completedAt: Date | null;
}
