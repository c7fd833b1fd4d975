import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  Batcher,
  Clock,
  type CommitCheck,
  type ItemFailure,
  splitOnConflict,
  TransactionRunner,
  unreachableForWaiting,
} from '@token-metering/database';
import { AccountDebits } from './account-debits.js';
import { AccountPostings } from './account-postings.js';
import {
  type ChargeOutcome,
  claimOf,
  debitsOf,
  type HoldingOutcome,
  isDebit,
  type Outcome,
  type Plan,
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
  sortedIndexes,
  userIdOf,
  wroteEntry,
} from './batch-items.js';
import { ChargePostings } from './charge-postings.js';
import { HoldPostings } from './hold-postings.js';
import { IdempotencyKeys } from '../idempotency/idempotency-keys.js';
import { LedgerEvents } from './ledger-events.js';
import { SettlementPostings } from './settlement-postings.js';
import { SpendLimitPostings } from './spend-limit-postings.js';
import { TokenAccount } from '../entities/token-account.entity.js';
import type { TokenHold } from '../entities/token-hold.entity.js';
import type { TokenLedgerEntry } from '../entities/token-ledger-entry.entity.js';
import { priceRevisionIn } from '../prices/token-prices.service.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from '../tokens-module-options.js';

export const DEFAULT_GROUP_COMMIT = { maxBatchSize: 128, maxConcurrentBatches: 1 };

/**
 * Group commit, the one write path of metered requests: charges, holds, settlements, releases and
 * refunds that arrive while a batch commits go together in the next transaction. In it, each
 * account's postings are applied in arrival order. Charges and holds are debits alike. Every account
 * that has only debits in the batch, or only the settlement of a hold as it was taken (its release
 * and usage), is taken by one UPDATE for all of them, conditional per account (where the balance
 * covers it); an account that does not fit gets its postings one by one (seeding or rolling the
 * account first when needed; a settlement's rest owed); an account with other postings gets a
 * conditional UPDATE per run of debits between them, and the others (settlements, releases,
 * refunds) one at a time. The entries go in one multi-row INSERT; one COMMIT. Every caller gets the
 * answer it would have had alone: its own entry, balance and buckets, or its own refusal (a 402, a
 * hold closed before), which neither fails nor undoes its neighbours. Items spending through a spend
 * limit move its row first (SpendLimitPostings). Every decision is a conditional statement in the
 * database, so instances batching independently stay correct.
 */
@Injectable()
export class PostingBatches {
  private readonly batcher: Batcher<Queued, Outcome>;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly postings: AccountPostings,
    private readonly debits: AccountDebits,
    private readonly charges: ChargePostings,
    private readonly holds: HoldPostings,
    private readonly settlements: SettlementPostings,
    private readonly limits: SpendLimitPostings,
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

  /** One account's conflict never fails another account's postings (see splitOnConflict). */
  private commit(batch: Queued[]): Promise<Array<Outcome | ItemFailure>> {
    return splitOnConflict(batch, userIdOf, (items) => this.commitTogether(items));
  }

  private commitTogether(batch: Queued[]): Promise<Outcome[]> {
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
    const now = this.clock.now();
    await this.limits.count(em, batch, outcomes, claimed, now);
    // Each account's postings in arrival order (sortedIndexes is stable).
    const byAccount = new Map<string, number[]>();
    for (const i of sortedIndexes(batch, userIdOf)) {
      if (outcomes[i]) continue;
      const payerId = userIdOf(batch[i]);
      byAccount.set(payerId, [...(byAccount.get(payerId) ?? []), i]);
    }

    const entries: TokenLedgerEntry[] = [];
    const alone = async (i: number) => (outcomes[i] = await this.alone(em, batch[i], claimed.has(i)));
    // Accounts whose postings one statement takes: only debits, or one settlement of a hold as it was taken.
    const lone = [...byAccount.values()].filter((indexes) => indexes.length === 1 && batch[indexes[0]].kind === 'settlement');
    const settling = new Set(
      await this.settlements.claimUnchanged(
        em,
        lone.map(([i]) => batch[i] as QueuedSettlement),
      ),
    );
    const together = [...byAccount].filter(([, indexes]) =>
      indexes.every((i) => isDebit(batch[i]) || settling.has(batch[i] as QueuedSettlement)),
    );
    const plans = together.map(([payerId, indexes]) => this.planOf(payerId, indexes, batch));
    const taken = await this.debits.takeTogether(
      em,
      plans.map(({ debit }) => debit),
      now,
    );
    const holdRows: TokenHold[] = [];
    for (const plan of plans) {
      const account = taken.get(plan.debit.payerId);
      if (account) holdRows.push(...this.taken(em, plan, batch, account, now, outcomes, entries));
      else for (const i of plan.indexes) await alone(i);
    }
    await this.holds.insertRows(em, holdRows);
    // The other accounts: in arrival order, a run of debits at a time between their other postings.
    const planned = new Set(together.map(([payerId]) => payerId));
    const others = [...byAccount].filter(([payerId]) => !planned.has(payerId));
    for (const [payerId, indexes] of others) {
      let run: number[] = [];
      const postRun = async () => {
        const plan = this.planOf(payerId, run, batch);
        if (run.length > 0 && (await this.postings.debitTogether(em, plan.debit, now))) {
          const account = await em.findOneByOrFail(TokenAccount, { payerId });
          // Its holds' rows before the next posting, which may roll the period (that counts the open holds).
          await this.holds.insertRows(em, this.taken(em, plan, batch, account, now, outcomes, entries));
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
    await this.limits.uncountRefused(em, batch, outcomes);
    await this.postings.insertEntries(em, entries);

    const charges = batch.flatMap((item, i) => (item.kind === 'charge' ? [outcomes[i]] : []));
    const charged = charges.filter((outcome) => outcome?.kind === 'charged').length;
    this.events.batchCommitted(em, { charges: charges.length, charged, accounts: byAccount.size });
    return outcomes as Outcome[];
  }

  /** What an account's postings take in one statement: its debits, or its one settlement (its hold claimed). */
  private planOf(payerId: string, indexes: number[], batch: Queued[]): Plan {
    const first = batch[indexes[0]];
    const taking =
      first?.kind === 'settlement'
        ? this.settlements.debitOf(first)
        : debitsOf(
            payerId,
            indexes.map((i) => batch[i] as QueuedDebit),
          );
    return { indexes, ...taking };
  }

  /**
   * The outcomes of the postings of a plan its statement took, from the account row read after it;
   * their entries go to `entries`. Returns the rows of its holds.
   */
  private taken(
    em: EntityManager,
    { indexes, postings }: Plan,
    batch: Queued[],
    account: TokenAccount,
    now: Date,
    outcomes: Array<Outcome | undefined>,
    entries: TokenLedgerEntry[],
  ): TokenHold[] {
    const made = this.debits.entriesOf(account, postings, now);
    entries.push(...made);
    const first = batch[indexes[0]];
    if (first.kind === 'settlement') {
      outcomes[indexes[0]] = this.settlements.settled(em, first, made);
      return [];
    }
    const rows: TokenHold[] = [];
    made.forEach((entry, n) => {
      const item = batch[indexes[n]] as QueuedDebit;
      if (item.kind === 'charge') {
        outcomes[indexes[n]] = this.charges.charged(em, item, entry);
        return;
      }
      const { hold, row } = this.holds.held(em, item, entry, now);
      outcomes[indexes[n]] = hold;
      rows.push(row);
    });
    return rows;
  }

  /**
   * A posting of a plan whose statement did not match (a short balance, an account to seed or roll),
   * on statements of its own: a debit is refused when short, a settlement's rest is owed.
   */
  private async alone(em: EntityManager, item: Queued, claimedKey: boolean): Promise<Outcome> {
    if (item.kind === 'settlement') return this.settlements.settleClaimed(em, item, { kind: 'open', held: item.hold });
    const debit = item as QueuedDebit;
    const outcome = debit.kind === 'charge' ? await this.charges.chargeAlone(em, debit) : await this.holds.holdAlone(em, debit);
    // A refused debit leaves its key unused, as if its transaction had rolled back.
    if (claimedKey && outcome.kind !== 'charged' && outcome.kind !== 'held') {
      await this.keys.release(em, debit.request.payerId, debit.request.idempotency!.key);
    }
    return outcome;
  }

  /** A posting that is not a debit, on statements of its own. */
  private postOne(em: EntityManager, item: QueuedRefund | QueuedSettlement | QueuedRelease): Promise<Outcome> {
    switch (item.kind) {
      case 'refund':
        return this.charges.refundIn(em, item);
      case 'settlement':
        return this.settlements.settleIn(em, item);
      case 'release':
        return this.holds.releaseIn(em, item);
    }
  }
}
