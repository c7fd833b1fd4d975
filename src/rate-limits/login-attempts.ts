import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import { createHash, randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { loginSlotsFor, type LoginSlots } from './login-slots.js';
import { tooManyRequests } from './too-many-requests.js';

const WINDOW_MS = 15 * 60 * 1000;
const SECOND_MS = 1000;
const THROTTLER = 'login';

const digest = (value: string) => createHash('sha256').update(value).digest('hex');

interface Scope {
  key: string;
  limit: number;
}

/** A login attempt let through to its password check, holding one of its client address's slots. */
export interface LoginAttempt {
  email: string;
  address: string;
  addressSlot: string;
}

/**
 * Login attempts.
 *
 * - Per client address, every attempt takes a slot before its password is checked, and a right password
 *   gives it back: at most the limit of password checks from one address are in flight or failed in any
 *   15 minutes, so parallel attempts cannot all pass before the first is counted, and successful logins
 *   (many people behind one NAT address) never use the limit up. The slots are LoginSlots (in memory, or
 *   shared through Redis), since the throttler's storage can only count up.
 * - Per account (by email, known or not), only wrong passwords count, in the throttler's storage: per
 *   account and address, so failures from one address never lock the owner out at another, and per
 *   account across all addresses, against guessing spread over many. A failure is only known once its
 *   password was checked, so each of these has a `lock` key, blocked once the failures reach the limit
 *   and probed before a password is checked; an account also takes at most THROTTLE_LOGIN_FAILURES
 *   checks a second, which keeps a parallel burst on one account to less than twice the limit.
 */
@Injectable()
export class LoginAttempts implements OnModuleDestroy {
  private readonly logger = new Logger(LoginAttempts.name);
  private readonly limits: { accountAtAddress: number; account: number; address: number };
  private readonly addressSlots: LoginSlots;

  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    config: AppConfig,
  ) {
    this.limits = {
      accountAtAddress: config.get('THROTTLE_LOGIN_FAILURES'),
      account: config.get('THROTTLE_LOGIN_FAILURES_PER_ACCOUNT_ALL'),
      address: config.get('THROTTLE_LOGIN_FAILURES_PER_ADDRESS'),
    };
    this.addressSlots = loginSlotsFor(config);
  }

  /**
   * Before a password is checked (`email` in its normal form): 429 while the account is locked at this
   * address or everywhere, or every slot of the address is taken; otherwise the attempt holds a slot.
   */
  async reserve(email: string, address: string): Promise<LoginAttempt> {
    const { accountAtAddress, account, clientAddress } = this.scopes(email, address);
    // The locks come first: a refused attempt checks no password and takes no slot.
    const probes = await Promise.all(
      [accountAtAddress, account].map(({ key }) =>
        this.storage.increment(`login-lock:${key}`, WINDOW_MS, Number.MAX_SAFE_INTEGER, WINDOW_MS, THROTTLER),
      ),
    );
    const locked = probes.filter((probe) => probe.isBlocked);
    if (locked.length > 0) throw tooManyRequests(Math.max(...locked.map((probe) => probe.timeToBlockExpire)));
    const attempt = { email, address, addressSlot: randomUUID() };
    const waitMs = await this.addressSlots.take(clientAddress.key, attempt.addressSlot, clientAddress.limit, WINDOW_MS);
    if (waitMs > 0) throw tooManyRequests(Math.ceil(waitMs / 1000));
    try {
      // After the address's slot, so an address that is refused cannot use up the account's second.
      const burst = await this.storage.increment(`login-burst:${account.key}`, SECOND_MS, accountAtAddress.limit, SECOND_MS, THROTTLER);
      if (burst.isBlocked) throw tooManyRequests(burst.timeToBlockExpire);
    } catch (error) {
      // No password is checked: the slot is not kept.
      await this.giveBackSlot(attempt);
      throw error;
    }
    return attempt;
  }

  /** A right password: the attempt gives its address's slot back. */
  async recordSuccess(attempt: LoginAttempt): Promise<void> {
    await this.giveBackSlot(attempt);
  }

  /**
   * A wrong password keeps its address's slot and counts against the account, at this address and
   * everywhere; the one that reaches a limit locks that scope.
   */
  async recordFailure({ email, address }: LoginAttempt): Promise<void> {
    const { accountAtAddress, account } = this.scopes(email, address);
    await Promise.all(
      [accountAtAddress, account].map(async ({ key, limit }) => {
        const { totalHits } = await this.storage.increment(`login-failures:${key}`, WINDOW_MS, limit, WINDOW_MS, THROTTLER);
        // limit 0: this hit blocks the lock key for the whole block duration.
        if (totalHits >= limit) await this.storage.increment(`login-lock:${key}`, WINDOW_MS, 0, WINDOW_MS, THROTTLER);
      }),
    );
  }

  onModuleDestroy(): void {
    this.addressSlots.close();
  }

  /** A slot that cannot be given back stays taken until it ages out: stricter, never looser, and the login still answers. */
  private async giveBackSlot({ address, addressSlot }: LoginAttempt): Promise<void> {
    try {
      await this.addressSlots.giveBack(this.addressKey(address), addressSlot);
    } catch (error) {
      this.logger.warn(`A login slot of a client address was not given back: ${(error as Error).message}`);
    }
  }

  private addressKey(address: string): string {
    return `login-address-slots:${digest(address)}`;
  }

  private scopes(email: string, address: string): Record<'accountAtAddress' | 'account' | 'clientAddress', Scope> {
    return {
      accountAtAddress: { key: `account-at-address:${digest(`${email}\n${address}`)}`, limit: this.limits.accountAtAddress },
      account: { key: `account:${digest(email)}`, limit: this.limits.account },
      clientAddress: { key: this.addressKey(address), limit: this.limits.address },
    };
  }
}
