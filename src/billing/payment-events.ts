import { Inject, Injectable, type FactoryProvider } from '@nestjs/common';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { EntityManager } from 'typeorm';
import { Clock } from '@token-metering/database';
import { isUniqueViolation } from '@token-metering/database';
import { TransactionRunner } from '@token-metering/database';
import { APP_LOGGER } from '../observability/app-logger.js';
import { InjectMetric, METRICS_REGISTRY, metricToken } from '../observability/metrics.js';
import { WebhookOutcome } from './dto/webhooks.dto.js';
import { PaymentEvent } from './payment-event.entity.js';

export const PAYMENT_EVENTS_METRIC = 'payment_events_total';

export const paymentEventsCounter: FactoryProvider<Counter<'outcome'>> = {
  provide: metricToken(PAYMENT_EVENTS_METRIC),
  inject: [METRICS_REGISTRY],
  useFactory: (registry: Registry) =>
    new Counter({
      name: PAYMENT_EVENTS_METRIC,
      help: 'Payment provider events received, by outcome (credited, failed, mismatch, reversed, ...)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
};

/** A provider event as it arrived: recorded under its id before anything else happens. */
export interface ReceivedEvent {
  id: string;
  type: string;
  /** The purchase the event names, when it names one. */
  purchaseId: string | null;
}

/** What applying an event did. */
export interface AppliedEvent {
  outcome: WebhookOutcome;
  /** The purchase it turned out to be about (a refund names only its payment). */
  purchaseId: string | null;
  /** For a mismatch: what differs between the event and the purchase. */
  differences?: string[];
}

/** Thrown inside the event's transaction when its id is already recorded; rolls it back. */
class DuplicateEvent extends Error {}

/**
 * The `payment_events` table: every provider event is applied at most once, in the transaction that
 * records it, and reported once that committed (an info log line per event, an error line per
 * mismatch, `payment_events_total{outcome}`).
 */
@Injectable()
export class PaymentEvents {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    @Inject(APP_LOGGER) logger: Logger,
    @InjectMetric(PAYMENT_EVENTS_METRIC) private readonly counter: Counter<'outcome'>,
  ) {
    this.log = logger.child({ context: 'PaymentEvents' });
  }

  /** Runs `work` in one transaction with the event's row, unless the event id was recorded before (`duplicate`). */
  async applyOnce(event: ReceivedEvent, work: (em: EntityManager) => Promise<AppliedEvent>): Promise<WebhookOutcome> {
    let applied: AppliedEvent;
    try {
      applied = await this.tx.run(async (em) => {
        await this.record(em, event);
        const result = await work(em);
        await em.update(PaymentEvent, { id: event.id }, { outcome: result.outcome, purchaseId: result.purchaseId });
        return result;
      });
    } catch (error) {
      if (!(error instanceof DuplicateEvent)) throw error;
      applied = { outcome: WebhookOutcome.Duplicate, purchaseId: event.purchaseId };
    }
    this.report(event, applied);
    return applied.outcome;
  }

  /** The event row first: a concurrent delivery of the same id waits on it, then fails as a duplicate. */
  private async record(em: EntityManager, event: ReceivedEvent): Promise<void> {
    try {
      await em.insert(PaymentEvent, { ...event, outcome: 'received', receivedAt: this.clock.now() });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateEvent();
      throw error;
    }
  }

  private report(event: ReceivedEvent, applied: AppliedEvent): void {
    this.counter.inc({ outcome: applied.outcome });
    const fields = { event: 'payment_event', id: event.id, type: event.type, purchaseId: applied.purchaseId, outcome: applied.outcome };
    if (applied.outcome !== WebhookOutcome.Mismatch) {
      this.log.info(fields, 'payment event');
      return;
    }
    const differences = applied.differences ?? [];
    this.log.error(
      { ...fields, differences },
      `payment event ${event.id} (${event.type}) does not match purchase ${applied.purchaseId ?? '(none)'}: ${differences.join('; ')}; nothing changed`,
    );
  }
}
