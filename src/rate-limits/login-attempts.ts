import { Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { tooManyRequests } from './too-many-requests.js';

const WINDOW_MS = 15 * 60 * 1000;
const SECOND_MS = 1000;
const THROTTLER = 'login';

const digest = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * Failed logins per account and per client address, counted in the throttler's storage. Only
 * failures count, and a locked account refuses even the right password, so two keys per scope:
 * `failures` counts wrong passwords; `lock` is blocked for 15 minutes once they reach the limit
 * and is probed (with a limit it never reaches) before a password is checked. A failure is only known
 * once its password was checked, so parallel guesses could all pass the probe before the first is
 * counted: an account also takes at most `THROTTLE_LOGIN_FAILURES` attempts a second, which keeps a
 * burst to less than twice the limit.
 */
@Injectable()
export class LoginAttempts {
  private readonly limits: { account: number; address: number };

  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    config: AppConfig,
  ) {
    this.limits = { account: config.get('THROTTLE_LOGIN_FAILURES'), address: config.get('THROTTLE_LOGIN_FAILURES_PER_ADDRESS') };
  }

  /** 429 while the account (by email, known or not) or the client address is locked. */
  async assertAllowed(email: string, address: string): Promise<void> {
    const scopes = this.scopes(email, address);
    const [account] = scopes;
    const busy = await this.storage.increment(`login-burst:${account.key}`, SECOND_MS, account.limit, SECOND_MS, THROTTLER);
    if (busy.isBlocked) throw tooManyRequests(busy.timeToBlockExpire);
    const probes = await Promise.all(
      scopes.map(({ key }) => this.storage.increment(`login-lock:${key}`, WINDOW_MS, Number.MAX_SAFE_INTEGER, WINDOW_MS, THROTTLER)),
    );
    const locked = probes.filter((probe) => probe.isBlocked);
    if (locked.length > 0) throw tooManyRequests(Math.max(...locked.map((probe) => probe.timeToBlockExpire)));
  }

  /** Counts a wrong password; the one that reaches a limit locks that scope. */
  async recordFailure(email: string, address: string): Promise<void> {
    await Promise.all(
      this.scopes(email, address).map(async ({ key, limit }) => {
        const { totalHits } = await this.storage.increment(`login-failures:${key}`, WINDOW_MS, limit, WINDOW_MS, THROTTLER);
        // limit 0: this hit blocks the lock key for the whole block duration.
        if (totalHits >= limit) await this.storage.increment(`login-lock:${key}`, WINDOW_MS, 0, WINDOW_MS, THROTTLER);
      }),
    );
  }

  private scopes(email: string, address: string): { key: string; limit: number }[] {
    return [
      { key: `account:${digest(email.toLowerCase())}`, limit: this.limits.account },
      { key: `address:${digest(address)}`, limit: this.limits.address },
    ];
  }
}
