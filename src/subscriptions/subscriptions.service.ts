import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { Clock } from '@token-metering/database';
import { Plan } from './plan.entity.js';
import { Subscription, SubscriptionStatus } from './subscription.entity.js';

export interface PlanChange {
  previous: Plan;
  current: Plan;
  subscription: Subscription;
}

/** Adds one calendar month, clamped to the last day of the month (Jan 31 -> Feb 28/29). */
export function addMonth(date: Date): Date {
  const next = new Date(date);
  const day = next.getUTCDate();
  next.setUTCDate(1);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  next.setUTCDate(Math.min(day, lastDay));
  return next;
}

@Injectable()
export class SubscriptionsService {
  constructor(
    @InjectRepository(Plan) private readonly plans: Repository<Plan>,
    @InjectRepository(Subscription) private readonly subscriptions: Repository<Subscription>,
    private readonly clock: Clock,
  ) {}

  listPlans(): Promise<Plan[]> {
    return this.plans.find({ order: { monthlyTokens: 'ASC' } });
  }

  async getPlan(code: string, em?: EntityManager): Promise<Plan> {
    const plan = await (em ?? this.plans.manager).findOneBy(Plan, { code });
    if (!plan) throw AppError.notFound(`Plan '${code}'`);
    return plan;
  }

  async findForUser(userId: string, em?: EntityManager): Promise<Subscription | null> {
    return (em ?? this.subscriptions.manager).findOneBy(Subscription, { userId });
  }

  async getForUser(userId: string): Promise<{ subscription: Subscription; plan: Plan }> {
    const subscription = await this.findForUser(userId);
    if (!subscription) throw AppError.notFound('Subscription');
    return { subscription, plan: await this.getPlan(subscription.planCode) };
  }

  /** The active subscription: its tokensLimit is what a missing token account is seeded with. */
  async findActive(userId: string, em: EntityManager): Promise<Subscription | null> {
    const subscription = await em.findOneBy(Subscription, { userId, status: SubscriptionStatus.Active });
    return subscription ?? null;
  }

  /** Subscribes a new user to the default plan, inside the caller's transaction. */
  async subscribeToDefaultPlan(em: EntityManager, userId: string): Promise<{ subscription: Subscription; plan: Plan }> {
    const plan = await em.findOneBy(Plan, { isDefault: true });
    if (!plan) throw new Error('No default plan: the plan catalog migration has not run');
    const now = this.clock.now();
    const subscription = em.create(Subscription, {
      userId,
      planCode: plan.code,
      tokensLimit: plan.monthlyTokens,
      status: SubscriptionStatus.Active,
      periodStart: now,
      periodEnd: addMonth(now),
      createdAt: now,
      updatedAt: now,
    });
    await em.insert(Subscription, subscription);
    return { subscription, plan };
  }

  /** Moves a user's subscription to another plan, inside the caller's transaction. The period is kept. */
  async changePlan(em: EntityManager, userId: string, planCode: string): Promise<PlanChange> {
    const subscription = await em.findOne(Subscription, { where: { userId }, lock: this.lockFor(em) });
    if (!subscription) throw AppError.notFound('Subscription');
    const [previous, current] = await Promise.all([this.getPlan(subscription.planCode, em), this.getPlan(planCode, em)]);
    subscription.planCode = current.code;
    subscription.tokensLimit = current.monthlyTokens;
    subscription.status = SubscriptionStatus.Active;
    subscription.updatedAt = this.clock.now();
    await em.update(
      Subscription,
      { userId },
      {
        planCode: subscription.planCode,
        tokensLimit: subscription.tokensLimit,
        status: subscription.status,
        updatedAt: subscription.updatedAt,
      },
    );
    return { previous, current, subscription };
  }

  /** Moves the subscription to its next period, inside the caller's (period roll) transaction. */
  async setPeriod(em: EntityManager, userId: string, periodStart: Date, periodEnd: Date): Promise<void> {
    await em.update(Subscription, { userId }, { periodStart, periodEnd, updatedAt: this.clock.now() });
  }

  /** Row lock for read-modify-write of a subscription; SQLite transactions are already serialized. */
  private lockFor(em: EntityManager): { mode: 'pessimistic_write' } | undefined {
    return em.connection.options.type === 'better-sqlite3' ? undefined : { mode: 'pessimistic_write' };
  }
}
