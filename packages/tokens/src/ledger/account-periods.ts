import { Injectable } from '@nestjs/common';
import { EntityManager, LessThanOrEqual } from 'typeorm';
import { Clock } from '@token-metering/database';
import { execute } from '@token-metering/database';
import { TransactionRunner } from '@token-metering/database';
import { AccountPolicy, type PeriodTerms } from '../account-policy.js';
import { AccountPostings, type ApplyOptions } from './account-postings.js';
import { AllowanceExpiry } from './allowance-expiry.js';
import { grantsDue, isCurrent } from './account-current.js';
import { PromotionalGrants } from './promotional-grants.js';
import { LedgerEvents } from './ledger-events.js';
import { type Collection, type CollectOptions, OwedTokens } from './owed-tokens.js';
import { TokenAccount } from '../entities/token-account.entity.js';
import { LedgerEntryType, TokenLedgerEntry } from '../entities/token-ledger-entry.entity.js';
import type { LimitReached, Posting } from './token-ledger.js';
import { TokensError, TokensErrorCode } from '../tokens.errors.js';

/** Enough for an account idle for a century; stops a runaway loop on a corrupt period. */
const MAX_PERIODS_PER_ROLL = 1200;

/** What a posting to an account came to: its entry, or why no account row matched. */
export type Settled =
  | { kind: 'posted'; entry: TokenLedgerEntry }
  | { kind: 'insufficient'; balance: number; required: number }
  | { kind: 'no_account' }
  /** Only when asked to leave an ended period to the caller (a charge rolls it in a transaction of its own). */
  | { kind: 'period_ended' };

export type Refusal = Exclude<Settled, { kind: 'posted' }>;

/** The error a refused posting answers with. */
export function refusalError(refusal: Refusal | LimitReached): TokensError {
  switch (refusal.kind) {
    case 'limit_reached':
      return spendLimitReached(refusal);
    case 'insufficient':
      return insufficientTokens(refusal.balance, refusal.required);
    case 'no_account':
      return noBillableAccount();
    case 'period_ended':
      return periodNotCurrent();
  }
}

export function periodNotCurrent(): TokensError {
  return new TokensError(
    TokensErrorCode.LEDGER_UNAVAILABLE,
    'The token account could not be brought up to date; nothing was charged and the request did not run',
  );
}

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

function spendLimitReached({ limit, spent, required, resetsAt }: LimitReached): TokensError {
  return new TokensError(
    TokensErrorCode.SPEND_LIMIT_REACHED,
    `Spend limit reached: this request costs ${required}, ${spent} of the limit of ${limit} is spent`,
    { limit, spent, required, resetsAt: resetsAt?.toISOString() ?? null },
  );
}

function noBillableAccount(): TokensError {
  return new TokensError(
    TokensErrorCode.NO_OPENING_TERMS,
    'No token account, and the account policy has no terms to open one with; the request was not served',
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
    private readonly owed: OwedTokens,
    private readonly expiry: AllowanceExpiry,
    private readonly grants: PromotionalGrants,
  ) {}

  /**
   * Seeds a missing account, expires its due promotional grants and rolls an ended period; inside
   * `em`, or in a transaction of its own.
   */
  async bringUpToDate(payerId: string, em?: EntityManager): Promise<void> {
    const account = await (em ?? this.tx.manager).findOneBy(TokenAccount, { payerId });
    if (account && isCurrent(account, this.clock.now())) return;
    const bringUpToDate = async (em: EntityManager) => {
      if (!(await this.seedIfMissing(em, payerId))) return;
      await this.grants.expireDue(em, payerId);
      await this.rollIn(em, payerId);
    };
    await (em ? bringUpToDate(em) : this.tx.run(bringUpToDate));
  }

  /** The background sweep: ended periods rolled and due promotional grants expired, up to `limit` accounts of each. */
  async rollDuePeriods(limit: number): Promise<number> {
    const due = await this.tx.manager.find(TokenAccount, {
      select: { payerId: true },
      where: { periodEnd: LessThanOrEqual(this.clock.now()) },
      order: { periodEnd: 'ASC' },
      take: limit,
    });
    let rolled = 0;
    for (const { payerId } of due) {
      if (await this.tx.run((em) => this.rollIn(em, payerId))) rolled++;
    }
    for (const payerId of await this.grants.dueAccounts(this.tx.manager, limit)) {
      if (await this.tx.run((em) => this.grants.expireDue(em, payerId))) rolled++;
    }
    return rolled;
  }

  /**
   * Applies a posting to a current account. When no row matched, finds out why: a short balance is
   * refused; a missing account is seeded and an ended period rolled (unless `onPeriodEnd` leaves
   * that to the caller), then the posting is applied once more. Tokens it brings repay what the
   * account owes first.
   */
  settle(
    em: EntityManager,
    posting: Posting,
    options: Omit<ApplyOptions, 'openAt'>,
    onPeriodEnd: 'roll' | 'leave' = 'roll',
  ): Promise<Settled> {
    return this.post(em, posting, onPeriodEnd, (openAt) => this.applyRepaying(em, posting, { ...options, openAt }));
  }

  /** The posting's statement and entry; tokens it brings repay what the account owes first (same transaction). */
  private async applyRepaying(em: EntityManager, posting: Posting, options: ApplyOptions): Promise<TokenLedgerEntry | null> {
    const entry = await this.postings.apply(em, posting, options);
    if (entry) await this.owed.repay(em, entry);
    return entry;
  }

  /** A debit never refused for a short balance: what the balance does not cover is owed (see OwedTokens). */
  collect(em: EntityManager, posting: Posting, options: Omit<CollectOptions, 'openAt'>, how: Collection): Promise<Settled> {
    return this.post(em, posting, 'roll', (openAt) => this.owed.collect(em, posting, { ...options, openAt }, how));
  }

  private async post(
    em: EntityManager,
    posting: Posting,
    onPeriodEnd: 'roll' | 'leave',
    apply: (openAt: Date) => Promise<TokenLedgerEntry | null>,
  ): Promise<Settled> {
    const applyNow = async (): Promise<Settled | null> => {
      const entry = await apply(this.clock.now());
      return entry && { kind: 'posted', entry };
    };
    const first = await applyNow();
    if (first) return first;
    const account = await em.findOneBy(TokenAccount, { payerId: posting.payerId });
    const now = this.clock.now();
    if (account && isCurrent(account, now)) {
      return { kind: 'insufficient', balance: account.balance, required: -posting.amount };
    }
    // A grant due is expired here, whatever the caller does with an ended period.
    if (account && grantsDue(account, now)) await this.grants.expireDue(em, posting.payerId);
    if (account && account.periodEnd.getTime() <= now.getTime() && onPeriodEnd === 'leave') return { kind: 'period_ended' };
    // An account seeded here is rolled here too: leaving that to the caller would roll the seed back
    // with this transaction, and parallel first requests would keep seeding and undoing it (deadlocks on MariaDB).
    if (!(await this.seedIfMissing(em, posting.payerId))) return { kind: 'no_account' };
    await this.rollIn(em, posting.payerId);
    return (await applyNow()) ?? (await this.refusalOf(em, posting));
  }

  /** Why a posting to an account just brought up to date matched no row. */
  private async refusalOf(em: EntityManager, posting: Posting): Promise<Refusal> {
    const account = await em.findOneBy(TokenAccount, { payerId: posting.payerId });
    if (!account) return { kind: 'no_account' };
    if (!isCurrent(account, this.clock.now())) return { kind: 'period_ended' };
    return { kind: 'insufficient', balance: account.balance, required: -posting.amount };
  }

  /**
   * Creates a missing account from the account policy's opening terms, with its initial_grant row.
   * The insert ignores an existing row, so concurrent first requests seed once. A zero balance
   * is an existing account and is never re-seeded. Returns true when the account exists afterwards.
   */
  async seedIfMissing(em: EntityManager, payerId: string): Promise<boolean> {
    if (await em.existsBy(TokenAccount, { payerId })) return true;
    const terms = await this.policy.openingTerms(payerId, em);
    if (!terms) return false;
    const now = this.clock.now();
    const tokens = terms.allowance;
    const ignore = this.tx.isMysql ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    const inserted = await execute(
      em,
      `${ignore} INTO token_accounts (user_id, balance, allowance, credits, period_allowance_granted, used_this_period, ledger_seq, period_end, updated_at)
       VALUES (?, ?, ?, 0, ?, 0, 1, ?, ?)`,
      [payerId, tokens, tokens, tokens, terms.periodEnd, now],
    );
    if (inserted === 1) {
      const posting = {
        payerId,
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
  async rollIn(em: EntityManager, payerId: string): Promise<boolean> {
    const now = this.clock.now();
    let terms: PeriodTerms | undefined;
    let rolled = false;
    for (let i = 0; i < MAX_PERIODS_PER_ROLL; i++) {
      const account = await em.findOneBy(TokenAccount, { payerId });
      if (!account || account.periodEnd.getTime() > now.getTime()) break;
      terms ??= await this.policy.periodTerms(payerId, em);
      const periodStart = account.periodEnd;
      const periodEnd = this.policy.nextPeriodEnd(periodStart);
      const { grant } = terms;
      const claimed = await execute(
        em,
        'UPDATE token_accounts SET period_end = ?, used_this_period = 0, period_allowance_granted = ?, updated_at = ? WHERE user_id = ? AND period_end = ?',
        [periodEnd, grant, now, payerId, periodStart],
      );
      if (claimed === 0) continue;
      rolled = true;

      // Only the allowance expires, above the plan's cap; credits are kept whole.
      const period = { periodStart: periodStart.toISOString(), periodEnd: periodEnd.toISOString() };
      await this.expiry.expire(em, payerId, terms.rolloverCap, period);
      if (grant > 0) {
        const entry = await this.applyRepaying(
          em,
          { payerId, type: LedgerEntryType.PeriodGrant, amount: grant, metadata: { ...period, planCode: terms.tier } },
          { requireFunds: false, usedDelta: 0 },
        );
        this.events.posted(em, entry!);
      }
      await this.policy.periodRolled(em, payerId, periodStart, periodEnd);
    }
    return rolled;
  }
}
