import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { DatabaseUnavailable, TransactionRunner } from '@token-metering/database';
import { refusalError } from './account-periods.js';
import { AccountPostings } from './account-postings.js';
import { PostingBatches } from './posting-batches.js';
import { PostingRetries } from './posting-retries.js';
import { type Charge, type ChargeRequest, chargeOf, type RefundReason } from './token-ledger.js';

const UNCONFIRMED_CHARGE: RefundReason = {
  code: 'CHARGE_UNCONFIRMED',
  message: 'the charge could not be confirmed; the request was answered 503 and did not run',
};

/**
 * Refunds, and the postings owed when the database was away: a refund is written once (its entry
 * id is fixed before the first attempt, and it goes through the same batches as charges), and a
 * charge whose COMMIT went unanswered is refunded if it did commit. Both are retried in the
 * background while the database cannot take them.
 */
@Injectable()
export class LedgerRefunds {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly postings: AccountPostings,
    private readonly batches: PostingBatches,
    private readonly retries: PostingRetries,
  ) {}

  async refund(charge: Charge, reason: RefundReason): Promise<void> {
    const entryId = randomUUID();
    try {
      await this.writeRefund(charge, reason, entryId);
    } catch (error) {
      if (error instanceof DatabaseUnavailable) {
        const { payerId, action, price, requestId } = charge;
        this.retries.defer({
          kind: 'refund',
          payerId,
          action,
          amount: price,
          requestId,
          run: () => this.writeRefundOnce(charge, reason, entryId),
        });
      }
      throw error;
    }
  }

  /**
   * A charge whose COMMIT went unanswered was answered 503 and its work did not run. If it did
   * commit after all, it is refunded as soon as the database can tell.
   */
  deferUnconfirmedCharge(request: ChargeRequest, entryId: string): void {
    const refundEntryId = randomUUID();
    const { payerId, action, price, requestId } = request;
    this.retries.defer({
      kind: 'unconfirmed_charge',
      payerId,
      action,
      amount: price,
      requestId,
      run: async () => {
        const entry = await this.tx.run((em) => this.postings.committedEntry(em, payerId, entryId));
        if (!entry) return;
        // It counted against its spend limit when it committed: its refund gives that back too.
        const limit = request.limitId ? { limit: { limitId: request.limitId, countedAt: entry.createdAt } } : {};
        await this.writeRefundOnce({ ...chargeOf(request, entry), ...limit }, UNCONFIRMED_CHARGE, refundEntryId);
      },
    });
  }

  /** The refund with this entry id, unless an earlier attempt whose answer was lost committed it. */
  private async writeRefundOnce(charge: Charge, reason: RefundReason, entryId: string): Promise<void> {
    if (await this.tx.run((em) => this.refundCommitted(em, charge, entryId))) return;
    await this.writeRefund(charge, reason, entryId);
  }

  /**
   * Whether the refund row with this id committed. A refund of 0 tokens writes no row and only
   * deletes the idempotency key, which is harmless to run again: it never counts as committed.
   */
  private async refundCommitted(em: EntityManager, charge: Charge, entryId: string): Promise<boolean> {
    return charge.price > 0 && (await this.postings.committedEntry(em, charge.payerId, entryId)) !== null;
  }

  private async writeRefund(charge: Charge, reason: RefundReason, entryId: string): Promise<void> {
    const refunded = await this.batches.refund({ kind: 'refund', charge, reason, entryId });
    if (refunded.kind !== 'refunded') throw refusalError(refunded);
  }
}
