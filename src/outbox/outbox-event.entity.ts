import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Where an outbox event goes: the user's alert webhook, or the operator's WEBHOOK_URL. */
export type OutboxDestination = 'user' | 'operator';

/**
 * An event recorded in the transaction of the ledger entry that caused it, delivered later (at least
 * once, in order per account and destination). `body` is the exact JSON that is posted and signed.
 */
@Entity('outbox_events')
@Index('idx_outbox_events_due', ['status', 'nextAttemptAt'])
@Index('idx_outbox_events_account', ['userId', 'destination', 'createdAt'])
export class OutboxEvent {
  /** The event's id, also `id` in its body: receivers de-duplicate by it. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'varchar', length: 16 })
  destination: OutboxDestination;

  @Column({ type: 'varchar', length: 64 })
  type: string;

  @Column({ type: 'text' })
  body: string;

  /** `pending` until delivered (`delivered`) or given up after the retry window (`failed`). */
  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: 'pending' | 'delivered' | 'failed';

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'next_attempt_at', type: 'datetime', precision: 3 })
  nextAttemptAt: Date;

  @Column({ name: 'last_attempt_at', type: 'datetime', precision: 3, nullable: true })
  lastAttemptAt: Date | null;
}
