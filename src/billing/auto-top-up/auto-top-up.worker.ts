import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock, execute, selectRows, TransactionRunner } from '@token-metering/database';
import { AppConfig } from '../../config/app-config.js';
import { PaymentProvider } from '../payment-provider.js';
import { Purchase } from '../purchase.entity.js';
import { StripePaymentProvider } from '../stripe-payment.provider.js';
import { AutoTopUpAttempts } from './auto-top-up-attempts.js';
import { AttemptStatus } from './auto-top-up.entity.js';
import { AutoTopUpGate } from './auto-top-up.gate.js';
import { BillingCustomers } from './billing-customers.js';

const BATCH = 50;

/**
 * Sends the attempts the ledger watcher started to Stripe, on every instance. An instance takes an
 * attempt with a conditional UPDATE (a claim that lasts AUTO_TOP_UP_CLAIM_SECONDS), so one instance
 * handles it at a time; an instance that died, or a Stripe call that failed on the way, leaves the
 * claim to expire and another run sends it again with the same idempotency key (the purchase id):
 * Stripe answers with the PaymentIntent it already created, and the card is charged once.
 */
@Injectable()
export class AutoTopUpWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AutoTopUpWorker.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    @Inject(PaymentProvider) private readonly provider: PaymentProvider | null,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly customers: BillingCustomers,
    private readonly attempts: AutoTopUpAttempts,
    private readonly gate: AutoTopUpGate,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.get('AUTO_TOP_UP_INTERVAL_MS');
    if (!(this.provider instanceof StripePaymentProvider) || interval === 0) return;
    this.timer = setInterval(() => void this.run(), interval).unref();
    this.gate.onAttempt(() => void this.run());
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.gate.onAttempt(() => undefined);
  }

  /** Sends every attempt that is due; a call during a run makes it look once more when it ends. */
  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.sendDue().catch((error: Error) => this.logger.error(`automatic top-up run failed: ${error.message}`));
      } while (this.again);
    })().finally(() => (this.running = null));
    return this.running;
  }

  private async sendDue(): Promise<void> {
    const due = await selectRows<{ user_id: string; in_flight_purchase_id: string }>(
      this.tx.manager,
      `SELECT user_id, in_flight_purchase_id FROM auto_top_ups
        WHERE last_attempt_status = ? AND in_flight_purchase_id IS NOT NULL AND (claimed_until IS NULL OR claimed_until < ?)
        LIMIT ${BATCH}`,
      [AttemptStatus.Pending, this.clock.now()],
    );
    for (const row of due) await this.send(row.user_id, row.in_flight_purchase_id);
  }

  private async send(userId: string, purchaseId: string): Promise<void> {
    if (!(await this.claim(userId, purchaseId))) return;
    const purchase = await this.tx.manager.findOneBy(Purchase, { id: purchaseId });
    if (!purchase) return;
    const card = await this.customers.savedCardOf(userId);
    if (!card) {
      await this.tx.run((em) => this.attempts.declined(em, purchase, null, 'no_payment_method'));
      return;
    }
    let result: Awaited<ReturnType<StripePaymentProvider['chargeOffSession']>>;
    try {
      result = await (this.provider as StripePaymentProvider).chargeOffSession(purchase, card.customerId, card.paymentMethodId);
    } catch (error) {
      // Not an answer about the card (network, Stripe unavailable): the claim expires and the attempt is sent again.
      this.logger.warn(`automatic top-up ${purchaseId}: Stripe did not answer (${(error as Error).message}); it will be sent again`);
      return;
    }
    if (result.outcome === 'created') await this.tx.run((em) => this.attempts.submitted(em, purchase, result.intentId));
    else await this.tx.run((em) => this.attempts.declined(em, purchase, result.intentId, result.code));
  }

  /** Takes the attempt for AUTO_TOP_UP_CLAIM_SECONDS, unless another instance holds it. */
  private claim(userId: string, purchaseId: string): Promise<boolean> {
    const now = this.clock.now();
    const until = new Date(now.getTime() + this.config.get('AUTO_TOP_UP_CLAIM_SECONDS') * 1000);
    return this.tx.run(
      async (em) =>
        (await execute(
          em,
          `UPDATE auto_top_ups SET claimed_until = ?
            WHERE user_id = ? AND in_flight_purchase_id = ? AND last_attempt_status = ? AND (claimed_until IS NULL OR claimed_until < ?)`,
          [until, userId, purchaseId, AttemptStatus.Pending, now],
        )) === 1,
    );
  }
}
