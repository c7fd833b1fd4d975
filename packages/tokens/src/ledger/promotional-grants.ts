import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type EntityManager, LessThanOrEqual, MoreThanOrEqual, Not } from 'typeorm';
import { Clock, execute } from '@token-metering/database';
import { grantsDue } from './account-current.js';
import { AccountPostings } from './account-postings.js';
import { burnDown, type CreditsEntry, type GrantMismatch, grantMismatches, replayStart, spendingOrder } from './grant-burndown.js';
import { LedgerEvents } from './ledger-events.js';
import { TokenAccount } from '../entities/token-account.entity.js';
import { TokenGrant } from '../entities/token-grant.entity.js';
import { LedgerEntryType, TokenLedgerEntry } from '../entities/token-ledger-entry.entity.js';
import type { Posting } from './token-ledger.js';

/** A promotional grant as the balance shows it. */
export interface GrantView {
  id: string;
  amount: number;
  remaining: number;
  priority: number;
  expiresAt: Date;
  reason: string;
}

export interface GrantTermsInput {
  expiresAt: Date;
  priority: number;
  reason: string;
}

/** An account's grants and what the ledger says is left of each. */
export interface GrantsState {
  grants: TokenGrant[];
  remaining: Map<string, number>;
  permanent: number;
  overdrawn: number;
}

/**
 * Promotional grants: created with an `admin_grant` entry into credits, spent before other credits in
 * their order, and closed at `expiresAt` by a `grant_expiry` entry that removes what is left. The
 * account's `grants_expire_at` makes debits fall through to the posting path that expires them first,
 * under the account's row lock, so a grant is never spent after `expiresAt` and expires exactly once.
 */
@Injectable()
export class PromotionalGrants {
  constructor(
    private readonly clock: Clock,
    private readonly postings: AccountPostings,
    private readonly events: LedgerEvents,
  ) {}

  /** The grant's row, after its `admin_grant` entry (`entry`) was written in `em`. */
  async record(em: EntityManager, entry: TokenLedgerEntry, grantId: string, terms: GrantTermsInput): Promise<void> {
    await em.insert(TokenGrant, {
      id: grantId,
      payerId: entry.payerId,
      amount: entry.amount,
      priority: terms.priority,
      expiresAt: terms.expiresAt,
      reason: terms.reason,
      entrySeq: entry.seq,
      expirySeq: null,
      createdAt: entry.createdAt,
    });
    await execute(
      em,
      `UPDATE token_accounts SET grants_expire_at = CASE WHEN grants_expire_at IS NULL OR grants_expire_at > ? THEN ? ELSE grants_expire_at END
        WHERE user_id = ?`,
      [terms.expiresAt, terms.expiresAt, entry.payerId],
    );
  }

  /** The metadata of a promotional grant's entry. */
  static metadataOf(grantId: string, terms: GrantTermsInput): Posting['metadata'] {
    return { reason: terms.reason, grantId, expiresAt: terms.expiresAt.toISOString(), priority: terms.priority };
  }

  static newId(): string {
    return randomUUID();
  }

  /**
   * Writes the `grant_expiry` of every grant of the account whose `expiresAt` has come, each removing
   * what the ledger says is left of it, and moves `grants_expire_at` to the next. Runs under the
   * account's row lock (taken first), so concurrent callers expire each grant once.
   */
  async expireDue(em: EntityManager, payerId: string): Promise<number> {
    const now = this.clock.now();
    const account = await this.postings.lockedAccount(em, payerId);
    if (!account || !grantsDue(account, now)) return 0;
    const state = await this.stateIn(em, account);
    const due = state.grants.filter((grant) => grant.expirySeq === null && grant.expiresAt.getTime() <= now.getTime());
    due.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || a.entrySeq - b.entrySeq);
    for (const grant of due) {
      const rest = state.remaining.get(grant.id) ?? 0;
      const posting: Posting = {
        payerId,
        type: LedgerEntryType.GrantExpiry,
        amount: -rest,
        metadata: { grantId: grant.id, expiresAt: grant.expiresAt.toISOString() },
        buckets: { allowance: 0, credits: 0 - rest },
      };
      const entry = await this.postings.apply(em, posting, { requireFunds: false, usedDelta: 0 });
      if (!entry) throw new Error(`the expiry of grant ${grant.id} was refused under its row lock`);
      const closed = await execute(em, 'UPDATE token_grants SET expiry_seq = ? WHERE id = ? AND expiry_seq IS NULL', [entry.seq, grant.id]);
      if (closed !== 1) throw new Error(`grant ${grant.id} was expired twice`);
      this.events.posted(em, entry);
    }
    const next = state.grants
      .filter((grant) => grant.expirySeq === null && !due.includes(grant))
      .reduce<Date | null>((soonest, grant) => (soonest && soonest <= grant.expiresAt ? soonest : grant.expiresAt), null);
    await execute(em, 'UPDATE token_accounts SET grants_expire_at = ? WHERE user_id = ?', [next, payerId]);
    return due.length;
  }

  /** What is wrong with the grants of the accounts that have any (the integrity report), up to `limit` accounts' findings. */
  async mismatches(em: EntityManager, limit: number): Promise<{ found: Array<GrantMismatch & { userId: string }>; total: number }> {
    const rows: Array<{ user_id: string }> = await em.query('SELECT DISTINCT user_id FROM token_grants ORDER BY user_id');
    const found: Array<GrantMismatch & { userId: string }> = [];
    for (const { user_id: payerId } of rows) {
      const account = await em.findOneBy(TokenAccount, { payerId });
      if (!account) continue;
      const state = await this.stateIn(em, account);
      found.push(...grantMismatches(state.grants, state, account.credits).map((mismatch) => ({ userId: payerId, ...mismatch })));
    }
    return { found: found.slice(0, limit), total: found.length };
  }

  /** Accounts with a grant due, for the background sweep. */
  async dueAccounts(em: EntityManager, limit: number): Promise<string[]> {
    const rows = await em.find(TokenAccount, {
      select: { payerId: true },
      where: { grantsExpireAt: LessThanOrEqual(this.clock.now()) },
      order: { grantsExpireAt: 'ASC' },
      take: limit,
    });
    return rows.map((row) => row.payerId);
  }

  /** The grants not yet expired, in spending order, with what is left of each. */
  async view(em: EntityManager, account: TokenAccount): Promise<GrantView[]> {
    if (account.grantsExpireAt === null) return [];
    const state = await this.stateIn(em, account);
    return state.grants
      .filter((grant) => grant.expirySeq === null)
      .sort(spendingOrder)
      .map(({ id, amount, priority, expiresAt, reason }) => ({
        id,
        amount,
        remaining: state.remaining.get(id) ?? amount,
        priority,
        expiresAt,
        reason,
      }));
  }

  /**
   * The burn-down of the account's grants as of `account` (a row read before the entries: every
   * entry up to its `ledgerSeq` has committed), or null when no grant is in play.
   */
  async stateIn(em: EntityManager, account: TokenAccount): Promise<GrantsState> {
    const grants = await em.find(TokenGrant, { where: { payerId: account.payerId }, order: { entrySeq: 'ASC' } });
    const start = replayStart(grants);
    if (start === null) return { grants, remaining: new Map(), permanent: account.credits, overdrawn: 0 };
    const rows = await em.find(TokenLedgerEntry, {
      select: { id: true, seq: true, type: true, creditsAmount: true, requestId: true, createdAt: true, metadata: true },
      where: { payerId: account.payerId, seq: MoreThanOrEqual(start), creditsAmount: Not(0) },
      order: { seq: 'ASC' },
    });
    const entries: CreditsEntry[] = rows.filter((row) => row.seq <= account.ledgerSeq);
    const creditsAtStart = account.credits - entries.reduce((sum, entry) => sum + entry.creditsAmount, 0);
    return { grants, ...burnDown(grants, entries, creditsAtStart) };
  }
}
