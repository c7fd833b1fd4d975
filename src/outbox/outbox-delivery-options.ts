import type { AppConfig } from '../config/app-config.js';

/** Timings of outbox delivery; tests shorten them to seconds. */
export interface OutboxDeliveryOptions {
  pollIntervalMs: number;
  /** Wait before the second attempt; each further one waits twice as long, up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Age after which an undelivered event is given up. */
  retryWindowMs: number;
  /** Time limit of one attempt. */
  timeoutMs: number;
  /** How long a claim lasts: a process that dies mid-delivery holds its events this long at most. */
  leaseMs: number;
  /** Events claimed per round by one instance. */
  batchSize: number;
}

export const OUTBOX_DELIVERY_OPTIONS = Symbol('OUTBOX_DELIVERY_OPTIONS');

export function outboxDeliveryOptionsOf(config: AppConfig): OutboxDeliveryOptions {
  return {
    pollIntervalMs: config.get('OUTBOX_POLL_INTERVAL_MS'),
    retryBaseMs: config.get('OUTBOX_RETRY_BASE_MS'),
    retryMaxMs: config.get('OUTBOX_RETRY_MAX_MS'),
    retryWindowMs: config.get('OUTBOX_RETRY_WINDOW_MS'),
    timeoutMs: config.get('WEBHOOK_TIMEOUT_MS'),
    leaseMs: config.get('OUTBOX_LEASE_MS'),
    batchSize: 20,
  };
}

/** Wait after the n-th failed attempt (n >= 1): base, 2 x base, 4 x base ... at most `retryMaxMs`. */
export function retryDelayMs(options: Pick<OutboxDeliveryOptions, 'retryBaseMs' | 'retryMaxMs'>, attempts: number): number {
  return Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** Math.min(30, Math.max(0, attempts - 1)));
}
