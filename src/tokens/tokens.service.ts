import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, LessThan, Repository } from 'typeorm';
import { TransactionRunner } from '../database/transaction-runner.js';
import { Subscription } from '../subscriptions/subscription.entity.js';
import { SubscriptionsService } from '../subscriptions/subscriptions.service.js';
import { TokenAccount } from './token-account.entity.js';
import { TokenCostCatalog } from './token-cost-catalog.js';
import { LedgerEntryType, TokenLedgerEntry } from './token-ledger-entry.entity.js';
import { TokenLedger } from './token-ledger.js';

export interface BalanceView {
  balance: number;
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

export interface PriceView {
  action: string;
  cost: number;
  description: string;
}

/** Read side of the tokens module, and the entry point other modules use. Writes go through TokenLedger. */
@Injectable()
export class TokensService {
  constructor(
    private readonly ledger: TokenLedger,
    private readonly tx: TransactionRunner,
    private readonly catalog: TokenCostCatalog,
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
    });
  }

  /**
   * Moves a user to another plan and records it: an upgrade adds the difference in monthly
   * tokens at once, a downgrade takes nothing back (the entry then has amount 0).
   */
  async changePlan(userId: string, planCode: string, actorId: string): Promise<{ subscription: Subscription; entry: TokenLedgerEntry }> {
    return this.tx.run(async (em) => {
      const { previous, current, subscription } = await this.subscriptions.changePlan(em, userId, planCode);
      const entry = await this.ledger.post(em, {
        userId,
        type: LedgerEntryType.PlanChange,
        amount: Math.max(0, current.monthlyTokens - previous.monthlyTokens),
        actorId,
        metadata: { from: previous.code, to: current.code },
      });
      return { subscription, entry };
    });
  }

  /** The caller's balance; a missing account is seeded first, so the answer is what the next charge sees. */
  async balance(userId: string): Promise<BalanceView> {
    await this.ledger.ensureAccount(userId);
    const [account, { subscription }] = await Promise.all([this.accounts.findOneByOrFail({ userId }), this.subscriptions.getForUser(userId)]);
    return {
      balance: account.balance,
      tokensLimit: subscription.tokensLimit,
      usedThisPeriod: account.usedThisPeriod,
      plan: subscription.planCode,
      periodStart: subscription.periodStart,
      periodEnd: subscription.periodEnd,
      featuresDisabled: account.balance < this.cheapestPrice(),
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

  prices(): PriceView[] {
    return this.catalog.list().map(({ action, price, description }) => ({ action, cost: price, description }));
  }

  private cheapestPrice(): number {
    const prices = this.catalog.list().map((c) => c.price).filter((p) => p > 0);
    return prices.length > 0 ? Math.min(...prices) : 1;
  }
}
