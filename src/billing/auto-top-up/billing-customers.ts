import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock, execute, isUniqueViolation, TransactionRunner } from '@token-metering/database';
import { AppError, ErrorCode } from '../../common/app-error.js';
import { PaymentProvider } from '../payment-provider.js';
import { StripePaymentProvider } from '../stripe-payment.provider.js';
import { BillingCustomer } from './billing-customer.entity.js';

/** A card automatic top-up can charge: the Stripe customer and its saved payment method. */
export interface SavedCard {
  customerId: string;
  paymentMethodId: string;
}

/** Each user's Stripe customer (one, created at their first checkout that saves a card) and the card saved. */
@Injectable()
export class BillingCustomers {
  private readonly logger = new Logger(BillingCustomers.name);

  constructor(
    @Inject(PaymentProvider) private readonly provider: PaymentProvider | null,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  /** The user's Stripe customer, created on first use; undefined when payments do not go through Stripe (no card is saved then). */
  async customerIdFor(userId: string): Promise<string | undefined> {
    const provider = this.provider;
    if (!(provider instanceof StripePaymentProvider)) return undefined;
    const existing = await this.tx.manager.findOneBy(BillingCustomer, { userId });
    if (existing) return existing.stripeCustomerId;
    let customerId: string;
    try {
      customerId = await provider.createCustomer(userId);
    } catch (error) {
      this.logger.error(`creating the Stripe customer of ${userId} failed: ${(error as Error).message}`);
      throw new AppError(ErrorCode.SERVICE_FAILED, 'The payment provider could not start the payment; nothing was charged');
    }
    try {
      await this.tx.run((em) =>
        em.insert(BillingCustomer, { userId, stripeCustomerId: customerId, paymentMethodId: null, updatedAt: this.clock.now() }),
      );
      return customerId;
    } catch (error) {
      // A concurrent checkout stored it first (Stripe's idempotency key gave both the same customer).
      if (!isUniqueViolation(error)) throw error;
      return (await this.tx.manager.findOneByOrFail(BillingCustomer, { userId })).stripeCustomerId;
    }
  }

  /** The card saved for the user, or null. */
  async savedCardOf(userId: string, em: EntityManager = this.tx.manager): Promise<SavedCard | null> {
    const customer = await em.findOneBy(BillingCustomer, { userId });
    if (!customer?.paymentMethodId) return null;
    return { customerId: customer.stripeCustomerId, paymentMethodId: customer.paymentMethodId };
  }

  /** Saves the card a payment of `customerId` used, when that is the user's customer; false otherwise. */
  async saveCard(em: EntityManager, userId: string, customerId: string, paymentMethodId: string): Promise<boolean> {
    const changed = await execute(
      em,
      'UPDATE billing_customers SET payment_method_id = ?, updated_at = ? WHERE user_id = ? AND stripe_customer_id = ?',
      [paymentMethodId, this.clock.now(), userId, customerId],
    );
    return changed === 1;
  }
}
