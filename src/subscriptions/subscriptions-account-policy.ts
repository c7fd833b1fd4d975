import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AccountPolicy, type AccountSummary, type MissingAccount, type OpeningTerms, type PeriodTerms } from '@token-metering/tokens';
import { Subscription, SubscriptionStatus } from './subscription.entity.js';
import { addMonth, SubscriptionsService } from './subscriptions.service.js';

/** Users with an active subscription and no token account (keyset pages by user id), with how many in all. */
const MISSING_ACCOUNTS = `
  SELECT s.user_id AS user_id, s.plan_code AS plan_code, COUNT(*) OVER () AS total
    FROM subscriptions s
    JOIN users u ON u.id = s.user_id
    LEFT JOIN token_accounts a ON a.user_id = s.user_id
   WHERE s.status = 'active' AND a.user_id IS NULL AND s.user_id > ?
   ORDER BY s.user_id
   LIMIT ?`;

/** A subscription's terms for its token account: the plan's monthly tokens and rollover cap, monthly periods, the plan as price tier. */
export const openingTermsOf = (subscription: Subscription): OpeningTerms & { payerId: string } => ({
  payerId: subscription.userId,
  allowance: subscription.tokensLimit,
  periodEnd: subscription.periodEnd,
  tier: subscription.planCode,
});

/** Token accounts follow the subscriptions: what the tokens module asks of the host, answered from plans and subscriptions. */
@Injectable()
export class SubscriptionsAccountPolicy extends AccountPolicy {
  constructor(private readonly subscriptions: SubscriptionsService) {
    super();
  }

  async openingTerms(payerId: string, em: EntityManager): Promise<OpeningTerms | null> {
    const subscription = await this.subscriptions.findActive(payerId, em);
    return subscription ? openingTermsOf(subscription) : null;
  }

  nextPeriodEnd(periodStart: Date): Date {
    return addMonth(periodStart);
  }

  async periodTerms(payerId: string, em: EntityManager): Promise<PeriodTerms> {
    const subscription = await this.subscriptions.findForUser(payerId, em);
    const plan = subscription ? await this.subscriptions.getPlan(subscription.planCode, em) : null;
    return {
      grant: subscription?.status === SubscriptionStatus.Active ? subscription.tokensLimit : 0,
      rolloverCap: plan?.rolloverCap ?? 0,
      tier: subscription?.planCode ?? null,
    };
  }

  periodRolled(em: EntityManager, payerId: string, periodStart: Date, periodEnd: Date): Promise<void> {
    return this.subscriptions.setPeriod(em, payerId, periodStart, periodEnd);
  }

  async priceTierOf(payerId: string): Promise<string | null> {
    return (await this.subscriptions.findForUser(payerId))?.planCode ?? null;
  }

  async tierExists(tier: string): Promise<boolean> {
    return (await this.subscriptions.listPlans()).some((plan) => plan.code === tier);
  }

  /** Every user has a subscription from registration on: none means no such user. */
  async payerExists(payerId: string, em?: EntityManager): Promise<boolean> {
    return (await this.subscriptions.findForUser(payerId, em)) !== null;
  }

  async summary(payerId: string): Promise<AccountSummary> {
    const { subscription } = await this.subscriptions.getForUser(payerId);
    return {
      tier: subscription.planCode,
      periodAllowance: subscription.tokensLimit,
      periodStart: subscription.periodStart,
      periodEnd: subscription.periodEnd,
    };
  }

  async missingAccounts(em: EntityManager, page: { after: string; limit: number }): Promise<{ accounts: MissingAccount[]; total: number }> {
    const rows = await em.query<{ user_id: string; plan_code: string; total: string | number }[]>(MISSING_ACCOUNTS, [
      page.after,
      page.limit,
    ]);
    return {
      accounts: rows.map((row) => ({ payerId: String(row.user_id), tier: String(row.plan_code) })),
      total: Number(rows[0]?.total ?? 0),
    };
  }
}
