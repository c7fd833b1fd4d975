import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Where an outbox event goes: the user's alert webhook, or the operator's WEBHOOK_URL. */
export type OutboxDestination = 'user' | 'operator';

export type OutboxStatus = 'pending' | 'delivered' | 'failed';

/**
 * An event recorded in the transaction of the ledger entry that caused it, delivered later (at least
 * once, in order per account and destination). `body` is the exact JSON that is posted and signed.
 *
 * `seq` orders the events of an account: they are written under the account's row lock, so the
 * database hands out their numbers in the order they commit.
 */
@Entity('outbox_events')
@Index('uq_outbox_events_id', ['id'], { unique: true })
@Index('idx_outbox_events_due', ['status', 'nextAttemptAt'])
@Index('idx_outbox_events_account', ['userId', 'destination', 'status', 'seq'])
export class OutboxEvent {
  @PrimaryGeneratedColumn({ type: 'integer' })
  seq: number;

  /** The event's id, also `id` in its body: receivers de-duplicate by it. */
  @Column({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'varchar', length: 16 })
  destination: OutboxDestination;

  @Column({ type: 'varchar', length: 64 })
  type: string;

  @Column({ type: 'text' })
  body: string;

  /** `pending` until delivered (`delivered`) or given up (`failed`: the retry window passed, or nowhere to send it). */
  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: OutboxStatus;

  /** Attempts started; an attempt whose process died counts too. */
  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  /** When the next attempt is due; while an attempt runs, the end of its lease (then anyone may try again). */
  @Column({ name: 'next_attempt_at', type: 'datetime', precision: 3 })
  nextAttemptAt: Date;

  @Column({ name: 'last_attempt_at', type: 'datetime', precision: 3, nullable: true })
  lastAttemptAt: Date | null;

  /** Set by the claim of the running attempt: only its owner records the outcome. */
  @Column({ name: 'claim_id', type: 'varchar', length: 36, nullable: true })
  claimId: string | null;

  @Column({ name: 'last_error', type: 'varchar', length: 255, nullable: true })
  lastError: string | null;
}
