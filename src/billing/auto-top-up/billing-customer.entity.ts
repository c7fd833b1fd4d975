import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A user's Stripe customer, created at their first checkout that saves a card, and the card saved. */
@Entity('billing_customers')
export class BillingCustomer {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Column({ name: 'stripe_customer_id', type: 'varchar', length: 255 })
  stripeCustomerId: string;

  /** The payment method automatic top-up charges off-session; null until a checkout saved one. */
  @Column({ name: 'payment_method_id', type: 'varchar', length: 255, nullable: true })
  paymentMethodId: string | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
