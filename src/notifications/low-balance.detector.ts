import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { Clock, selectRows } from '@token-metering/database';
import type { WrittenEntry } from '@token-metering/tokens';
import { APP_LOGGER } from '../observability/app-logger.js';
import { AfterCommit } from '../outbox/after-commit.js';
import { Outbox, type OutboxMessage } from '../outbox/outbox.js';
import { OutboxDestinations } from '../outbox/outbox-destinations.js';
import { Plan } from '../subscriptions/plan.entity.js';
import { LowBalanceEvents } from './low-balance.events.js';
import type { TokensDepletedEvent, TokensLowBalanceEvent } from './low-balance.events.js';

/** How long the highest threshold of the plan catalog is reused before it is read again. */
const THRESHOLD_BOUND_TTL_MS = 60_000;

interface PlanRow {
  user_id: string;
  code: string;
  monthly_tokens: number | string;
  low_balance_threshold: number | string | null;
}

type Crossing =
  | { type: typeof LowBalanceEvents.LowBalance; payload: TokensLowBalanceEvent }
  | { type: typeof LowBalanceEvents.Depleted; payload: TokensDepletedEvent };

/**
 * The operator's low-balance events, decided in the transaction of the ledger entries: a debit that
 * took the balance from at or above the plan's threshold to below it (`tokens.low_balance`), or from
 * above 0 to 0 (`tokens.depleted`). Debits of one account are serialized by the database, so their
 * [after, before) ranges do not overlap: exactly one debit contains each crossing, with no state kept.
 *
 * With WEBHOOK_URL set, each event is written to the outbox (destination `operator`) with the entry;
 * once the transaction commits it is also emitted in the process (logs, metrics, listeners).
 */
@Injectable()
export class LowBalanceDetector {
  private readonly log: Logger;
  private thresholdBound: { value: number; expiresAt: number } | null = null;

  constructor(
    private readonly outbox: Outbox,
    private readonly destinations: OutboxDestinations,
    private readonly events: EventEmitter2,
    private readonly afterCommit: AfterCommit,
    private readonly clock: Clock,
    @Inject(APP_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'LowBalance' });
  }

  async written(em: EntityManager, entries: readonly WrittenEntry[]): Promise<void> {
    const debits = entries.filter((entry) => entry.amount < 0);
    if (debits.length === 0) return;
    // Most debits leave a balance above every plan's threshold: no need to look up the plan.
    const bound = await this.highestThreshold(em);
    const candidates = debits.filter((entry) => entry.balanceAfter < bound || entry.balanceAfter === 0);
    if (candidates.length === 0) return;

    const payers = [...new Set(candidates.map((entry) => entry.payerId))];
    const plans = await selectRows<PlanRow>(
      em,
      `SELECT s.user_id, p.code, p.monthly_tokens, p.low_balance_threshold
         FROM subscriptions s JOIN plans p ON p.code = s.plan_code
        WHERE s.user_id IN (${payers.map(() => '?').join(', ')})`,
      payers,
    );
    const planOf = new Map(plans.map((row) => [row.user_id, row]));
    const crossings = candidates.flatMap((entry) => {
      const plan = planOf.get(entry.payerId);
      return plan ? this.crossingsOf(entry, plan) : [];
    });
    if (crossings.length === 0) return;

    if (this.destinations.operatorConfigured) {
      const messages = crossings.map(({ type, payload }): OutboxMessage => ({
        userId: payload.userId,
        to: 'operator',
        type,
        data: { ...payload },
      }));
      await this.outbox.add(em, messages);
    }
    this.afterCommit.run(em, () => {
      for (const { type, payload } of crossings) {
        this.log.info({ event: type, ...payload }, type === LowBalanceEvents.Depleted ? 'tokens depleted' : 'low token balance');
        this.events.emit(type, payload);
      }
    });
  }

  private crossingsOf(entry: WrittenEntry, plan: PlanRow): Crossing[] {
    const balanceAfter = entry.balanceAfter;
    const balanceBefore = balanceAfter - entry.amount;
    const threshold = Plan.lowBalanceThresholdOf({
      monthlyTokens: Number(plan.monthly_tokens),
      lowBalanceThreshold: plan.low_balance_threshold === null ? null : Number(plan.low_balance_threshold),
    });
    const crossing = {
      userId: entry.payerId,
      planCode: plan.code,
      action: entry.action ?? entry.type,
      amount: -entry.amount,
      balanceBefore,
      balanceAfter,
      requestId: entry.requestId ?? '',
      occurredAt: this.clock.now().toISOString(),
    };
    const found: Crossing[] = [];
    if (balanceBefore >= threshold && threshold > balanceAfter) {
      found.push({ type: LowBalanceEvents.LowBalance, payload: { ...crossing, threshold } });
    }
    if (balanceBefore > 0 && balanceAfter === 0) found.push({ type: LowBalanceEvents.Depleted, payload: crossing });
    return found;
  }

  /** The highest low-balance threshold of any plan: a balance at or above it crosses no threshold. */
  private async highestThreshold(em: EntityManager): Promise<number> {
    const now = Date.now();
    if (this.thresholdBound && this.thresholdBound.expiresAt > now) return this.thresholdBound.value;
    const plans = await em.find(Plan);
    const value = Math.max(0, ...plans.map((plan) => Plan.lowBalanceThresholdOf(plan)));
    this.thresholdBound = { value, expiresAt: now + THRESHOLD_BOUND_TTL_MS };
    return value;
  }
}
