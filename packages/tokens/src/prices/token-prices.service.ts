import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { TokensError, TokensErrorCode } from '../tokens.errors.js';
import { Batcher } from '@token-metering/database';
import { Clock } from '@token-metering/database';
import { execute } from '@token-metering/database';
import { TransactionRunner, unreachableForWaiting } from '@token-metering/database';
import { AccountPolicy } from '../account-policy.js';
import { PriceCatalog } from './price-catalog.js';
import type { TokenPriceMetadata } from './token-price.decorator.js';
import { PriceScope, TokenPriceOverride, TokenPriceRevision } from '../entities/token-price-override.entity.js';

export interface PriceView {
  action: string;
  cost: number;
  defaultCost: number;
  /** Which override set `cost`; null when it is the default. */
  overriddenBy: PriceScope | null;
  description: string;
}

/** Price lines a host module owns (e.g. the models of AI completions), shown in every caller's price list. */
export type PriceLineSource = () => Promise<Array<Pick<PriceView, 'action' | 'cost' | 'description'>>>;

/** Whom an override is for: a price tier, or a payer (not both), or nobody (global). */
export interface OverrideTarget {
  tier?: string;
  payerId?: string;
}

/**
 * Effective prices: user override > plan override > global override > the @TokenPrice default.
 * Overrides are cached per app instance together with the revision they were read at; every
 * priced request first reads the one-row revision (a primary-key lookup) and reloads the
 * overrides when another instance changed them. A change therefore applies to the very next
 * request on every instance, with no restart and no time window. Requests that arrive while a
 * revision read runs share the next one, which starts after they arrived (so it sees every change
 * committed before them): one read for many concurrent requests.
 */
@Injectable()
export class TokenPrices {
  private cache: { revision: number; byAction: Map<string, TokenPriceOverride[]> } | null = null;
  private readonly lineSources: PriceLineSource[] = [];
  private readonly revisionReads = new Batcher<void, number>(
    async (requests) => {
      const revision = await priceRevisionIn(this.tx.manager);
      return requests.map(() => revision);
    },
    { maxBatchSize: Number.MAX_SAFE_INTEGER, maxConcurrentBatches: 1, failWaitingWith: unreachableForWaiting },
  );

  constructor(
    private readonly tx: TransactionRunner,
    private readonly catalog: PriceCatalog,
    private readonly policy: AccountPolicy,
    private readonly clock: Clock,
  ) {}

  /** Price per unit of the action for this user, from the overrides as stored now. */
  async priceFor(pricing: Pick<TokenPriceMetadata, 'action' | 'price'>, payerId: string): Promise<number> {
    return (await this.resolve(pricing, payerId, await this.overrides())).cost;
  }

  /**
   * Price per unit from the overrides this instance holds, with the revision they were read at
   * (read once at first use): for a charge, which checks the revision in its own transaction
   * (ChargeRequest.priceRevision), so the request needs no read of its own.
   */
  async quote(pricing: Pick<TokenPriceMetadata, 'action' | 'price'>, payerId: string): Promise<{ unitPrice: number; revision: number }> {
    if (!this.cache) await this.overrides();
    const { revision, byAction } = this.cache!;
    return { unitPrice: (await this.resolve(pricing, payerId, byAction)).cost, revision };
  }

  /** The caller's price of every metered action (@TokenPrice), described at that price. */
  async meteredPricesFor(payerId: string): Promise<PriceView[]> {
    const overrides = await this.overrides();
    return Promise.all(
      this.catalog.list().map(async (pricing) => {
        const { cost, overriddenBy } = await this.resolve(pricing, payerId, overrides);
        return { action: pricing.action, cost, defaultCost: pricing.price, overriddenBy, description: pricing.describe(cost) };
      }),
    );
  }

  /** The caller's price list: the metered actions, then the lines of the added sources. */
  async pricesFor(payerId: string): Promise<PriceView[]> {
    const [metered, ...added] = await Promise.all([this.meteredPricesFor(payerId), ...this.lineSources.map((source) => source())]);
    return [...metered, ...added.flat().map((line) => ({ ...line, defaultCost: line.cost, overriddenBy: null }))];
  }

  /** Adds price lines a host module owns to every caller's price list (GET /tokens/costs); they are not overridable here. */
  addPriceLines(source: PriceLineSource): void {
    this.lineSources.push(source);
  }

  async listOverrides(): Promise<TokenPriceOverride[]> {
    return this.tx.manager.find(TokenPriceOverride, { order: { action: 'ASC', scope: 'ASC', scopeRef: 'ASC' } });
  }

  /** Creates or replaces the override of `action` for the target (global when the target is empty). */
  async setOverride(action: string, cost: number, target: OverrideTarget, actorId: string): Promise<TokenPriceOverride> {
    this.knownAction(action);
    const { scope, scopeRef } = await this.scopeOf(target);
    return this.tx.run(async (em) => {
      // Bumping the revision first also serializes concurrent override changes on its row lock.
      await this.bumpRevision(em);
      const now = this.clock.now();
      const existing = await em.findOneBy(TokenPriceOverride, { action, scope, scopeRef });
      const override = em.create(TokenPriceOverride, {
        id: existing?.id ?? randomUUID(),
        action,
        scope,
        scopeRef,
        cost,
        updatedBy: actorId,
        updatedAt: now,
      });
      await em.save(TokenPriceOverride, override);
      return override;
    });
  }

  async removeOverride(action: string, target: OverrideTarget): Promise<void> {
    this.knownAction(action);
    const { scope, scopeRef } = this.scopeKeyOf(target);
    await this.tx.run(async (em) => {
      await this.bumpRevision(em);
      const removed = (await em.delete(TokenPriceOverride, { action, scope, scopeRef })).affected ?? 0;
      // Thrown inside the transaction, so a removal that found nothing does not move the revision either.
      if (removed === 0)
        throw TokensError.notFound(`Price override of '${action}' for this ${scope === PriceScope.Global ? 'scope' : scope}`);
    });
  }

  private async resolve(
    pricing: Pick<TokenPriceMetadata, 'action' | 'price'>,
    payerId: string,
    byAction: Map<string, TokenPriceOverride[]>,
  ): Promise<{ cost: number; overriddenBy: PriceScope | null }> {
    const overrides = byAction.get(pricing.action);
    if (!overrides) return { cost: pricing.price, overriddenBy: null };
    const forUser = overrides.find((o) => o.scope === PriceScope.User && o.scopeRef === payerId);
    if (forUser) return { cost: forUser.cost, overriddenBy: PriceScope.User };
    if (overrides.some((o) => o.scope === PriceScope.Plan)) {
      const tier = await this.policy.priceTierOf(payerId);
      const forPlan = overrides.find((o) => o.scope === PriceScope.Plan && o.scopeRef === tier);
      if (forPlan) return { cost: forPlan.cost, overriddenBy: PriceScope.Plan };
    }
    const global = overrides.find((o) => o.scope === PriceScope.Global);
    return global ? { cost: global.cost, overriddenBy: PriceScope.Global } : { cost: pricing.price, overriddenBy: null };
  }

  /** The overrides by action, reloaded when the stored revision moved past the cached one. */
  private async overrides(): Promise<Map<string, TokenPriceOverride[]>> {
    // Revision first, then rows: rows newer than the revision only cause one extra reload later.
    const revision = await this.revisionReads.submit();
    if (this.cache?.revision === revision) return this.cache.byAction;
    const byAction = new Map<string, TokenPriceOverride[]>();
    for (const override of await this.tx.manager.find(TokenPriceOverride)) {
      byAction.set(override.action, [...(byAction.get(override.action) ?? []), override]);
    }
    this.cache = { revision, byAction };
    return byAction;
  }

  private async bumpRevision(em: EntityManager): Promise<void> {
    await execute(em, 'UPDATE token_price_revision SET revision = revision + 1 WHERE id = 1', []);
  }

  private knownAction(action: string): void {
    if (!this.catalog.get(action)) throw TokensError.notFound(`Metered action '${action}'`);
  }

  private async scopeOf(target: OverrideTarget): Promise<{ scope: PriceScope; scopeRef: string }> {
    const key = this.scopeKeyOf(target);
    if (target.tier && !(await this.policy.tierExists(target.tier))) throw TokensError.notFound(`Plan '${target.tier}'`);
    if (target.payerId && !(await this.policy.payerExists(target.payerId))) throw TokensError.notFound('User');
    return key;
  }

  private scopeKeyOf(target: OverrideTarget): { scope: PriceScope; scopeRef: string } {
    if (target.tier && target.payerId)
      throw new TokensError(TokensErrorCode.VALIDATION_FAILED, 'An override is for a price tier or for a payer, not both');
    if (target.payerId) return { scope: PriceScope.User, scopeRef: target.payerId };
    if (target.tier) return { scope: PriceScope.Plan, scopeRef: target.tier };
    return { scope: PriceScope.Global, scopeRef: '' };
  }
}

/** The stored revision of the price overrides, inside the transaction of `em`. */
export async function priceRevisionIn(em: EntityManager): Promise<number> {
  return (await em.findOneBy(TokenPriceRevision, { id: 1 }))?.revision ?? 0;
}
