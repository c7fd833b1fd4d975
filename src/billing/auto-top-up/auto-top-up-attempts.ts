import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock, execute, TransactionRunner } from '@token-metering/database';
import { Outbox } from '../../outbox/outbox.js';
import { FAILABLE, PurchaseSettlement } from '../purchase-settlement.js';
import { Purchase, PurchaseStatus } from '../purchase.entity.js';
import { AttemptStatus, monthOf } from './auto-top-up.entity.js';
import { AutoTopUpGate } from './auto-top-up.gate.js';

export const AUTO_TOP_UP_FAILED = 'auto_top_up.failed';

/**
 * How an automatic top-up attempt ends, each step in the caller's transaction: sent to Stripe, paid
 * (the slot in flight is freed) or failed (the slot freed, its spend given back, the setting
 * disabled, `auto_top_up.failed` written to the outbox).
 */
@Injectable()
export class AutoTopUpAttempts {
  constructor(
    private readonly settlement: PurchaseSettlement,
    private readonly outbox: Outbox,
    private readonly gate: AutoTopUpGate,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  /** Stripe accepted the PaymentIntent: the purchase names it, and its webhook settles the attempt. */
  async submitted(em: EntityManager, purchase: Purchase, intentId: string): Promise<void> {
    await execute(em, 'UPDATE purchases SET provider_reference = ? WHERE id = ? AND provider_reference IS NULL', [intentId, purchase.id]);
    await execute(
      em,
      'UPDATE auto_top_ups SET last_attempt_status = ?, claimed_until = NULL, updated_at = ? WHERE user_id = ? AND last_attempt_purchase_id = ? AND last_attempt_status = ?',
      [AttemptStatus.Processing, this.clock.now(), purchase.userId, purchase.id, AttemptStatus.Pending],
    );
  }

  /** Stripe refused the payment at once (a declined card): the purchase fails, unless an event settled it already. */
  async declined(em: EntityManager, purchase: Purchase, intentId: string | null, code: string): Promise<void> {
    if (intentId)
      await execute(em, 'UPDATE purchases SET provider_reference = ? WHERE id = ? AND provider_reference IS NULL', [intentId, purchase.id]);
    if (await this.settlement.settle(em, purchase.id, PurchaseStatus.Failed, FAILABLE)) await this.failed(em, purchase, code);
  }

  /** The purchase just became paid and was credited; `afterFailure` when it had failed before (its spend was given back). */
  async paid(em: EntityManager, purchase: Purchase, afterFailure: boolean): Promise<void> {
    await execute(
      em,
      `UPDATE auto_top_ups
          SET in_flight_purchase_id = CASE WHEN in_flight_purchase_id = ? THEN NULL ELSE in_flight_purchase_id END,
              last_attempt_status = CASE WHEN last_attempt_purchase_id = ? THEN ? ELSE last_attempt_status END,
              spent_cents = CASE WHEN spent_month = ? THEN spent_cents + ? ELSE spent_cents END,
              updated_at = ?
        WHERE user_id = ?`,
      [
        purchase.id,
        purchase.id,
        AttemptStatus.Paid,
        monthOf(purchase.createdAt),
        afterFailure ? purchase.priceCents : 0,
        this.clock.now(),
        purchase.userId,
      ],
    );
  }

  /** The purchase just became failed: the attempt ends, automatic top-up is disabled and the user told. */
  async failed(em: EntityManager, purchase: Purchase, reason: string): Promise<void> {
    await execute(
      em,
      `UPDATE auto_top_ups
          SET enabled = 0,
              in_flight_purchase_id = CASE WHEN in_flight_purchase_id = ? THEN NULL ELSE in_flight_purchase_id END,
              claimed_until = NULL,
              last_attempt_status = CASE WHEN last_attempt_purchase_id = ? THEN ? ELSE last_attempt_status END,
              spent_cents = CASE WHEN spent_month = ? AND spent_cents >= ? THEN spent_cents - ? ELSE spent_cents END,
              updated_at = ?
        WHERE user_id = ?`,
      [
        purchase.id,
        purchase.id,
        AttemptStatus.Failed,
        monthOf(purchase.createdAt),
        purchase.priceCents,
        purchase.priceCents,
        this.clock.now(),
        purchase.userId,
      ],
    );
    await this.outbox.add(em, [
      {
        userId: purchase.userId,
        to: 'user',
        type: AUTO_TOP_UP_FAILED,
        data: {
          userId: purchase.userId,
          purchaseId: purchase.id,
          packageCode: purchase.packageCode,
          amountCents: purchase.priceCents,
          currency: purchase.currency,
          reason,
        },
      },
    ]);
    this.tx.afterCommit(em, () => this.gate.set(purchase.userId, null));
  }
}
