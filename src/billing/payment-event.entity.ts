import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A provider event, recorded once by its id: a second delivery of the same event changes nothing. */
@Entity('payment_events')
export class PaymentEvent {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  type: string;

  @Column({ name: 'purchase_id', type: 'varchar', length: 36, nullable: true })
  purchaseId: string | null;

  /** What the event did: credited, failed, ignored (already settled), unknown_purchase. */
  @Column({ type: 'varchar', length: 32 })
  outcome: string;

  @Column({ name: 'received_at', type: 'datetime', precision: 3 })
  receivedAt: Date;
}
