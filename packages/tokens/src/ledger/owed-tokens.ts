import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isCurrent } from './account-current.js';
import { AccountPostings, type ApplyOptions } from './account-postings.js';
import { LedgerEvents } from './ledger-events.js';
import { TokenAccount } from '../entities/token-account.entity.js';
import { LedgerEntryType, type TokenLedgerEntry } from '../entities/token-ledger-entry.entity.js';
import type { BucketSplit, DebitOrder, Posting } from './token-ledger.js';

/** Entries that bring tokens to an account: each repays what the account owes first. */
const REPAYING: ReadonlySet<LedgerEntryType> = new Set([
  LedgerEntryType.Purchase,
  LedgerEntryType.AdminGrant,
  LedgerEntryType.PeriodGrant,
  LedgerEntryType.PlanChange,
  LedgerEntryType.PurchaseReinstated,
]);

export type CollectOptions = Omit<ApplyOptions, 'requireFunds' | 'movement' | 'owedDelta'>;

export interface Collection {
  order: DebitOrder;
  /** Put `uncollected` on the entry even when everything was taken (0). */
  recordFullCollection?: boolean;
}

/**
 * Owed tokens. A debit that must not be refused for a short balance (a completion's actual price,
 * a refunded purchase) takes what the balance has and the rest becomes `owed`, recorded on its
 * entry as `metadata.uncollected`; balances never go below 0. Tokens the account receives later
 * repay `owed` first, with an `owed_repayment` entry right after the entry that brought them.
 */
@Injectable()
export class OwedTokens {
  constructor(
    private readonly postings: AccountPostings,
    private readonly events: LedgerEvents,
  ) {}

  /**
   * Posts the debit `posting` for as much as the balance covers, the rest owed. The account row is
   * locked before it is read, so the amount taken cannot be outdated when it is written. Null when
   * the account is missing or its period is not running at `openAt`.
   */
  async collect(em: EntityManager, posting: Posting, options: CollectOptions, how: Collection): Promise<TokenLedgerEntry | null> {
    // When the balance covers it (the usual case), the debit is the plain conditional statement.
    if (how.order === 'allowance_first' && !how.recordFullCollection) {
      const paid = await this.postings.apply(em, posting, { ...options, requireFunds: true });
      if (paid) return paid;
    }
    const account = await this.postings.lockedAccount(em, posting.payerId);
    if (!account || (options.openAt && !isCurrent(account, options.openAt))) return null;
    const price = -posting.amount;
    const buckets = takenFrom(account, Math.min(price, account.balance), how.order);
    const taken = -(buckets.allowance + buckets.credits);
    const uncollected = price - taken;
    const metadata = uncollected > 0 || how.recordFullCollection ? { ...posting.metadata, uncollected } : (posting.metadata ?? null);
    const entry = await this.postings.apply(
      em,
      { ...posting, amount: -taken, metadata, buckets },
      { ...options, requireFunds: false, owedDelta: uncollected },
    );
    if (!entry) throw new Error(`the debit of ${taken} of ${posting.payerId} was refused under its row lock`);
    return entry;
  }

  /**
   * After an entry that brought tokens: repays what the account owes from them (from the bucket they
   * went to), as an `owed_repayment` entry in the same transaction. The entry's UPDATE holds the
   * account's row lock, so `owed` read here is current. Null when nothing was owed.
   */
  async repay(em: EntityManager, entry: TokenLedgerEntry): Promise<TokenLedgerEntry | null> {
    if (!REPAYING.has(entry.type) || entry.amount <= 0) return null;
    const { owed } = await em.findOneByOrFail(TokenAccount, { payerId: entry.payerId });
    const repaid = Math.min(owed, entry.amount);
    if (repaid === 0) return null;
    const fromCredits = Math.min(repaid, Math.max(entry.creditsAmount, 0));
    const posting: Posting = {
      payerId: entry.payerId,
      type: LedgerEntryType.OwedRepayment,
      amount: -repaid,
      requestId: entry.requestId,
      clientRequestId: entry.clientRequestId,
      actorId: entry.actorId,
      metadata: { repaidFrom: entry.id },
      buckets: { allowance: 0 - (repaid - fromCredits), credits: 0 - fromCredits },
    };
    const repayment = await this.postings.apply(em, posting, { requireFunds: false, usedDelta: 0, owedDelta: -repaid });
    if (!repayment) throw new Error(`the repayment of ${repaid} owed tokens of ${entry.payerId} was refused under its row lock`);
    this.events.posted(em, repayment);
    return repayment;
  }
}

/** `amount` (at most the balance) taken from the account's buckets in `order`, as a signed split. */
function takenFrom(account: Pick<TokenAccount, 'allowance' | 'credits'>, amount: number, order: DebitOrder): BucketSplit {
  if (order === 'allowance_first') {
    const allowance = Math.min(amount, account.allowance);
    return { allowance: 0 - allowance, credits: 0 - (amount - allowance) };
  }
  const credits = Math.min(amount, account.credits);
  return { allowance: 0 - (amount - credits), credits: 0 - credits };
}
