import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { Clock } from '@token-metering/database';
import { productionWebhookUrlProblem } from '../alerts/webhook-url-policy.js';
import { AppConfig } from '../config/app-config.js';
import { APP_LOGGER } from '../observability/app-logger.js';
import { type ClaimedEvent, OutboxClaims } from './outbox-claims.js';
import { OUTBOX_DELIVERY_OPTIONS, type OutboxDeliveryOptions, retryDelayMs } from './outbox-delivery-options.js';
import { OutboxDestinations } from './outbox-destinations.js';
import { postWebhook } from './webhook-post.js';

/** Rounds of claims in one tick: each round moves every busy account on by one event. */
const ROUNDS_PER_TICK = 50;

/**
 * Delivers the outbox on every instance: each tick claims due events (a lease, see OutboxClaims),
 * posts them, one per account and destination at a time, and records the outcome. A failed attempt
 * is tried again after an exponentially growing wait until the event is older than the retry window,
 * then it is `failed`. State lives only in the database: an instance that dies mid-delivery leaves
 * its claims to expire, and any instance delivers those events again.
 */
@Injectable()
export class OutboxDeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log: Logger;
  private readonly stop = new AbortController();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly production: boolean;

  constructor(
    private readonly claims: OutboxClaims,
    private readonly destinations: OutboxDestinations,
    private readonly clock: Clock,
    @Inject(OUTBOX_DELIVERY_OPTIONS) private readonly options: OutboxDeliveryOptions,
    @Inject(APP_LOGGER) logger: Logger,
    config: AppConfig,
  ) {
    // Checked again at each attempt: the host's addresses may have changed since the URL was set.
    this.production = config.get('NODE_ENV') === 'production';
    this.log = logger.child({ context: 'Outbox' });
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  /** Before the database closes: in-flight posts are aborted and their claims given back. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stop.abort();
    clearTimeout(this.timer);
    await this.running;
  }

  /** One tick: claims and delivers until nothing is due. Exposed for tests that drive it themselves. */
  async deliverDue(): Promise<number> {
    let delivered = 0;
    for (let round = 0; round < ROUNDS_PER_TICK && !this.stop.signal.aborted; round++) {
      const claimed = await this.claims.claimDue(this.clock.now(), this.options.leaseMs, this.options.batchSize);
      if (claimed.length === 0) break;
      const outcomes = await Promise.all(claimed.map((event) => this.deliver(event)));
      delivered += outcomes.filter(Boolean).length;
    }
    return delivered;
  }

  private schedule(delayMs: number): void {
    if (this.stop.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.running = this.deliverDue()
        .then(() => undefined)
        .catch((error: unknown) => this.log.error({ err: error }, 'outbox delivery round failed'))
        .finally(() => this.schedule(this.options.pollIntervalMs));
    }, delayMs);
    this.timer.unref();
  }

  private async deliver(event: ClaimedEvent): Promise<boolean> {
    const fields = { eventId: event.id, type: event.type, destination: event.destination, userId: event.userId, attempt: event.attempt };
    const target = await this.destinations.targetOf(event.destination, event.userId);
    if (!target) {
      await this.claims.failed(event, 'no webhook to deliver to');
      this.log.warn(fields, 'webhook not delivered: no webhook to deliver to');
      return false;
    }
    const refused = this.production && event.destination === 'user' ? await productionWebhookUrlProblem(target.url) : null;
    const outcome = refused
      ? { delivered: false as const, error: refused }
      : await postWebhook(
          { url: target.url, secret: target.secret, eventId: event.id, body: event.body, attempt: event.attempt },
          this.options.timeoutMs,
          this.stop.signal,
        );
    if (this.stop.signal.aborted && !outcome.delivered) {
      // Stopping: the claim is given back, so another instance (or this one, restarted) need not wait for the lease.
      await this.claims.release(event, this.clock.now()).catch(() => undefined);
      return false;
    }
    if (outcome.delivered) {
      await this.claims.delivered(event);
      this.log.info(fields, 'webhook delivered');
      return true;
    }
    const retryInMs = retryDelayMs(this.options, event.attempt);
    const next = new Date(this.clock.now().getTime() + retryInMs);
    if (next.getTime() > event.createdAt.getTime() + this.options.retryWindowMs) {
      await this.claims.failed(event, outcome.error);
      this.log.error({ ...fields, error: outcome.error }, 'webhook not delivered');
    } else {
      await this.claims.retryAt(event, next, outcome.error);
      this.log.warn({ ...fields, error: outcome.error, retryInMs }, 'webhook attempt failed');
    }
    return false;
  }
}
