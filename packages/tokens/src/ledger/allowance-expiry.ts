import { Injectable } from '@nestjs/common';
import { type EntityManager, IsNull } from 'typeorm';
import { execute, isMysql } from '@token-metering/database';
import { AccountPostings } from './account-postings.js';
import { LedgerEvents } from './ledger-events.js';
import { TokenAccount } from '../entities/token-account.entity.js';
import { TokenHold } from '../entities/token-hold.entity.js';
import { LedgerEntryType, type LedgerMetadata } from '../entities/token-ledger-entry.entity.js';

/**
 * The expiry at the end of a period: what the period's allowance exceeds the rollover cap by. The
 * allowance that open holds took out of the balance belongs to the period too: it counts toward the
 * cap, and what of it expires is cut from the holds (oldest first), so their release gives back to
 * the allowance only what the roll did not expire. Runs inside the roll's transaction, which holds
 * the account's row lock.
 */
@Injectable()
export class AllowanceExpiry {
  constructor(
    private readonly postings: AccountPostings,
    private readonly events: LedgerEvents,
  ) {}

  async expire(em: EntityManager, payerId: string, rolloverCap: number, metadata: LedgerMetadata): Promise<void> {
    const { allowance } = await em.findOneByOrFail(TokenAccount, { payerId });
    // Locked, so a settlement cannot close one of them between this read and the cut.
    const holds = await em.find(TokenHold, {
      where: { payerId, closedAt: IsNull() },
      order: { createdAt: 'ASC', id: 'ASC' },
      ...(isMysql(em) && { lock: { mode: 'pessimistic_write' } }),
    });
    const heldAllowance = holds.reduce((sum, hold) => sum - hold.allowanceAmount, 0);
    const expiring = allowance + heldAllowance - rolloverCap;
    if (expiring <= 0) return;
    const fromBalance = Math.min(expiring, allowance);
    let heldExpired = 0;
    for (const hold of holds) {
      const cut = Math.min(expiring - fromBalance - heldExpired, -hold.allowanceAmount);
      if (cut <= 0) continue;
      const changed = await execute(
        em,
        'UPDATE token_holds SET amount = amount - ?, allowance_amount = allowance_amount + ? WHERE id = ? AND closed_at IS NULL',
        [cut, cut, hold.id],
      );
      if (changed === 1) heldExpired += cut;
    }
    const entry = await this.postings.apply(
      em,
      {
        payerId,
        type: LedgerEntryType.Expiry,
        amount: 0 - fromBalance,
        metadata: { ...metadata, rolloverCap, ...(heldExpired > 0 && { heldExpired }) },
        buckets: { allowance: 0 - fromBalance, credits: 0 },
      },
      { requireFunds: false, usedDelta: 0, heldDelta: -heldExpired },
    );
    this.events.posted(em, entry!);
  }
}
