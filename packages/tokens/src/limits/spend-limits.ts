import { Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import { Clock, execute, isMysql, TransactionRunner } from '@token-metering/database';
import { type SpendLimitPeriod, TokenSpendLimit } from '../entities/token-spend-limit.entity.js';
import { periodStartOf, spentAt } from './limit-periods.js';

/** A spend limit as its owner sets it. */
export interface SpendLimitTerms {
  tokens: number;
  period: SpendLimitPeriod;
}

/** A spend limit and what was spent through it in its current period. */
export interface SpendLimitView extends SpendLimitTerms {
  spent: number;
}

/**
 * The spend limits of sub-identities of payers (a host's API keys): set, removed, read. What they
 * count is moved only by the ledger's batches (SpendLimitPostings).
 */
@Injectable()
export class SpendLimits {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  /**
   * Sets the limit `limitId` of `payerId`. Changing a limit keeps what was spent in its current period;
   * a new period kind starts from that spend (a limit is never loosened by changing its period).
   */
  async set(payerId: string, limitId: string, terms: SpendLimitTerms): Promise<void> {
    try {
      await this.tx.run((em) => this.setIn(em, payerId, limitId, terms));
    } catch (error) {
      // Two first settings at once: one inserted the row, the other updates it now.
      if (!(await this.tx.manager.existsBy(TokenSpendLimit, { limitId }))) throw error;
      await this.tx.run((em) => this.setIn(em, payerId, limitId, terms));
    }
  }

  /** Removes the limit `limitId` (nothing when it has none), inside `em` when given. */
  async remove(limitId: string, em?: EntityManager): Promise<void> {
    const remove = (em: EntityManager) => execute(em, 'DELETE FROM token_spend_limits WHERE limit_id = ?', [limitId]);
    await (em ? remove(em) : this.tx.run(remove));
  }

  /** The limits among `limitIds`, with their current period's spend (0 when the stored period ended). */
  async of(limitIds: string[]): Promise<Map<string, SpendLimitView>> {
    if (limitIds.length === 0) return new Map();
    const rows = await this.tx.manager.find(TokenSpendLimit, { where: { limitId: In(limitIds) } });
    const now = this.clock.now();
    return new Map(rows.map((row) => [row.limitId, { tokens: row.tokens, period: row.period, spent: spentAt(row, now) }]));
  }

  private async setIn(em: EntityManager, payerId: string, limitId: string, { tokens, period }: SpendLimitTerms): Promise<void> {
    const now = this.clock.now();
    const row = await em.findOne(TokenSpendLimit, {
      where: { limitId },
      ...(isMysql(em) && { lock: { mode: 'pessimistic_write' as const } }),
    });
    if (!row) {
      await em.insert(TokenSpendLimit, { limitId, payerId, tokens, period, spent: 0, periodStart: periodStartOf(period, now) });
      return;
    }
    const spent = spentAt(row, now);
    await em.update(TokenSpendLimit, { limitId }, { tokens, period, spent, periodStart: periodStartOf(period, now) });
  }
}
