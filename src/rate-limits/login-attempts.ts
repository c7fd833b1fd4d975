import { Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { tooManyRequests } from './too-many-requests.js';

const WINDOW_MS = 15 * 60 * 1000;
const SECOND_MS = 1000;
const THROTTLER = 'login';

const digest = (value: string) => createHash('sha256').update(value).digest('hex');

interface Scope {
  key: string;
  limit: number;
}

/**
 * Login attempts, counted in the throttler's storage (atomic increments, shared through Redis).
 *
 * - Per client address, every attempt takes a slot before its password is checked, so parallel
 *   attempts cannot all pass before the first is counted: at most the limit are checked. A slot is
 *   not given back after a right password (the storage only counts up), so the address limit
 *   counts attempts, successful ones included.
 * - Per account (by email, known or not), only wrong passwords count: per account and address, so
 *   failures from one address never lock the owner out at another, and per account across all
 *   addresses, against guessing spread over many. A failure is only known once its password was
 *   checked, so each of these has a `lock` key, blocked once the failures reach the limit and probed
 *   before a password is checked; an account also takes at most THROTTLE_LOGIN_FAILURES checks a
 *   second, which keeps a parallel burst on one account to less than twice the limit.
 */
@Injectable()
export class LoginAttempts {
  private readonly limits: { accountAtAddress: number; account: number; address: number };

  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    config: AppConfig,
  ) {
    this.limits = {
      accountAtAddress: config.get('THROTTLE_LOGIN_FAILURES'),
      account: config.get('THROTTLE_LOGIN_FAILURES_PER_ACCOUNT_ALL'),
      address: config.get('THROTTLE_LOGIN_FAILURES_PER_ADDRESS'),
    };
  }

  /**
   * Before a password is checked (`email` in its normal form): 429 while the account is locked at
   * this address or everywhere, or the address has no attempt left; otherwise the attempt is counted.
   */
  async reserve(email: string, address: string): Promise<void> {
    const { accountAtAddress, account, clientAddress } = this.scopes(email, address);
    // The locks come first: a refused attempt checks no password and takes no slot.
    const probes = await Promise.all(
      [accountAtAddress, account].map(({ key }) =>
        this.storage.increment(`login-lock:${key}`, WINDOW_MS, Number.MAX_SAFE_INTEGER, WINDOW_MS, THROTTLER),
      ),
    );
    const locked = probes.filter((probe) => probe.isBlocked);
    if (locked.length > 0) throw tooManyRequests(Math.max(...locked.map((probe) => probe.timeToBlockExpire)));
    const slot = await this.storage.increment(`login-attempts:${clientAddress.key}`, WINDOW_MS, clientAddress.limit, WINDOW_MS, THROTTLER);
    if (slot.isBlocked) throw tooManyRequests(slot.timeToBlockExpire);
    // After the address's slot, so an address that is refused cannot use up the account's second.
    const burst = await this.storage.increment(`login-burst:${account.key}`, SECOND_MS, accountAtAddress.limit, SECOND_MS, THROTTLER);
    if (burst.isBlocked) throw tooManyRequests(burst.timeToBlockExpire);
  }

  /** Counts a wrong password against the account, at this address and everywhere; the one that reaches a limit locks that scope. */
  async recordFailure(email: string, address: string): Promise<void> {
    const { accountAtAddress, account } = this.scopes(email, address);
    await Promise.all(
      [accountAtAddress, account].map(async ({ key, limit }) => {
        const { totalHits } = await this.storage.increment(`login-failures:${key}`, WINDOW_MS, limit, WINDOW_MS, THROTTLER);
        // limit 0: this hit blocks the lock key for the whole block duration.
        if (totalHits >= limit) await this.storage.increment(`login-lock:${key}`, WINDOW_MS, 0, WINDOW_MS, THROTTLER);
      }),
    );
  }

  private scopes(email: string, address: string): Record<'accountAtAddress' | 'account' | 'clientAddress', Scope> {
    return {
      accountAtAddress: { key: `account-at-address:${digest(`${email}\n${address}`)}`, limit: this.limits.accountAtAddress },
      account: { key: `account:${digest(email)}`, limit: this.limits.account },
      clientAddress: { key: `address:${digest(address)}`, limit: this.limits.address },
    };
  }
}
