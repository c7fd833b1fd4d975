import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, LessThan, Repository } from 'typeorm';
import { TokensError } from '../tokens.errors.js';
import { TransactionRunner } from '@token-metering/database';
import { AccountPolicy } from '../account-policy.js';
import { TokenAccount } from '../entities/token-account.entity.js';
import { LedgerEntryType, TokenLedgerEntry } from '../entities/token-ledger-entry.entity.js';
import { TokenLedger, TransactionalPostings } from './token-ledger.js';
import { TokenPrices } from '../prices/token-prices.service.js';
import { type GrantTermsInput, type GrantView, PromotionalGrants } from './promotional-grants.js';
import { runwayDaysOf, TokenUsage } from '../usage/token-usage.service.js';
import { SpendLimits, type SpendLimitTerms, type SpendLimitView } from '../limits/spend-limits.js';

export interface BalanceView {
  balance: number;
  allowance: number;
  credits: number;
  held: number;
  owed: number;
  tokensLimit: number;
  usedThisPeriod: number;
  plan: string;
  periodStart: Date;
  periodEnd: Date;
  featuresDisabled: boolean;
  /** Days the balance lasts at the net spend rate of the last 7 days; null when nothing was spent in them. */
  runwayDays: number | null;
  /** Promotional grants not yet expired, in spending order; what is left of them is part of `credits`. */
  grants: GrantView[];
}

export interface TransactionFilter {
  limit: number;
  cursor?: number;
  type?: LedgerEntryType;
  action?: string;
}

/** Who made an admin change, and in which request: the ledger entry carries them. */
export interface ChangeOrigin {
  actorId: string;
  requestId: string;
  clientRequestId: string | null;
}

export interface AccountView extends BalanceView {
  payerId: string;
  recentEntries: TokenLedgerEntry[];
}

/** The priority of a promotional grant that names none (1 is spent first, 100 last). */
export const DEFAULT_GRANT_PRIORITY = 50;

/** Largest amount an admin can grant or deduct in one entry. */
export const MAX_ADMIN_ADJUSTMENT = 1_000_000_000;

/** Read side of the tokens module, and the entry point other modules use. Writes go through TokenLedger and TransactionalPostings. */
@Injectable()
export class TokensService {
  constructor(
    private readonly ledger: TokenLedger,
    private readonly postings: TransactionalPostings,
    private readonly tx: TransactionRunner,
    private readonly prices: TokenPrices,
    private readonly policy: AccountPolicy,
    private readonly usage: TokenUsage,
    private readonly grants: PromotionalGrants,
    private readonly limits: SpendLimits,
    @InjectRepository(TokenAccount) private readonly accounts: Repository<TokenAccount>,
    @InjectRepository(TokenLedgerEntry) private readonly entries: Repository<TokenLedgerEntry>,
  ) {}

  /** Opens the token account of a new payer with its first period's allowance, inside the caller's (registration) transaction. */
  openAccount(
    em: EntityManager,
    account: { payerId: string; allowance: number; periodEnd: Date; tier: string },
  ): Promise<TokenLedgerEntry> {
    return this.postings.openAccount(
      em,
      { payerId: account.payerId, type: LedgerEntryType.InitialGrant, amount: account.allowance, metadata: { planCode: account.tier } },
      account.periodEnd,
    );
  }

  /**
   * Records a plan change the host made inside `em`: an upgrade adds at once what the new plan's
   * monthly tokens exceed the highest allowance already granted this period; a downgrade takes
   * nothing back (the entry then has amount 0), and moving up again grants nothing twice.
   * Call `bringUpToDate` first, so an ended period is rolled under the old plan.
   */
  recordPlanChange(
    em: EntityManager,
    change: { payerId: string; from: string; to: string; monthlyTokens: number },
    origin: ChangeOrigin,
  ): Promise<TokenLedgerEntry> {
    return this.postings.grantPlanAllowance(
      em,
      { payerId: change.payerId, type: LedgerEntryType.PlanChange, ...origin, metadata: { from: change.from, to: change.to } },
      change.monthlyTokens,
    );
  }

  /** Seeds a missing account and rolls an ended period, inside `em`. */
  bringUpToDate(em: EntityManager, payerId: string): Promise<void> {
    return this.postings.ensureAccountIn(em, payerId);
  }

  /** Credits the tokens of a paid purchase, inside the caller's transaction; the entry references the purchase. */
  creditPurchase(
    em: EntityManager,
    purchase: { payerId: string; tokens: number; purchaseId: string; packageCode: string },
  ): Promise<TokenLedgerEntry> {
    return this.postings.post(em, {
      payerId: purchase.payerId,
      type: LedgerEntryType.Purchase,
      amount: purchase.tokens,
      metadata: { purchaseId: purchase.purchaseId, packageCode: purchase.packageCode },
    });
  }

  /**
   * Takes back tokens of a purchase whose payment was refunded or disputed, inside the caller's
   * transaction: a `purchase_reversal` entry takes them from credits, then the allowance, never
   * below 0; what is already spent becomes owed (`metadata.uncollected`, also when it is 0).
   */
  reversePurchase(
    em: EntityManager,
    reversal: { payerId: string; tokens: number; purchaseId: string; reason: string; eventId: string },
  ): Promise<TokenLedgerEntry> {
    const { payerId, tokens, purchaseId, reason, eventId } = reversal;
    return this.postings.collect(
      em,
      { payerId, type: LedgerEntryType.PurchaseReversal, amount: -tokens, metadata: { purchaseId, reason, eventId } },
      'credits_first',
    );
  }

  /** Gives back the tokens a reversal took when its dispute was won (`purchase_reinstated`, credits; owed tokens are repaid first). */
  reinstatePurchase(
    em: EntityManager,
    reinstatement: { payerId: string; tokens: number; purchaseId: string; eventId: string },
  ): Promise<TokenLedgerEntry> {
    const { payerId, tokens, purchaseId, eventId } = reinstatement;
    return this.postings.post(em, {
      payerId,
      type: LedgerEntryType.PurchaseReinstated,
      amount: tokens,
      metadata: { purchaseId, eventId },
    });
  }

  /**
   * An admin's correction: a grant adds tokens, a deduct removes them and is refused with 402
   * (changing nothing) when the balance is short. The admin and the reason are on the entry. A grant
   * with `expiresAt` is promotional (spent first by `priority`, its rest removed at `expiresAt`).
   */
  async adjust(
    em: EntityManager,
    payerId: string,
    adjustment: { kind: 'grant' | 'deduct'; amount: number; reason: string; expiresAt?: Date; priority?: number },
    origin: ChangeOrigin,
  ): Promise<TokenLedgerEntry> {
    await this.requireUser(payerId, em);
    const grant = adjustment.kind === 'grant';
    const promotion: (GrantTermsInput & { id: string }) | null =
      grant && adjustment.expiresAt
        ? {
            id: PromotionalGrants.newId(),
            expiresAt: adjustment.expiresAt,
            priority: adjustment.priority ?? DEFAULT_GRANT_PRIORITY,
            reason: adjustment.reason,
          }
        : null;
    const entry = await this.postings.post(
      em,
      {
        payerId,
        type: grant ? LedgerEntryType.AdminGrant : LedgerEntryType.AdminDeduct,
        amount: grant ? adjustment.amount : -adjustment.amount,
        ...origin,
        metadata: promotion ? PromotionalGrants.metadataOf(promotion.id, promotion) : { reason: adjustment.reason },
      },
      { requireFunds: true },
    );
    if (promotion) await this.grants.record(em, entry, promotion.id, promotion);
    return entry;
  }

  /** A user's balance and latest entries, for admins. */
  async account(payerId: string, recent = 20): Promise<AccountView> {
    await this.requireUser(payerId);
    const [balance, page] = await Promise.all([this.balance(payerId), this.transactions(payerId, { limit: recent })]);
    return { payerId, ...balance, recentEntries: page.items };
  }

  /** A user's ledger, a page at a time, for admins; NOT_FOUND for an unknown user. */
  async userTransactions(payerId: string, filter: TransactionFilter): Promise<{ items: TokenLedgerEntry[]; nextCursor: string | null }> {
    await this.requireUser(payerId);
    return this.transactions(payerId, filter);
  }

  /** The caller's balance; a missing account is seeded and an ended period rolled first, so the answer is what the next charge sees. */
  async balance(payerId: string): Promise<BalanceView> {
    await this.ledger.ensureAccount(payerId);
    const account = await this.accounts.findOneBy({ payerId });
    if (!account) throw TokensError.notFound('Token account');
    // The grants from the same row as the buckets: what is left of them adds up within `credits`.
    const [terms, prices, recentSpend, grants] = await Promise.all([
      this.policy.summary(payerId),
      this.prices.meteredPricesFor(payerId),
      this.usage.recentSpend(payerId),
      this.grants.view(this.tx.manager, account),
    ]);
    const paid = prices.map((p) => p.cost).filter((cost) => cost > 0);
    return {
      balance: account.balance,
      allowance: account.allowance,
      credits: account.credits,
      held: account.held,
      owed: account.owed,
      tokensLimit: terms.periodAllowance,
      usedThisPeriod: account.usedThisPeriod,
      plan: terms.tier,
      periodStart: terms.periodStart,
      periodEnd: terms.periodEnd,
      featuresDisabled: paid.length > 0 && account.balance < Math.min(...paid),
      runwayDays: runwayDaysOf(account.balance, recentSpend),
      grants,
    };
  }

  /**
   * The balance each payer's account holds now, for lists (an ended period is rolled at the account's
   * next request, as GET /tokens/balance does); payers without an account are absent.
   */
  async storedBalances(payerIds: string[]): Promise<Map<string, number>> {
    if (payerIds.length === 0) return new Map();
    const accounts = await this.accounts.find({ select: { payerId: true, balance: true }, where: { payerId: In(payerIds) } });
    return new Map(accounts.map((account) => [account.payerId, account.balance]));
  }

  /** Newest first; `cursor` is the `seq` of the last entry of the previous page. */
  async transactions(payerId: string, filter: TransactionFilter): Promise<{ items: TokenLedgerEntry[]; nextCursor: string | null }> {
    const rows = await this.entries.find({
      where: {
        payerId,
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

  /** Sets the spend limit `limitId` of a payer's sub-identity (e.g. an API key); its charges count against it. */
  setSpendLimit(payerId: string, limitId: string, terms: SpendLimitTerms): Promise<void> {
    return this.limits.set(payerId, limitId, terms);
  }

  /** Removes a spend limit (nothing when there is none); inside `em` when given. */
  removeSpendLimit(limitId: string, em?: EntityManager): Promise<void> {
    return this.limits.remove(limitId, em);
  }

  /** The spend limits among `limitIds`, with what was spent in their current period. */
  spendLimits(limitIds: string[]): Promise<Map<string, SpendLimitView>> {
    return this.limits.of(limitIds);
  }

  private async requireUser(payerId: string, em?: EntityManager): Promise<void> {
    if (!(await this.policy.payerExists(payerId, em))) throw TokensError.notFound('User');
  }
}
