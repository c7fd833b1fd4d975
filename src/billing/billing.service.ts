import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, Repository } from 'typeorm';
import { AppError, ErrorCode } from '../common/app-error.js';
import { Clock } from '@token-metering/database';
import { TransactionRunner } from '@token-metering/database';
import { sessionMismatches } from './checkout-session-match.js';
import { WebhookOutcome } from './dto/webhooks.dto.js';
import { PaymentEvents, type AppliedEvent } from './payment-events.js';
import { PaymentProvider, PaymentResult, type CheckoutSession, type PaymentNotice, type ProviderEvent } from './payment-provider.js';
import { DisputeStatus, Purchase, PurchaseStatus } from './purchase.entity.js';
import { FAILABLE, PAYABLE, PurchaseSettlement } from './purchase-settlement.js';
import { PaymentIntentEvents } from './auto-top-up/payment-intent-events.js';
import { BillingCustomers } from './auto-top-up/billing-customers.js';
import { TokenPackage } from './token-package.entity.js';

/**
 * Token purchases: checkout creates a pending purchase, the provider's signed event settles it.
 * A purchase is credited exactly once, whatever the number, order or concurrency of events:
 * each event id is recorded once (primary key), and only the event whose conditional UPDATE
 * moves the purchase to `paid` (from `pending` or `failed`) credits the tokens, in the same
 * transaction. A failure moves only a pending purchase. An event that carries what was paid (a
 * Stripe Checkout Session) changes nothing unless it matches the purchase (`mismatch`).
 */
@Injectable()
export class BillingService {
  private readonly logger = new Logger(BillingService.name);

  constructor(
    @InjectRepository(TokenPackage) private readonly packages: Repository<TokenPackage>,
    @InjectRepository(Purchase) private readonly purchases: Repository<Purchase>,
    @Inject(PaymentProvider) private readonly provider: PaymentProvider | null,
    private readonly settlement: PurchaseSettlement,
    private readonly intents: PaymentIntentEvents,
    private readonly customers: BillingCustomers,
    private readonly events: PaymentEvents,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  /** Active packages, smallest first. */
  listPackages(): Promise<TokenPackage[]> {
    return this.packages.find({ where: { active: true }, order: { tokens: 'ASC', code: 'ASC' } });
  }

  /** Records a pending purchase of an active package and starts its payment with the provider. */
  async checkout(userId: string, packageCode: string, saveCard = false): Promise<{ purchase: Purchase; session: CheckoutSession }> {
    const provider = this.provider;
    if (!provider)
      throw new AppError(
        ErrorCode.PAYMENTS_UNAVAILABLE,
        'No payment provider is configured (PAYMENT_PROVIDER): tokens cannot be bought on this server',
      );
    const pkg = await this.packages.findOneBy({ code: packageCode, active: true });
    if (!pkg) throw AppError.notFound(`Token package '${packageCode}'`);
    const customerId = saveCard ? await this.customers.customerIdFor(userId) : undefined;

    const purchase = this.purchases.create({
      id: randomUUID(),
      userId,
      packageCode: pkg.code,
      tokens: pkg.tokens,
      priceCents: pkg.priceCents,
      currency: pkg.currency,
      status: PurchaseStatus.Pending,
      provider: provider.name,
      providerReference: null,
      paymentIntentId: null,
      ledgerEntryId: null,
      tokensReversed: 0,
      tokensDisputed: 0,
      disputeStatus: DisputeStatus.None,
      automatic: false,
      saveCard: customerId !== undefined,
      createdAt: this.clock.now(),
      completedAt: null,
    });
    // Stored before the provider hears of it, so an event can never name a purchase we lack.
    await this.tx.run((em) => em.insert(Purchase, purchase));

    let session: CheckoutSession;
    try {
      session = await provider.createCheckout(purchase, pkg, { customerId });
    } catch (error) {
      this.logger.error(`checkout ${purchase.id} failed at provider ${provider.name}: ${(error as Error).message}`);
      await this.tx.run((em) => this.settlement.settle(em, purchase.id, PurchaseStatus.Failed, FAILABLE));
      throw new AppError(ErrorCode.SERVICE_FAILED, 'The payment provider could not start the payment; nothing was charged');
    }
    purchase.providerReference = session.providerReference;
    await this.tx.run((em) => em.update(Purchase, { id: purchase.id }, { providerReference: session.providerReference }));
    return { purchase, session };
  }

  /** The caller's purchases, newest first. */
  listPurchases(userId: string, limit: number): Promise<Purchase[]> {
    return this.purchases.find({ where: { userId }, order: { createdAt: 'DESC', id: 'DESC' }, take: limit });
  }

  /** Applies one signature-checked event of the generic webhook. */
  handleEvent(event: ProviderEvent): Promise<WebhookOutcome> {
    const result = event.type === 'payment.succeeded' ? PaymentResult.Succeeded : PaymentResult.Failed;
    return this.applyNotice({ id: event.id, type: event.type, purchaseId: event.data.purchaseId, result });
  }

  /** Applies one (signature-checked) provider event, exactly once per event id. */
  applyNotice(notice: PaymentNotice): Promise<WebhookOutcome> {
    return this.events.applyOnce({ id: notice.id, type: notice.type, purchaseId: notice.purchaseId }, (em) => this.apply(em, notice));
  }

  private async apply(em: EntityManager, notice: PaymentNotice): Promise<AppliedEvent> {
    const { purchaseId, result } = notice;
    const applied = (outcome: WebhookOutcome, differences?: string[]): AppliedEvent => ({ outcome, purchaseId, differences });
    if (result === null) return applied(WebhookOutcome.Ignored);
    if (purchaseId === null) return applied(WebhookOutcome.UnknownPurchase);
    if (notice.intent) return this.intents.apply(em, purchaseId, notice.intent, result);
    if (notice.session) {
      const purchase = await em.findOneBy(Purchase, { id: purchaseId });
      if (!purchase) return applied(WebhookOutcome.UnknownPurchase);
      const differences = sessionMismatches(purchase, notice.session, result);
      if (differences.length > 0) return applied(WebhookOutcome.Mismatch, differences);
    }
    if (result === PaymentResult.Succeeded && (await this.settlement.settle(em, purchaseId, PurchaseStatus.Paid, PAYABLE))) {
      await this.settlement.credit(em, purchaseId, notice.session?.paymentIntentId ?? null);
      return applied(WebhookOutcome.Credited);
    }
    if (result === PaymentResult.Failed && (await this.settlement.settle(em, purchaseId, PurchaseStatus.Failed, FAILABLE))) {
      return applied(WebhookOutcome.Failed);
    }
    const current = await em.findOne(Purchase, { select: { id: true, status: true }, where: { id: purchaseId } });
    if (!current) return applied(WebhookOutcome.UnknownPurchase);
    const awaiting = result === PaymentResult.Awaiting && (PAYABLE as readonly PurchaseStatus[]).includes(current.status);
    return applied(awaiting ? WebhookOutcome.AwaitingPayment : WebhookOutcome.Ignored);
  }
}
