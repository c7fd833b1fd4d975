import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Clock, execute, insertEntities, TransactionRunner } from '@token-metering/database';
import { LedgerWatcher, type WrittenEntry } from '@token-metering/tokens';
import { DisputeStatus, Purchase, PurchaseStatus } from '../purchase.entity.js';
import { AttemptStatus, monthOf } from './auto-top-up.entity.js';
import { AutoTopUpGate, type WatchedAccount } from './auto-top-up.gate.js';

/**
 * Starts an automatic top-up when a debit takes a balance below its threshold, in the transaction
 * that writes the debit. An account's entries never overlap (the database serializes its debits), so
 * `before >= threshold > after` holds for exactly one entry per pass downward. The attempt is one
 * conditional UPDATE of the setting (enabled, nothing in flight, the month's spend plus the price
 * within the limit, the crossing checked against the stored threshold) and a pending purchase; the
 * worker charges the card once it committed.
 */
@Injectable()
export class AutoTopUpTrigger extends LedgerWatcher {
  constructor(
    private readonly gate: AutoTopUpGate,
    private readonly clock: Clock,
    private readonly tx: TransactionRunner,
  ) {
    super();
  }

  async written(em: EntityManager, entries: readonly WrittenEntry[]): Promise<void> {
    for (const entry of entries) {
      if (entry.amount >= 0) continue;
      const watched = this.gate.watchedOf(entry.payerId);
      if (!watched) continue;
      const before = entry.balanceAfter - entry.amount;
      if (before >= watched.thresholdTokens && entry.balanceAfter < watched.thresholdTokens) {
        await this.start(em, entry.payerId, before, entry.balanceAfter, watched);
      }
    }
  }

  private async start(em: EntityManager, userId: string, before: number, after: number, { pkg }: WatchedAccount): Promise<void> {
    const now = this.clock.now();
    const month = monthOf(now);
    const purchaseId = randomUUID();
    // spent_cents before spent_month: MySQL assigns left to right and would read the new month.
    const started = await execute(
      em,
      `UPDATE auto_top_ups
          SET in_flight_purchase_id = ?,
              spent_cents = (CASE WHEN spent_month = ? THEN spent_cents ELSE 0 END) + ?,
              spent_month = ?,
              claimed_until = NULL, last_attempt_at = ?, last_attempt_status = ?, last_attempt_purchase_id = ?, updated_at = ?
        WHERE user_id = ? AND enabled = 1 AND in_flight_purchase_id IS NULL AND package_code = ?
          AND threshold_tokens <= ? AND threshold_tokens > ?
          AND (CASE WHEN spent_month = ? THEN spent_cents ELSE 0 END) + ? <= monthly_limit_cents`,
      [
        purchaseId,
        month,
        pkg.priceCents,
        month,
        now,
        AttemptStatus.Pending,
        purchaseId,
        now,
        userId,
        pkg.code,
        before,
        after,
        month,
        pkg.priceCents,
      ],
    );
    if (started !== 1) return;
    const purchase = Object.assign(new Purchase(), {
      id: purchaseId,
      userId,
      packageCode: pkg.code,
      tokens: pkg.tokens,
      priceCents: pkg.priceCents,
      currency: pkg.currency,
      status: PurchaseStatus.Pending,
      provider: 'stripe',
      providerReference: null,
      paymentIntentId: null,
      ledgerEntryId: null,
      tokensReversed: 0,
      tokensDisputed: 0,
      disputeStatus: DisputeStatus.None,
      automatic: true,
      saveCard: false,
      createdAt: now,
      completedAt: null,
    });
    await insertEntities(em, Purchase, [purchase]);
    this.tx.afterCommit(em, () => this.gate.attemptStarted());
  }
}
