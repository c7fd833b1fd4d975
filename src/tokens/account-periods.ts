import { Injectable } from '@nestjs/common';
import { EntityManager, LessThanOrEqual } from 'typeorm';
import { Clock } from '../common/clock.js';
import { execute } from '../database/sql.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { AccountPolicy } from './account-policy.js';
import { AccountPostings, type ApplyOptions } from './account-postings.js';
import { LedgerEvents } from './ledger-events.js';
import { TokenAccount } from './token-account.entity.js';
import { LedgerEntryType, TokenLedgerEntry } from './token-ledger-entry.entity.js';
import type { Posting } from './token-ledger.js';
import { TokensError, TokensErrorCode } from './tokens.errors.js';

/** Enough for an account idle for a century; stops a runaway loop on a corrupt period. */
const MAX_PERIODS_PER_ROLL = 1200;

/**
 * Raised inside the charge transaction when the account's period has ended. The period is rolled
 * in a transaction of its own, so a charge refused afterwards does not undo the roll.
 */
export class PeriodEnded extends Error {}

export function insufficientTokens(balance: number, required: number): TokensError {
  return new TokensError(
    TokensErrorCode.INSUFFICIENT_TOKENS,
    `Insufficient tokens: this request costs ${required}, the balance is ${balance}`,
    {
      balance,
      required,
    },
  );
}

function noBillableAccount(): TokensError {
  return new TokensError(
    TokensErrorCode.NO_ACTIVE_SUBSCRIPTION,
    'No token account and no active subscription to seed one from; the request was not served',
  );
}

/**
 * An account's periods, seen from the ledger: a missing account is seeded from the policy's opening
 * terms, an ended period is rolled (expiry above the rollover cap, the next period's grant), and a
 * posting goes to an account brought up to date first.
 */
@Injectable()
export class AccountPeriods {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly policy: AccountPolicy,
    private readonly clock: Clock,
    private readonly postings: AccountPostings,
    private readonly events: LedgerEvents,
  ) {}

  /** Seeds a missing account and rolls an ended period; inside `em`, or in a transaction of its own. */
  async bringUpToDate(userId: string, em?: EntityManager): Promise<void> {
    const account = await (em ?? this.tx.manager).findOneBy(TokenAccount, { userId });
    if (account && account.periodEnd.getTime() > this.clock.now().getTime()) return;
    const bringUpToDate = async (em: EntityManager) => {
      if (await this.seedIfMissing(em, userId)) await this.rollIn(em, userId);
    };
    await (em ? bringUpToDate(em) : this.tx.run(bringUpToDate));
  }

  async rollDuePeriods(limit: number): Promise<number> {
    const due = await this.tx.manager.find(TokenAccount, {
      select: { userId: true },
      where: { periodEnd: LessThanOrEqual(this.clock.now()) },
      order: { periodEnd: 'ASC' },
      take: limit,
    });
    let rolled = 0;
    for (const { userId } of due) {
      if (await this.tx.run((em) => this.rollIn(em, userId))) rolled++;
    }
    return rolled;
  }

  /**
   * Applies a posting to a current account. When no row matched, finds out why: a missing account
   * is seeded, an ended period is rolled (or signalled, for charges), a short balance is a 402.
   */
  async settle(
    em: EntityManager,
    posting: Posting,
    options: Omit<ApplyOptions, 'openAt'>,
    onPeriodEnd: 'roll' | 'signal' = 'roll',
  ): Promise<TokenLedgerEntry> {
    let seeded = false;
    for (let attempt = 0; attempt < 4; attempt++) {
      const now = this.clock.now();
      const entry = await this.postings.apply(em, posting, { ...options, openAt: now });
      if (entry) return entry;
      const account = await em.findOneBy(TokenAccount, { userId: posting.userId });
      if (!account) {
        if (!(await this.seedIfMissing(em, posting.userId))) throw noBillableAccount();
        seeded = true;
      } else if (account.periodEnd.getTime() <= now.getTime()) {
        // An account seeded here is rolled here too: signalling would roll the seed back with this
        // transaction, and parallel first requests would keep seeding and undoing it (deadlocks on MariaDB).
        if (onPeriodEnd === 'signal' && !seeded) throw new PeriodEnded();
        await this.rollIn(em, posting.userId);
      } else {
        throw insufficientTokens(account.balance, -posting.amount);
      }
    }
    throw new Error(`The token account of ${posting.userId} could not be brought up to date`);
  }

  /**
   * Creates a missing account from the account policy's opening terms, with its initial_grant row.
   * The insert ignores an existing row, so concurrent first requests seed once. A zero balance
   * is an existing account and is never re-seeded. Returns true when the account exists afterwards.
   */
  async seedIfMissing(em: EntityManager, userId: string): Promise<boolean> {
    if (await em.existsBy(TokenAccount, { userId })) return true;
    const terms = await this.policy.openingTerms(userId, em);
    if (!terms) return false;
    const now = this.clock.now();
    const tokens = terms.allowance;
    const ignore = this.tx.isMysql ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    const inserted = await execute(
      em,
      `${ignore} INTO token_accounts (user_id, balance, allowance, credits, period_allowance_granted, used_this_period, ledger_seq, period_end, updated_at)
       VALUES (?, ?, ?, 0, ?, 0, 1, ?, ?)`,
      [userId, tokens, tokens, tokens, terms.periodEnd, now],
    );
    if (inserted === 1) {
      const posting = {
        userId,
        type: LedgerEntryType.InitialGrant,
        amount: tokens,
        metadata: { seededFrom: 'subscription', planCode: terms.tier },
      };
      const entry = await this.postings.appendEntry(em, posting, { allowance: tokens, credits: 0 }, 1, tokens, now);
      this.events.seeded(em, entry, terms.tier);
    }
    return true;
  }

  /**
   * Rolls every ended period of the account, one period at a time: what exceeds the policy's
   * rollover cap expires, the period's grant is added, used_this_period restarts.
   * Each period is claimed by moving period_end from its old value, so a period is rolled
   * once however many requests, jobs or instances try at the same time; the claim also holds
   * the account's row lock, so the balance read for the expiry cannot change underneath.
   * Returns true when it rolled at least one period.
   */
  async rollIn(em: EntityManager, userId: string): Promise<boolean> {
    const now = this.clock.now();
    const terms = await this.policy.periodTerms(userId, em);
    let rolled = false;
    for (let i = 0; i < MAX_PERIODS_PER_ROLL; i++) {
      const account = await em.findOneBy(TokenAccount, { userId });
      if (!account || account.periodEnd.getTime() > now.getTime()) break;
      const periodStart = account.periodEnd;
      const periodEnd = this.policy.nextPeriodEnd(periodStart);
      const { grant } = terms;
      const claimed = await execute(
        em,
        'UPDATE token_accounts SET period_end = ?, used_this_period = 0, period_allowance_granted = ?, updated_at = ? WHERE user_id = ? AND period_end = ?',
        [periodEnd, grant, now, userId, periodStart],
      );
      if (claimed === 0) continue;
      rolled = true;

      // Only the allowance expires, above the plan's cap; credits are kept whole.
      const { allowance } = await em.findOneByOrFail(TokenAccount, { userId });
      const cap = terms.rolloverCap;
      const period = { periodStart: periodStart.toISOString(), periodEnd: periodEnd.toISOString() };
      if (allowance > cap) {
        const expired = cap - allowance;
        const posting: Posting = {
          userId,
          type: LedgerEntryType.Expiry,
          amount: expired,
          metadata: { ...period, rolloverCap: cap },
          buckets: { allowance: expired, credits: 0 },
        };
        const expiry = await this.postings.apply(em, posting, { requireFunds: false, usedDelta: 0 });
        this.events.posted(em, expiry!);
      }
      if (grant > 0) {
        const entry = await this.postings.apply(
          em,
          { userId, type: LedgerEntryType.PeriodGrant, amount: grant, metadata: { ...period, planCode: terms.tier } },
          { requireFunds: false, usedDelta: 0 },
        );
        this.events.posted(em, entry!);
      }
      await this.policy.periodRolled(em, userId, periodStart, periodEnd);
    }
    return rolled;
  }
}
