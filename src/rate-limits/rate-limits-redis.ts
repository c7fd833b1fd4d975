import type { RedisOptions } from 'ioredis';
import { AppError, ErrorCode } from '../common/app-error.js';
import type { AppConfig } from '../config/app-config.js';

/** How the rate limits reach the Redis of REDIS_URL; every key they write starts with REDIS_KEY_PREFIX. */
export const rateLimitsRedisOptions = (config: AppConfig): RedisOptions => ({
  keyPrefix: config.get('REDIS_KEY_PREFIX'),
  // A request waits at most this long for Redis, then is refused with 503.
  connectTimeout: 2000,
  commandTimeout: 2000,
  maxRetriesPerRequest: 1,
});

/**
 * Counting must not fail silently: a store that cannot be reached refuses the request (503) rather than
 * letting unlimited login attempts through.
 */
export const rateLimitsUnavailable = (): AppError =>
  new AppError(ErrorCode.RATE_LIMITS_UNAVAILABLE, 'Rate limits cannot be checked right now; try again shortly');
