import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { EntityManager } from 'typeorm';
import { Batcher, Clock, type CommitCheck, TransactionRunner, unreachableForWaiting } from '@token-metering/database';
import { AccountPeriods, type Refusal } from './account-periods.js';
import { AccountDebits } from './account-debits.js';
import { AccountPostings } from './account-postings.js';
import {
  type ChargeOutcome,
  claimOf,
  debitOf,
  type HoldingOutcome,
  isDebit,
  type Outcome,
  type Queued,
  type QueuedCharge,
  type QueuedDebit,
  type QueuedHold,
  type QueuedRefund,
  type QueuedRelease,
  type QueuedSettlement,
  type RefundOutcome,
  type ReleaseOutcome,
  type SettlementOutcome,
  userIdOf,
  wroteEntry,
} from './batch-items.js';
import { HoldPostings } from './hold-postings.js';
import { IdempotencyKeys } from '../idempotency/idempotency-keys.js';
import { LedgerEvents } from './ledger-events.js';
import { TokenAccount } from '../entities/token-account.entity.js';
import type { TokenHold } from '../entities/token-hold.entity.js';
import { LedgerEntryType, TokenLedgerEntry } from '../entities/token-ledger-entry.entity.js';
import { type Charge, chargeOf, type Posting } from './token-ledger.js';
import { priceRevisionIn } from '../prices/token-prices.service.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from '../tokens-module-options.js';

export const DEFAULT_GROUP_COMMIT = { maxBatchSize: 128, maxConcurrentBatches: 1 };

/**
 * Group commit, the one write path of metered requests: charges, holds, settlements, releases and
 * refunds that arrive while a batch commits go together in the next transaction. In it, each
 * account's postings are applied in arrival order. Charges and holds are debits alike: those of every
 * account that has only debits in the batch are taken by one UPDATE, conditional per account (its
 * total where the balance covers it); an account whose total does not fit gets its debits one by one
 * (seeding or rolling the account first when needed); an account with other postings too gets a
 * conditional UPDATE per run of debits between them, and the others (settlements, releases, refunds)
 * one at a time. The debits' entries go in one multi-row INSERT; one COMMIT. Every caller gets the
 * answer it would have had alone: its own entry, balance and buckets, or its own refusal (a 402, a
 * hold closed before), which neither fails nor undoes its neighbours. Every decision is a
 * conditional statement in the database, so instances batching independently stay correct.
 */
@Injectable()
export class PostingBatches {
  private readonly batcher: Batcher<Queued, Outcome>;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly postings: AccountPostings,
    private readonly debits: AccountDebits,
    private readonly periods: AccountPeriods,
    private readonly holds: HoldPostings,
    private readonly keys: IdempotencyKeys,
    private readonly events: LedgerEvents,
    @Inject(TOKENS_MODULE_OPTIONS) options: TokensModuleOptions,
  ) {
    this.batcher = new Batcher((batch) => this.commit(batch), {
      ...DEFAULT_GROUP_COMMIT,
      ...options.groupCommit,
      failWaitingWith: unreachableForWaiting,
    });
  }

  charge(charge: QueuedCharge): Promise<ChargeOutcome> {
    return this.batcher.submit(charge) as Promise<ChargeOutcome>;
  }

  hold(hold: QueuedHold): Promise<HoldingOutcome> {
    return this.batcher.submit(hold) as Promise<HoldingOutcome>;
  }

  settle(settlement: QueuedSettlement): Promise<SettlementOutcome> {
    return this.batcher.submit(settlement) as Promise<SettlementOutcome>;
  }

  release(release: QueuedRelease): Promise<ReleaseOutcome> {
    return this.batcher.submit(release) as Promise<ReleaseOutcome>;
  }

  /** Gives a charge back (a `refund` entry, its idempotency key freed); refused only when its account is gone. */
  refund(refund: QueuedRefund): Promise<RefundOutcome> {
    return this.batcher.submit(refund) as Promise<RefundOutcome>;
  }

  private commit(batch: Queued[]): Promise<Outcome[]> {
    let outcomes: Outcome[] = [];
    return this.tx.run(
      async (em) => {
        for (const item of batch) if (item.kind === 'charge') item.entryId = randomUUID();
        outcomes = await this.postAll(em, batch);
        return outcomes;
      },
      {
        // One transaction: if one of its entries committed, all of it did.
        verifyCommit: async (em): Promise<CommitCheck<Outcome[]>> => {
          const written = batch.find((item, i) => wroteEntry(item, outcomes[i]));
          if (!written) return { committed: false };
          const entry = await this.postings.committedEntry(em, userIdOf(written), written.entryId);
          return entry ? { committed: true, result: outcomes } : { committed: false };
        },
      },
    );
  }

  private async postAll(em: EntityManager, batch: Queued[]): Promise<Outcome[]> {
    const outcomes: Array<Outcome | undefined> = batch.map(() => undefined);
    // Charges priced from an instance's cached overrides: charged only if the prices are still those.
    if (batch.some((item) => item.kind === 'charge' && item.request.priceRevision !== undefined)) {
      const revision = await priceRevisionIn(em);
      batch.forEach((item, i) => {
        const priced = item.kind === 'charge' ? item.request.priceRevision : undefined;
        if (priced !== undefined && priced !== revision) outcomes[i] = { kind: 'price_changed' };
      });
    }
    const claimed = new Set<number>();
    // Keys, then accounts, each in one order on every instance, so concurrent batches do not deadlock.
    for (const i of sortedIndexes(batch, (item) => `${userIdOf(item)}\n${claimOf(item)?.key ?? ''}`)) {
      const claim = claimOf(batch[i]);
      if (!claim || outcomes[i]) continue;
      if (await this.keys.claim(em, userIdOf(batch[i]), claim)) claimed.add(i);
      else outcomes[i] = { kind: 'key_taken' };
    }

    // Each account's postings in arrival order (sortedIndexes is stable).
    const byAccount = new Map<string, number[]>();
    for (const i of sortedIndexes(batch, userIdOf)) {
      if (outcomes[i]) continue;
      const userId = userIdOf(batch[i]);
      byAccount.set(userId, [...(byAccount.get(userId) ?? []), i]);
    }

    const now = this.clock.now();
    const entries: TokenLedgerEntry[] = [];
    const debited = (run: number[], account: TokenAccount) => this.debitedTogether(em, run, batch, account, now, outcomes, entries);
    const alone = async (i: number) => (outcomes[i] = await this.debitAlone(em, batch[i] as QueuedDebit, claimed.has(i)));
    // Accounts with only debits in the batch: one statement takes each one's total where it fits.
    const onlyDebits = [...byAccount].filter(([, indexes]) => indexes.every((i) => isDebit(batch[i])));
    const taken = await this.debits.debitAccounts(
      em,
      onlyDebits.map(([userId, indexes]) => ({ userId, ...totalsOf(indexes.map((i) => batch[i] as QueuedDebit)) })),
      now,
    );
    const holdRows: TokenHold[] = [];
    for (const [userId, indexes] of onlyDebits) {
      const account = taken.get(userId);
      if (account) holdRows.push(...debited(indexes, account));
      else for (const i of indexes) await alone(i);
    }
    await this.holds.insertRows(em, holdRows);
    // Accounts with other postings too: in arrival order, a run of debits at a time between the others.
    for (const [userId, indexes] of byAccount) {
      if (indexes.every((i) => isDebit(batch[i]))) continue;
      let run: number[] = [];
      const postRun = async () => {
        const { costs, held } = totalsOf(run.map((i) => batch[i] as QueuedDebit));
        if (run.length > 0 && (await this.postings.debitTogether(em, userId, costs, now, held))) {
          // Its holds' rows before the next posting, which may roll the period (that counts the open holds).
          await this.holds.insertRows(em, debited(run, await em.findOneByOrFail(TokenAccount, { userId })));
        } else {
          for (const i of run) await alone(i);
        }
        run = [];
      };
      for (const i of indexes) {
        const item = batch[i];
        if (isDebit(item)) {
          run.push(i);
        } else {
          await postRun();
          outcomes[i] = await this.postOne(em, item);
        }
      }
      await postRun();
    }
    await this.postings.insertEntries(em, entries);

    const charges = batch.flatMap((item, i) => (item.kind === 'charge' ? [outcomes[i]] : []));
    const charged = charges.filter((outcome) => outcome?.kind === 'charged').length;
    this.events.batchCommitted(em, { charges: charges.length, charged, accounts: byAccount.size });
    return outcomes as Outcome[];
  }

  /** A posting that is not a debit, on its own statements. */
  private postOne(em: EntityManager, item: QueuedRefund | QueuedSettlement | QueuedRelease): Promise<Outcome> {
    switch (item.kind) {
      case 'refund':
        return this.refundIn(em, item);
      case 'settlement':
        return this.holds.settleIn(em, item);
      case 'release':
        return this.holds.releaseIn(em, item);
    }
  }

  /**
   * The outcomes and entries (added to `entries`) of a run of debits whose total one UPDATE took, from
   * the account row read after it; returns the rows of its holds.
   */
  private debitedTogether(
    em: EntityManager,
    run: number[],
    batch: Queued[],
    account: TokenAccount,
    now: Date,
    outcomes: Array<Outcome | undefined>,
    entries: TokenLedgerEntry[],
  ): TokenHold[] {
    const debits = run.map((i) => batch[i] as QueuedDebit);
    const made = this.debits.debitEntries(
      account,
      debits.map((item) => ({ posting: debitOf(item).posting, entryId: item.entryId })),
      now,
    );
    entries.push(...made);
    const rows: TokenHold[] = [];
    made.forEach((entry, n) => {
      const item = debits[n];
      if (item.kind === 'charge') {
        outcomes[run[n]] = this.charged(em, item, entry);
        return;
      }
      const { hold, row } = this.holds.held(em, item, entry, now);
      outcomes[run[n]] = hold;
      rows.push(row);
    });
    return rows;
  }

  /** A debit on its own statement: the account is seeded or rolled first when needed, a short balance refuses it. */
  private async debitAlone(em: EntityManager, item: QueuedDebit, claimedKey: boolean): Promise<ChargeOutcome | HoldingOutcome> {
    const outcome = item.kind === 'charge' ? await this.chargeAlone(em, item) : await this.holds.holdAlone(em, item);
    // A refused debit leaves its key unused, as if its transaction had rolled back.
    if (claimedKey && outcome.kind !== 'charged' && outcome.kind !== 'held') {
      await this.keys.release(em, item.request.userId, item.request.idempotency!.key);
    }
    return outcome;
  }

  private async chargeAlone(em: EntityManager, charge: QueuedCharge): Promise<Charge | Refusal> {
    const { posting, cost } = debitOf(charge);
    const settled = await this.periods.settle(em, posting, { requireFunds: true, usedDelta: cost, entryId: charge.entryId });
    return settled.kind === 'posted' ? this.charged(em, charge, settled.entry) : settled;
  }

  private charged(em: EntityManager, { request, started }: QueuedCharge, entry: TokenLedgerEntry): Charge {
    this.events.charged(em, request, entry, performance.now() - started);
    return chargeOf(request, entry);
  }

  /** The refund entry gives back exactly what the charge took from each bucket; a refund of 0 tokens only frees the key. */
  private async refundIn(em: EntityManager, { charge, reason, entryId }: QueuedRefund): Promise<RefundOutcome> {
    if (charge.price > 0) {
      const posting: Posting = {
        userId: charge.userId,
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
    if (charge.idempotencyKey) await this.keys.release(em, charge.userId, charge.idempotencyKey);
    return { kind: 'refunded' };
  }
}

/** What a run of debits takes together: each one's cost, and how much of their total goes to `held`. */
function totalsOf(debits: QueuedDebit[]): { costs: number[]; held: number } {
  const each = debits.map(debitOf);
  return { costs: each.map(({ cost }) => cost), held: each.reduce((sum, { held }) => sum + held, 0) };
}

/** Indexes of `items`, ordered by `key` (stable). */
function sortedIndexes<T>(items: T[], key: (item: T) => string): number[] {
  const keys = items.map(key);
  return items.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
}
