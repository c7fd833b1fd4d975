import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type ChangeOrigin, TokensService, type TokenLedgerEntry } from '@token-metering/tokens';
import type { Plan } from './plan.entity.js';
import type { Subscription } from './subscription.entity.js';
import { SubscriptionsService } from './subscriptions.service.js';

/** An admin's plan change: the subscription moves and the token account records it, in the caller's transaction. */
@Injectable()
export class PlanChanges {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly tokens: TokensService,
  ) {}

  async change(
    em: EntityManager,
    userId: string,
    planCode: string,
    origin: ChangeOrigin,
  ): Promise<{ subscription: Subscription; plan: Plan; entry: TokenLedgerEntry }> {
    // An ended period is rolled under the old plan first: the new plan counts from the current period.
    await this.tokens.bringUpToDate(em, userId);
    const { previous, current, subscription } = await this.subscriptions.changePlan(em, userId, planCode);
    const entry = await this.tokens.recordPlanChange(
      em,
      {
        payerId: userId,
        from: previous.code,
        to: current.code,
        monthlyTokens: current.monthlyTokens,
      },
      origin,
    );
    return { subscription, plan: current, entry };
  }
}
