import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageService } from '@nestjs/throttler';
import type { AuthenticatedRequest } from '../common/principal.js';
import { AppConfig } from '../config/app-config.js';
import { rateLimitsRedisOptions, rateLimitsUnavailable } from './rate-limits-redis.js';

export const HOUR_MS = 60 * 60 * 1000;

/** The limits routes opt into with @RateLimit. */
export const RATE_LIMITS = ['register', 'checkout'] as const;
export type RateLimitName = (typeof RATE_LIMITS)[number];

/** A storage that answers 503 RATE_LIMITS_UNAVAILABLE when it cannot count. */
class FailClosedStorage implements ThrottlerStorage {
  constructor(private readonly storage: ThrottlerStorage & { onModuleDestroy?(): void; onApplicationShutdown?(): void }) {}

  async increment(...args: Parameters<ThrottlerStorage['increment']>) {
    try {
      return await this.storage.increment(...args);
    } catch {
      throw rateLimitsUnavailable();
    }
  }

  onModuleDestroy(): void {
    this.storage.onModuleDestroy?.();
    this.storage.onApplicationShutdown?.();
  }
}

function storageFor(config: AppConfig): ThrottlerStorage {
  const url = config.get('REDIS_URL');
  if (!url) return new FailClosedStorage(new ThrottlerStorageService());
  return new FailClosedStorage(new ThrottlerStorageRedisService(url, rateLimitsRedisOptions(config)));
}

export function throttlerOptions(config: AppConfig): ThrottlerModuleOptions {
  return {
    storage: storageFor(config),
    // Retry-After is set with the contract's error body (see RateLimitGuard), not per throttler.
    setHeaders: false,
    throttlers: [
      { name: 'register', ttl: HOUR_MS, limit: config.get('THROTTLE_REGISTER_PER_HOUR') },
      {
        name: 'checkout',
        ttl: HOUR_MS,
        limit: config.get('THROTTLE_CHECKOUT_PER_HOUR'),
        getTracker: (request) => (request as AuthenticatedRequest).principal?.userId ?? (request as AuthenticatedRequest).ip,
      },
    ],
  };
}
