import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type EntityManager, In } from 'typeorm';
import { Clock, execute, isMysql } from '@token-metering/database';
import { AccountDebits, type DebitPostings } from './account-debits.js';
import { AccountPeriods, refusalError } from './account-periods.js';
import { type AccountDebit, AccountPostings } from './account-postings.js';
import type { QueuedSettlement, SettlementOutcome } from './batch-items.js';
import { type HeldPart, heldPartOf, HoldPostings, releaseOf } from './hold-postings.js';
import { LedgerEvents } from './ledger-events.js';
import { TokenAccount } from '../entities/token-account.entity.js';
import { HoldOutcome, TokenHold } from '../entities/token-hold.entity.js';
import { LedgerEntryType, type TokenLedgerEntry } from '../entities/token-ledger-entry.entity.js';
import { type Charge, chargeOf, type ChargeRequest, type Hold, type Posting } from './token-ledger.js';

/** How a settlement found its hold: open (what it holds), released or expired before, or settled already. */
export type SettlementClaim = { kind: 'open'; held: HeldPart } | { kind: 'late'; outcome: HoldOutcome } | { kind: 'closed' };

/**
 * Settlements, inside a batch's transaction (PostingBatches): a hold closed with the request's actual
 * price, as a `hold_release` of what the hold still holds and a `usage` entry of the price. The usage
 * takes what the released hold and the balance cover; the rest is owed (see OwedTokens). Usually the
 * hold is open as it was taken and the balance with it covers the price: then its release and usage
 * are one AccountDebit, which the batch takes together with its other accounts' (`claimUnchanged`,
 * `debitOf`, `settled`). Otherwise the settlement runs on statements of its own (`settleIn`).
 */
@Injectable()
export class SettlementPostings {
  constructor(
    private readonly clock: Clock,
    private readonly postings: AccountPostings,
    private readonly debits: AccountDebits,
    private readonly periods: AccountPeriods,
    private readonly holds: HoldPostings,
    private readonly events: LedgerEvents,
  ) {}

  /**
   * Claims the holds of `settlements` that are open and as they were taken, in two statements for all
   * of them (their rows locked, then closed); returns those. The others are left to `settleIn`.
   */
  async claimUnchanged(em: EntityManager, settlements: QueuedSettlement[]): Promise<QueuedSettlement[]> {
    if (settlements.length === 0) return [];
    const rows = await em.find(TokenHold, {
      select: { id: true, amount: true, closedAt: true },
      where: { id: In(settlements.map(({ hold }) => hold.holdId)) },
      ...(isMysql(em) && { lock: { mode: 'pessimistic_write' as const } }),
    });
    const open = new Map(rows.filter((row) => row.closedAt === null).map((row) => [row.id, row.amount]));
    const claimable = settlements.filter(({ hold }) => open.get(hold.holdId) === hold.amount);
    if (claimable.length === 0) return [];
    const ids = claimable.map(({ hold }) => hold.holdId);
    const claimed = await execute(
      em,
      `UPDATE token_holds SET closed_at = ?, outcome = ? WHERE id IN (${ids.map(() => '?').join(', ')}) AND closed_at IS NULL`,
      [this.clock.now(), HoldOutcome.Settled, ...ids],
    );
    // Their rows are locked (on SQLite, every write transaction runs alone).
    if (claimed !== claimable.length) throw new Error(`claimed ${claimed} of ${claimable.length} locked open holds`);
    return claimable;
  }

  /** What the settlement of an open hold takes from its account in one statement, with its postings. */
  debitOf(item: QueuedSettlement, held: HeldPart = item.hold): { debit: AccountDebit; postings: DebitPostings } {
    const release = releaseOf({ ...held, clientRequestId: item.hold.clientRequestId }, 'settled');
    return {
      debit: { payerId: held.payerId, credit: release.buckets, prices: [item.price], usedDelta: item.price, heldDelta: -held.amount },
      postings: { credit: { posting: release, entryId: randomUUID() }, debits: [{ posting: usageOf(item), entryId: item.entryId }] },
    };
  }

  /** The answer of a settlement whose release and usage entries `debitOf`'s statement made. */
  settled(em: EntityManager, item: QueuedSettlement, [release, usage]: TokenLedgerEntry[]): Charge {
    this.events.posted(em, release);
    return this.charged(em, item, usage);
  }

  /** A settlement on statements of its own: its hold claimed as it is found, then charged. */
  async settleIn(em: EntityManager, item: QueuedSettlement): Promise<SettlementOutcome> {
    const claimed = await this.claimForSettlement(em, item.hold);
    return claimed.kind === 'closed' ? claimed : this.settleClaimed(em, item, claimed);
  }

  /**
   * Charges a claimed settlement: an open hold is given back and the usage charged in one statement
   * when the balance with it covers the price, else the release first and then the usage collected
   * (what the balance lacks is owed); a hold released or expired before is charged all the same.
   */
  async settleClaimed(em: EntityManager, item: QueuedSettlement, claimed: Exclude<SettlementClaim, { kind: 'closed' }>): Promise<Charge> {
    if (claimed.kind === 'open') {
      const { debit, postings } = this.debitOf(item, claimed.held);
      const now = this.clock.now();
      if (await this.postings.debitTogether(em, debit, now)) {
        const account = await em.findOneByOrFail(TokenAccount, { payerId: debit.payerId });
        const entries = this.debits.entriesOf(account, postings, now);
        await this.postings.insertEntries(em, entries);
        return this.settled(em, item, entries);
      }
      await this.holds.postRelease(em, postings.credit!.posting, debit.heldDelta);
    }
    const late = claimed.kind === 'late' ? claimed.outcome : undefined;
    const settled = await this.periods.collect(
      em,
      usageOf(item, late),
      { usedDelta: item.price, entryId: item.entryId },
      { order: 'allowance_first' },
    );
    // Never for an account that holds (a collection is not refused for a short balance): a broken ledger fails the batch.
    if (settled.kind !== 'posted') throw refusalError(settled);
    return this.charged(em, item, settled.entry);
  }

  private charged(em: EntityManager, { hold, price, started }: QueuedSettlement, entry: TokenLedgerEntry): Charge {
    const { payerId, action, requestId, clientRequestId, idempotencyKey } = hold;
    const request: ChargeRequest = {
      payerId,
      action,
      price,
      requestId,
      clientRequestId,
      ...(idempotencyKey ? { idempotency: { key: idempotencyKey, requestHash: '' } } : {}),
    };
    this.events.charged(em, request, entry, performance.now() - started);
    return chargeOf(request, entry);
  }

  /**
   * Claims a hold for its settlement, once: an open hold, with what it still holds (released here), or
   * one released or expired before its request finished (`late`: its release was written then).
   * 'closed' when it was settled already. A hold as it was taken is claimed without reading its row.
   */
  private async claimForSettlement(em: EntityManager, hold: Hold): Promise<SettlementClaim> {
    const unchanged = await execute(
      em,
      'UPDATE token_holds SET closed_at = ?, outcome = ? WHERE id = ? AND closed_at IS NULL AND amount = ?',
      [this.clock.now(), HoldOutcome.Settled, hold.holdId, hold.amount],
    );
    if (unchanged === 1) return { kind: 'open', held: hold };
    const row = await em.findOneBy(TokenHold, { id: hold.holdId });
    if (!row || row.outcome === HoldOutcome.Settled) return { kind: 'closed' };
    // Still open: a period roll expired part of it, and what it still holds is released.
    if (row.closedAt === null)
      return (await this.holds.claim(em, row.id, HoldOutcome.Settled)) ? { kind: 'open', held: heldPartOf(row) } : { kind: 'closed' };
    const settled = await execute(em, 'UPDATE token_holds SET outcome = ? WHERE id = ? AND outcome = ?', [
      HoldOutcome.Settled,
      row.id,
      row.outcome,
    ]);
    return settled === 1 && row.outcome ? { kind: 'late', outcome: row.outcome } : { kind: 'closed' };
  }
}

/** The usage entry of a settlement; `late` says how its hold was closed before (released or expired). */
function usageOf({ hold, price, metadata }: QueuedSettlement, late?: HoldOutcome): Posting {
  const { payerId, action, requestId, clientRequestId, holdId } = hold;
  return {
    payerId,
    type: LedgerEntryType.Usage,
    amount: -price,
    action,
    requestId,
    clientRequestId,
    metadata: { holdId, ...metadata, ...(late && { holdClosedBefore: late }) },
  };
}
