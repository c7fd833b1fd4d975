import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { AppError, ErrorCode } from '../common/app-error.js';
import type { AuthenticatedRequest } from '../common/principal.js';
import { AppConfig } from '../config/app-config.js';

export const HOUR_MS = 60 * 60 * 1000;

/** The limits routes opt into with @RateLimit. */
export const RATE_LIMITS = ['register', 'checkout'] as const;
export type RateLimitName = (typeof RATE_LIMITS)[number];

/**
 * Counting must not fail silently: a store that cannot be reached refuses the request (503) rather than
 * letting unlimited login attempts through.
 */
class FailClosedStorage implements ThrottlerStorage {
  constructor(private readonly storage: ThrottlerStorage & { onModuleDestroy?(): void; onApplicationShutdown?(): void }) {}

  async increment(...args: Parameters<ThrottlerStorage['increment']>) {
    try {
      return await this.storage.increment(...args);
    } catch {
      throw new AppError(ErrorCode.RATE_LIMITS_UNAVAILABLE, 'Rate limits cannot be checked right now; try again shortly');
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
  return new FailClosedStorage(
    new ThrottlerStorageRedisService(url, {
      keyPrefix: config.get('REDIS_KEY_PREFIX'),
      // A request waits at most this long for Redis, then is refused with 503.
      connectTimeout: 2000,
      commandTimeout: 2000,
      maxRetriesPerRequest: 1,
    }),
  );
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
