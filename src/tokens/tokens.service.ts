import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, LessThan, Repository } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import type { Plan } from '../subscriptions/plan.entity.js';
import { Subscription } from '../subscriptions/subscription.entity.js';
import { SubscriptionsService } from '../subscriptions/subscriptions.service.js';
import { TokenAccount } from './token-account.entity.js';
import { LedgerEntryType, TokenLedgerEntry } from './token-ledger-entry.entity.js';
import { TokenLedger } from './token-ledger.js';
import { TokenPrices } from './token-prices.service.js';

export interface BalanceView {
  balance: number;
  allowance: number;
  credits: number;
  tokensLimit: number;
  usedThisPeriod: number;
  plan: string;
  periodStart: Date;
  periodEnd: Date;
  featuresDisabled: boolean;
}

export interface TransactionFilter {
  limit: number;
  cursor?: number;
  type?: LedgerEntryType;
  action?: string;
}

export interface AccountView extends BalanceView {
  userId: string;
  recentEntries: TokenLedgerEntry[];
}

/** Largest amount an admin can grant or deduct in one entry. */
export const MAX_ADMIN_ADJUSTMENT = 1_000_000_000;

/** Read side of the tokens module, and the entry point other modules use. Writes go through TokenLedger. */
@Injectable()
export class TokensService {
  constructor(
    private readonly ledger: TokenLedger,
    private readonly tx: TransactionRunner,
    private readonly prices: TokenPrices,
    private readonly subscriptions: SubscriptionsService,
    @InjectRepository(TokenAccount) private readonly accounts: Repository<TokenAccount>,
    @InjectRepository(TokenLedgerEntry) private readonly entries: Repository<TokenLedgerEntry>,
  ) {}

  /** Opens the token account of a new user with the plan's tokens, inside the registration transaction. */
  openAccount(em: EntityManager, subscription: Subscription): Promise<TokenLedgerEntry> {
    return this.ledger.openAccount(em, {
      userId: subscription.userId,
      type: LedgerEntryType.InitialGrant,
      amount: subscription.tokensLimit,
      metadata: { planCode: subscription.planCode },
    }, subscription.periodEnd);
  }

  /**
   * Moves a user to another plan and records it: an upgrade adds at once what the new plan's
   * monthly tokens exceed the highest allowance already granted this period; a downgrade takes
   * nothing back (the entry then has amount 0), and moving up again grants nothing twice.
   */
  async changePlan(em: EntityManager, userId: string, planCode: string, actorId: string): Promise<{ subscription: Subscription; plan: Plan; entry: TokenLedgerEntry }> {
    // An ended period is rolled under the old plan first: the new plan counts from the current period.
    await this.ledger.ensureAccount(userId, em);
    const { previous, current, subscription } = await this.subscriptions.changePlan(em, userId, planCode);
    const entry = await this.ledger.grantPlanAllowance(
      em,
      { userId, type: LedgerEntryType.PlanChange, actorId, metadata: { from: previous.code, to: current.code } },
      current.monthlyTokens,
    );
    return { subscription, plan: current, entry };
  }

  /** Credits the tokens of a paid purchase, inside the caller's transaction; the entry references the purchase. */
  creditPurchase(em: EntityManager, purchase: { userId: string; tokens: number; purchaseId: string; packageCode: string }): Promise<TokenLedgerEntry> {
    return this.ledger.post(em, {
      userId: purchase.userId,
      type: LedgerEntryType.Purchase,
      amount: purchase.tokens,
      metadata: { purchaseId: purchase.purchaseId, packageCode: purchase.packageCode },
    });
  }

  /**
   * An admin's correction: a grant adds tokens, a deduct removes them and is refused with 402
   * (changing nothing) when the balance is short. The admin and the reason are on the entry.
   */
  async adjust(em: EntityManager, userId: string, adjustment: { kind: 'grant' | 'deduct'; amount: number; reason: string }, actorId: string): Promise<TokenLedgerEntry> {
    await this.requireUser(userId, em);
    const grant = adjustment.kind === 'grant';
    return this.ledger.post(
      em,
      {
        userId,
        type: grant ? LedgerEntryType.AdminGrant : LedgerEntryType.AdminDeduct,
        amount: grant ? adjustment.amount : -adjustment.amount,
        actorId,
        metadata: { reason: adjustment.reason },
      },
      { requireFunds: true },
    );
  }

  /** A user's balance and latest entries, for admins. */
  async account(userId: string, recent = 20): Promise<AccountView> {
    await this.requireUser(userId);
    const [balance, page] = await Promise.all([this.balance(userId), this.transactions(userId, { limit: recent })]);
    return { userId, ...balance, recentEntries: page.items };
  }

  /** The caller's balance; a missing account is seeded and an ended period rolled first, so the answer is what the next charge sees. */
  async balance(userId: string): Promise<BalanceView> {
    await this.ledger.ensureAccount(userId);
    const [account, { subscription }, prices] = await Promise.all([
      this.accounts.findOneBy({ userId }),
      this.subscriptions.getForUser(userId),
      this.prices.pricesFor(userId),
    ]);
    if (!account) throw AppError.notFound('Token account');
    const paid = prices.map((p) => p.cost).filter((cost) => cost > 0);
    return {
      balance: account.balance,
      allowance: account.allowance,
      credits: account.credits,
      tokensLimit: subscription.tokensLimit,
      usedThisPeriod: account.usedThisPeriod,
      plan: subscription.planCode,
      periodStart: subscription.periodStart,
      periodEnd: subscription.periodEnd,
      featuresDisabled: paid.length > 0 && account.balance < Math.min(...paid),
    };
  }

  /** Newest first; `cursor` is the `seq` of the last entry of the previous page. */
  async transactions(userId: string, filter: TransactionFilter): Promise<{ items: TokenLedgerEntry[]; nextCursor: string | null }> {
    const rows = await this.entries.find({
      where: {
        userId,
        ...(filter.cursor !== undefined && { seq: LessThan(filter.cursor) }),
        ...(filter.type && { type: filter.type }),
        ...(filter.action && { action: filter.action }),
      },
      order: { seq: 'DESC' },
      take: filter.limit + 1,
    });
    const items = rows.slice(0, filter.limit);
    return { items, nextCursor: rows.length > filter.limit ? String(items[items.length - 1].seq) : null };
  }

  /** Every user has a subscription from registration on: none means no such user. */
  private async requireUser(userId: string, em?: EntityManager): Promise<void> {
    if (!(await this.subscriptions.findForUser(userId, em))) throw AppError.notFound('User');
  }
}
