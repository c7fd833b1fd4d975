import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createHmac, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Clock } from '@token-metering/database';
import { AppConfig } from '../config/app-config.js';
import { APP_LOGGER } from '../observability/app-logger.js';

export interface WebhookDeliveryOptions {
  /** Attempts per event, the first included. */
  attempts: number;
  /** Delay before the second attempt; each further one waits twice as long. */
  baseDelayMs: number;
  /** Time limit of one attempt (connect, send, answer). */
  timeoutMs: number;
  /** Deliveries waiting or in flight at once; beyond it new events are dropped (and logged). */
  maxPending: number;
}

/** Delivery settings; tests override the provider with short delays. */
export const WEBHOOK_DELIVERY_OPTIONS = Symbol('WEBHOOK_DELIVERY_OPTIONS');

/** 5 attempts: at once, then after 1 s, 2 s, 4 s and 8 s; 5 s per attempt. */
export const DEFAULT_WEBHOOK_DELIVERY: WebhookDeliveryOptions = { attempts: 5, baseDelayMs: 1000, timeoutMs: 5000, maxPending: 1000 };

/** The body posted to WEBHOOK_URL. */
export interface WebhookEnvelope<T = unknown> {
  id: string;
  type: string;
  createdAt: string;
  data: T;
}

/** Hex HMAC-SHA256 of the exact body bytes: what the receiver recomputes to check `X-Signature`. */
export function signWebhookBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

interface Delivery {
  id: string;
  type: string;
  body: string;
  signature: string;
}

/**
 * Posts events to WEBHOOK_URL, signed with WEBHOOK_SECRET, in the background: `send` returns at
 * once and never throws, so the request that caused an event is neither slowed nor failed by the
 * receiver. Network errors, timeouts, 408, 429 and 5xx answers are retried with exponential
 * backoff; other answers are final. Deliveries live in memory: those still pending when the
 * application shuts down are abandoned (and logged), their timers cleared and requests aborted.
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private readonly url: string | undefined;
  private readonly secret: string | undefined;
  private readonly log: Logger;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly shutdown = new AbortController();
  private pending = 0;

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
    @Inject(WEBHOOK_DELIVERY_OPTIONS) private readonly options: WebhookDeliveryOptions,
    @Inject(APP_LOGGER) logger: Logger,
  ) {
    this.url = config.get('WEBHOOK_URL');
    this.secret = config.get('WEBHOOK_SECRET');
    this.log = logger.child({ context: 'Webhook' });
  }

  get enabled(): boolean {
    return this.url !== undefined && this.secret !== undefined;
  }

  /** Queues one event for delivery; returns its webhook id, or null when not sent (disabled, shutting down, queue full). */
  send(type: string, data: unknown): string | null {
    if (!this.enabled || this.shutdown.signal.aborted) return null;
    const id = randomUUID();
    if (this.pending >= this.options.maxPending) {
      this.log.error({ webhookId: id, type, pending: this.pending }, 'webhook dropped: too many deliveries pending');
      return null;
    }
    const envelope: WebhookEnvelope = { id, type, createdAt: this.clock.now().toISOString(), data };
    const body = JSON.stringify(envelope);
    this.pending++;
    void this.attempt({ id, type, body, signature: signWebhookBody(body, this.secret!) }, 1);
    return id;
  }

  onApplicationShutdown(): void {
    this.shutdown.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.pending > 0) this.log.warn({ pending: this.pending }, 'webhook deliveries abandoned at shutdown');
  }

  private async attempt(delivery: Delivery, attempt: number): Promise<void> {
    const outcome = await this.post(delivery, attempt);
    if (outcome === 'delivered' || outcome === 'aborted') {
      this.pending--;
      if (outcome === 'delivered') this.log.info({ webhookId: delivery.id, type: delivery.type, attempt }, 'webhook delivered');
      return;
    }
    const fields = { webhookId: delivery.id, type: delivery.type, attempt, error: outcome.error };
    if (!outcome.retry || attempt >= this.options.attempts) {
      this.pending--;
      this.log.error(fields, 'webhook not delivered');
      return;
    }
    const delayMs = this.options.baseDelayMs * 2 ** (attempt - 1);
    this.log.warn({ ...fields, retryInMs: delayMs }, 'webhook attempt failed');
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(delivery, attempt + 1);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async post(delivery: Delivery, attempt: number): Promise<'delivered' | 'aborted' | { retry: boolean; error: string }> {
    try {
      const response = await fetch(this.url!, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'token-metering-api-webhooks',
          'X-Webhook-Id': delivery.id,
          'X-Webhook-Attempt': String(attempt),
          'X-Signature': delivery.signature,
        },
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return 'delivered';
      const retry = response.status === 408 || response.status === 429 || response.status >= 500;
      return { retry, error: `HTTP ${response.status}` };
    } catch (error) {
      if (this.shutdown.signal.aborted) return 'aborted';
      const name = (error as Error).name;
      return { retry: true, error: name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : describe(error) };
    }
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
