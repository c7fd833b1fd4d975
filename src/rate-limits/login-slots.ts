import { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.js';
import { rateLimitsRedisOptions, rateLimitsUnavailable } from './rate-limits-redis.js';

/**
 * Slots per key in a sliding window: a key holds at most `limit` at once, each named by its taker and held
 * for `windowMs` from when it was taken unless given back before. Giving one back frees exactly that one,
 * and nothing once it has aged out: a counter decremented after its window ended would hand the next
 * window an extra slot.
 */
export interface LoginSlots {
  /** 0 when the slot was taken; otherwise the milliseconds until the key's oldest slot ages out (nothing is taken). */
  take(key: string, id: string, limit: number, windowMs: number): Promise<number>;
  giveBack(key: string, id: string): Promise<void>;
  close(): void;
}

const SWEEP_INTERVAL_MS = 60 * 1000;

/** In this process: each key's slots by id, with when each ages out (in the order they were taken). */
class MemoryLoginSlots implements LoginSlots {
  private readonly slots = new Map<string, Map<string, number>>();
  private readonly sweep = setInterval(() => {
    for (const key of this.slots.keys()) this.live(key, Date.now());
  }, SWEEP_INTERVAL_MS).unref();

  async take(key: string, id: string, limit: number, windowMs: number): Promise<number> {
    const now = Date.now();
    const slots = this.live(key, now) ?? new Map<string, number>();
    const [oldestAgesOutAt] = slots.values();
    if (slots.size >= limit) return Math.max(1, oldestAgesOutAt - now);
    slots.set(id, now + windowMs);
    this.slots.set(key, slots);
    return 0;
  }

  async giveBack(key: string, id: string): Promise<void> {
    const slots = this.slots.get(key);
    slots?.delete(id);
    if (slots?.size === 0) this.slots.delete(key);
  }

  close(): void {
    clearInterval(this.sweep);
    this.slots.clear();
  }

  /** The key's slots that have not aged out; a key left with none is forgotten. */
  private live(key: string, now: number): Map<string, number> | undefined {
    const slots = this.slots.get(key);
    if (!slots) return undefined;
    for (const [id, agesOutAt] of slots) {
      if (agesOutAt > now) break;
      slots.delete(id);
    }
    if (slots.size > 0) return slots;
    this.slots.delete(key);
    return undefined;
  }
}

/**
 * A sorted set per key: slot ids scored by when they were taken, on Redis's clock so that every instance
 * agrees. A command resent after a reconnection finds its own slot and takes no second one.
 */
const TAKE_SLOT = `
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local limit, window, id = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZSCORE', KEYS[1], id) then return 0 end
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, id)
redis.call('PEXPIRE', KEYS[1], window)
return 0
`;

/** In Redis, shared by every instance; a command Redis does not answer is 503 RATE_LIMITS_UNAVAILABLE. */
class RedisLoginSlots implements LoginSlots {
  constructor(private readonly redis: Redis) {}

  async take(key: string, id: string, limit: number, windowMs: number): Promise<number> {
    try {
      return Number(await this.redis.eval(TAKE_SLOT, 1, key, limit, windowMs, id));
    } catch {
      throw rateLimitsUnavailable();
    }
  }

  async giveBack(key: string, id: string): Promise<void> {
    try {
      await this.redis.zrem(key, id);
    } catch {
      throw rateLimitsUnavailable();
    }
  }

  close(): void {
    this.redis.disconnect();
  }
}

/** In Redis with REDIS_URL (under REDIS_KEY_PREFIX), else in this process. */
export function loginSlotsFor(config: AppConfig): LoginSlots {
  const url = config.get('REDIS_URL');
  return url ? new RedisLoginSlots(new Redis(url, rateLimitsRedisOptions(config))) : new MemoryLoginSlots();
}
