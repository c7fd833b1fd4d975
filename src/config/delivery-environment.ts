import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { AiEnvironment } from './ai-environment.js';

/**
 * The variables of the background deliveries: the outbox's webhooks and the automatic top-ups' payments
 * (part of Environment, validated with it).
 */
export class DeliveryEnvironment extends AiEnvironment {
  /** How often each instance looks for outbox events due for delivery. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(10)
  OUTBOX_POLL_INTERVAL_MS = 1000;

  /** Wait before the second attempt of an event; each further one waits twice as long, up to OUTBOX_RETRY_MAX_MS. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(10)
  @Max(30_000)
  OUTBOX_RETRY_BASE_MS = 10_000;

  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(10)
  OUTBOX_RETRY_MAX_MS = 3_600_000;

  /** Age after which an event that was never delivered is given up (`failed`). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1000)
  OUTBOX_RETRY_WINDOW_MS = 86_400_000;

  /** Time one attempt (connect, send, answer) may take. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(100)
  WEBHOOK_TIMEOUT_MS = 10_000;

  /**
   * How long a claimed event belongs to the instance delivering it: if that process dies, another
   * instance delivers it again after this. Longer than WEBHOOK_TIMEOUT_MS.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(200)
  OUTBOX_LEASE_MS = 30_000;

  /** Automatic top-up: how often each instance looks for attempts to send to Stripe (ms); 0 turns it off. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  @Max(600_000)
  AUTO_TOP_UP_INTERVAL_MS = 1000;

  /** Automatic top-up: how long an instance owns an attempt it took; after that another retries it (same idempotency key). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(3600)
  AUTO_TOP_UP_CLAIM_SECONDS = 120;

  /** Automatic top-up: how often each instance reloads the enabled settings (those changed on other instances). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(3600)
  AUTO_TOP_UP_REFRESH_SECONDS = 5;
}
