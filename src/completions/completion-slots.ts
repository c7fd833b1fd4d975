import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/app-error.js';
import { AppConfig } from '../config/app-config.js';

/** What a refused completion tells its client to wait: a completion usually ends within seconds. */
const RETRY_AFTER_SECONDS = 1;

/** A payer's place among its completions in flight: given back once, by `release`, however the completion ended. */
export interface CompletionSlot {
  release(): void;
}

/**
 * The completions each paying user has in flight in this process: at most LLM_MAX_CONCURRENT_PER_USER,
 * so one user cannot take the process's CPU (token estimates) or the upstream's capacity from the
 * others. Counted per app instance: N instances let a user run N times as many.
 */
@Injectable()
export class CompletionSlots {
  private readonly limit: number;
  private readonly inFlight = new Map<string, number>();

  constructor(config: AppConfig) {
    this.limit = config.get('LLM_MAX_CONCURRENT_PER_USER');
  }

  /** Takes a slot of `payerId`, or throws 429 TOO_MANY_REQUESTS (with Retry-After) when all of them are taken. */
  take(payerId: string): CompletionSlot {
    const taken = this.inFlight.get(payerId) ?? 0;
    if (taken >= this.limit)
      throw new AppError(
        ErrorCode.TOO_MANY_REQUESTS,
        `Too many completions in flight: at most ${this.limit} at a time per user; try again in ${RETRY_AFTER_SECONDS} s`,
        { retryAfter: RETRY_AFTER_SECONDS, limit: this.limit },
      );
    this.inFlight.set(payerId, taken + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const left = (this.inFlight.get(payerId) ?? 1) - 1;
        if (left > 0) this.inFlight.set(payerId, left);
        else this.inFlight.delete(payerId);
      },
    };
  }

  /** The completions of `payerId` in flight now. */
  inFlightOf(payerId: string): number {
    return this.inFlight.get(payerId) ?? 0;
  }
}
