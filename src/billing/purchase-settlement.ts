import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock, execute } from '@token-metering/database';
import { TokensService } from '@token-metering/tokens';
import { Purchase, PurchaseStatus } from './purchase.entity.js';

/** Purchases a success may still move to `paid`: money taken after a reported failure is credited. */
export const PAYABLE = [PurchaseStatus.Pending, PurchaseStatus.Failed] as const;
/** Purchases a failure may move to `failed`: a paid purchase stays paid. */
export const FAILABLE = [PurchaseStatus.Pending] as const;

/** The one crediting path of every purchase, a checkout's or an automatic top-up's. */
@Injectable()
export class PurchaseSettlement {
  constructor(
    private readonly tokens: TokensService,
    private readonly clock: Clock,
  ) {}

  /**
   * Moves a purchase whose status is one of `from` to `status` with one conditional UPDATE: of
   * concurrent events, the database lets exactly one move it. False when it did not move.
   */
  async settle(em: EntityManager, purchaseId: string, status: PurchaseStatus, from: readonly PurchaseStatus[]): Promise<boolean> {
    const changed = await execute(
      em,
      `UPDATE purchases SET status = ?, completed_at = ? WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`,
      [status, this.clock.now(), purchaseId, ...from],
    );
    return changed === 1;
  }

  /** Credits a purchase this transaction just moved to `paid`, and links the ledger entry and the payment that paid it. */
  async credit(em: EntityManager, purchaseId: string, paymentIntentId: string | null): Promise<Purchase> {
    const purchase = await em.findOneByOrFail(Purchase, { id: purchaseId });
    const entry = await this.tokens.creditPurchase(em, {
      payerId: purchase.userId,
      tokens: purchase.tokens,
      purchaseId: purchase.id,
      packageCode: purchase.packageCode,
    });
    await em.update(Purchase, { id: purchaseId }, { ledgerEntryId: entry.id, paymentIntentId });
    return purchase;
  }
}
