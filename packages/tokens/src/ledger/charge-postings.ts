import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { EntityManager } from 'typeorm';
import { AccountPeriods, type Refusal } from './account-periods.js';
import { debitOf, type QueuedCharge, type QueuedRefund, type RefundOutcome } from './batch-items.js';
import { IdempotencyKeys } from '../idempotency/idempotency-keys.js';
import { LedgerEvents } from './ledger-events.js';
import { LedgerEntryType, type TokenLedgerEntry } from '../entities/token-ledger-entry.entity.js';
import { type Charge, chargeOf, type Posting } from './token-ledger.js';

/** The statements of charges and their refunds, inside a batch's transaction (PostingBatches). */
@Injectable()
export class ChargePostings {
  constructor(
    private readonly periods: AccountPeriods,
    private readonly keys: IdempotencyKeys,
    private readonly events: LedgerEvents,
  ) {}

  /** A charge on a statement of its own: the account is seeded or rolled first when needed, a short balance refuses it. */
  async chargeAlone(em: EntityManager, charge: QueuedCharge): Promise<Charge | Refusal> {
    const { posting, price } = debitOf(charge);
    const settled = await this.periods.settle(em, posting, { requireFunds: true, usedDelta: price, entryId: charge.entryId });
    return settled.kind === 'posted' ? this.charged(em, charge, settled.entry) : settled;
  }

  /** The answer of a charge whose usage entry is `entry`. */
  charged(em: EntityManager, { request, started, counted }: QueuedCharge, entry: TokenLedgerEntry): Charge {
    this.events.charged(em, request, entry, performance.now() - started);
    return { ...chargeOf(request, entry), ...(counted && { limit: counted }) };
  }

  /** The refund entry gives back exactly what the charge took from each bucket; a refund of 0 tokens only frees the key. */
  async refundIn(em: EntityManager, { charge, reason, entryId }: QueuedRefund): Promise<RefundOutcome> {
    if (charge.price > 0) {
      const posting: Posting = {
        payerId: charge.payerId,
        type: LedgerEntryType.Refund,
        amount: charge.price,
        action: charge.action,
        requestId: charge.requestId,
        clientRequestId: charge.clientRequestId,
        metadata: { refundOf: charge.entryId, reason: reason.code },
        buckets: { allowance: -charge.buckets.allowance, credits: -charge.buckets.credits },
      };
      const settled = await this.periods.settle(em, posting, { requireFunds: false, usedDelta: -charge.price, entryId });
      if (settled.kind !== 'posted') return settled;
      this.events.refunded(em, charge, settled.entry, reason);
    }
    if (charge.idempotencyKey) await this.keys.release(em, charge.payerId, charge.idempotencyKey);
    return { kind: 'refunded' };
  }
}
