import type { TokenAccount } from '../entities/token-account.entity.js';

/**
 * The condition of an account that postings may go to at a time (two parameters): its period runs and
 * none of its promotional grants is due. Otherwise the posting path brings it up to date first
 * (AccountPeriods), as it does for a period that ended.
 */
export const CURRENT_AT = '(period_end > ? AND (grants_expire_at IS NULL OR grants_expire_at > ?))';

/** CURRENT_AT, of a row already read. */
export function isCurrent(account: Pick<TokenAccount, 'periodEnd' | 'grantsExpireAt'>, at: Date): boolean {
  return account.periodEnd.getTime() > at.getTime() && !grantsDue(account, at);
}

/** Whether a promotional grant of the account has reached its `expiresAt`. */
export function grantsDue(account: Pick<TokenAccount, 'grantsExpireAt'>, at: Date): boolean {
  return account.grantsExpireAt !== null && account.grantsExpireAt.getTime() <= at.getTime();
}
