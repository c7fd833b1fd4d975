import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import type { Logger } from 'pino';
import { Clock } from '@token-metering/database';
import { APP_LOGGER } from '../observability/app-logger.js';
import { Plan } from '../subscriptions/plan.entity.js';
import { SubscriptionsService } from '../subscriptions/subscriptions.service.js';
import { TokenEvents } from '@token-metering/tokens';
import type { TokensChargedEvent } from '@token-metering/tokens';
import { LowBalanceEvents } from './low-balance.events.js';
import type { TokensDepletedEvent, TokensLowBalanceEvent } from './low-balance.events.js';

/** How long the highest threshold of the plan catalog is reused before it is read again. */
const THRESHOLD_BOUND_TTL_MS = 60_000;

/**
 * Decides, from each committed charge, whether it crossed the plan's low-balance threshold
 * (balanceBefore >= threshold > balanceAfter) or emptied the account (balanceBefore > 0,
 * balanceAfter = 0), and emits one event per crossing.
 *
 * Each charge carries the balance before and after its own conditional UPDATE, and the
 * UPDATEs of one account are serialized by the database, so their [after, before) intervals do
 * not overlap: however many requests run at once, exactly one charge contains the threshold.
 * No state is kept here, so this holds across application instances too.
 *
 * Runs after the charge committed and off the request path (the plan lookup is awaited here,
 * never by the request); a failure is logged and does not touch the charge.
 */
@Injectable()
export class LowBalanceDetector {
  private readonly log: Logger;
  private thresholdBound: { value: number; expiresAt: number } | null = null;

  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly events: EventEmitter2,
    private readonly clock: Clock,
    @Inject(APP_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'LowBalance' });
  }

  @OnEvent(TokenEvents.Charged)
  async onCharged(charge: TokensChargedEvent): Promise<void> {
    try {
      await this.detect(charge);
    } catch (error) {
      this.log.error({ err: error, userId: charge.payerId, requestId: charge.requestId }, 'low-balance check failed');
    }
  }

  private async detect(charge: TokensChargedEvent): Promise<void> {
    const { balanceBefore, balanceAfter } = charge;
    if (balanceAfter >= balanceBefore) return;
    const depleted = balanceBefore > 0 && balanceAfter === 0;
    // Most charges leave a balance above every plan's threshold: no need to look up the plan.
    if (!depleted && balanceAfter >= (await this.highestThreshold())) return;

    const { plan } = await this.subscriptions.getForUser(charge.payerId);
    const threshold = Plan.lowBalanceThresholdOf(plan);
    const crossing = {
      userId: charge.payerId,
      planCode: plan.code,
      action: charge.action,
      amount: charge.amount,
      balanceBefore,
      balanceAfter,
      requestId: charge.requestId,
      occurredAt: this.clock.now().toISOString(),
    };
    if (balanceBefore >= threshold && threshold > balanceAfter) {
      this.emit(LowBalanceEvents.LowBalance, { ...crossing, threshold } satisfies TokensLowBalanceEvent);
    }
    if (depleted) this.emit(LowBalanceEvents.Depleted, crossing satisfies TokensDepletedEvent);
  }

  private emit(type: string, payload: TokensLowBalanceEvent | TokensDepletedEvent): void {
    this.log.info({ event: type, ...payload }, type === LowBalanceEvents.Depleted ? 'tokens depleted' : 'low token balance');
    this.events.emit(type, payload);
  }

  /** The highest low-balance threshold of any plan: a balance at or above it crosses no threshold. */
  private async highestThreshold(): Promise<number> {
    const now = Date.now();
    if (this.thresholdBound && this.thresholdBound.expiresAt > now) return this.thresholdBound.value;
    const plans = await this.subscriptions.listPlans();
    const value = Math.max(0, ...plans.map((plan) => Plan.lowBalanceThresholdOf(plan)));
    this.thresholdBound = { value, expiresAt: now + THRESHOLD_BOUND_TTL_MS };
    return value;
  }
}
