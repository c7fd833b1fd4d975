import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { EntityManager } from 'typeorm';
import { Batcher } from '@token-metering/database';
import { Clock } from '@token-metering/database';
import type { CommitCheck } from '@token-metering/database';
import { TransactionRunner, unreachableForWaiting } from '@token-metering/database';
import { AccountPeriods, type Refusal } from './account-periods.js';
import { AccountPostings } from './account-postings.js';
import { IdempotencyKeys } from '../idempotency/idempotency-keys.js';
import { LedgerEvents } from './ledger-events.js';
import { TokenAccount } from '../entities/token-account.entity.js';
import { LedgerEntryType, TokenLedgerEntry } from '../entities/token-ledger-entry.entity.js';
import { type Charge, type ChargeRequest, chargeOf, type Posting, type PriceChanged, type RefundReason } from './token-ledger.js';
import { priceRevisionIn } from '../prices/token-prices.service.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from '../tokens-module-options.js';

/**
 * What one charge of a batch came to: committed, refused, its idempotency key already taken
 * (resolved after the commit), or priced at a revision of the prices that is no longer current.
 */
export type ChargeOutcome = Charge | Refusal | { kind: 'key_taken' } | PriceChanged;

/** A charge waiting for its batch; `entryId` is the id its entry has in the latest attempt (for a COMMIT whose answer was lost). */
export interface QueuedCharge {
  kind: 'charge';
  request: ChargeRequest;
  started: number;
  entryId: string;
}

/** A refund waiting for its batch, with the id its entry has in every attempt (so it is written once). */
export interface QueuedRefund {
  kind: 'refund';
  charge: Charge;
  reason: RefundReason;
  entryId: string;
}

type Queued = QueuedCharge | QueuedRefund;
type Outcome = ChargeOutcome | { kind: 'refunded' };

export const DEFAULT_GROUP_COMMIT = { maxBatchSize: 128, maxConcurrentBatches: 1 };

/**
 * Group commit of charges and refunds: the postings that arrive while a batch commits go together
 * in the next transaction. In it, each account's postings are applied in arrival order: the charges
 * of every account that has only charges in the batch are taken by one UPDATE, conditional per
 * account (its total where the balance covers it); an account whose total does not fit gets its
 * charges one by one (seeding or rolling the account first when needed); an account with refunds
 * gets a conditional UPDATE per run of charges between them. The entries of the totals go in one
 * multi-row INSERT; one COMMIT. Every caller gets the answer it would have had
 * alone: its own entry, balance and buckets, or its own refusal, which neither fails nor undoes its
 * neighbours. Every decision is a conditional statement in the database, so instances batching
 * independently stay correct.
 */
@Injectable()
export class PostingBatches {
  private readonly batcher: Batcher<Queued, Outcome>;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly postings: AccountPostings,
    private readonly periods: AccountPeriods,
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

  /** Gives a charge back (a `refund` entry, its idempotency key freed); refused only when its account is gone. */
  refund(refund: QueuedRefund): Promise<{ kind: 'refunded' } | Refusal> {
    return this.batcher.submit(refund) as Promise<{ kind: 'refunded' } | Refusal>;
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
          const written = batch.find(
            (item, i) => outcomes[i]?.kind === (item.kind === 'charge' ? 'charged' : 'refunded') && wroteEntry(item),
          );
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
    for (const i of sortedIndexes(
      batch,
      (item) => `${userIdOf(item)}\n${item.kind === 'charge' ? (item.request.idempotency?.key ?? '') : ''}`,
    )) {
      const item = batch[i];
      if (item.kind !== 'charge' || !item.request.idempotency || outcomes[i]) continue;
      if (await this.keys.claim(em, item.request.userId, item.request.idempotency)) claimed.add(i);
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
    // Accounts with only charges in the batch: one statement takes each one's total where it fits.
    const onlyCharges = [...byAccount].filter(([, indexes]) => indexes.every((i) => batch[i].kind === 'charge'));
    const taken = await this.postings.debitAccounts(
      em,
      onlyCharges.map(([userId, indexes]) => ({ userId, costs: indexes.map((i) => (batch[i] as QueuedCharge).request.price) })),
      now,
    );
    for (const [userId, indexes] of onlyCharges) {
      const account = taken.get(userId);
      if (account) entries.push(...this.chargedTogether(em, indexes, batch, account, now, outcomes));
      else for (const i of indexes) outcomes[i] = await this.chargeAlone(em, batch[i] as QueuedCharge, claimed.has(i));
    }
    // Accounts with refunds too: in arrival order, a run of charges at a time between the refunds.
    for (const [userId, indexes] of byAccount) {
      if (indexes.every((i) => batch[i].kind === 'charge')) continue;
      let run: number[] = [];
      const postRun = async () => {
        const charges = run.map((i) => batch[i] as QueuedCharge);
        if (
          run.length > 0 &&
          (await this.postings.debitTogether(
            em,
            userId,
            charges.map(({ request }) => request.price),
            now,
          ))
        ) {
          const account = await em.findOneByOrFail(TokenAccount, { userId });
          entries.push(...this.chargedTogether(em, run, batch, account, now, outcomes));
        } else {
          for (const i of run) outcomes[i] = await this.chargeAlone(em, batch[i] as QueuedCharge, claimed.has(i));
        }
        run = [];
      };
      for (const i of indexes) {
        const item = batch[i];
        if (item.kind === 'charge') {
          run.push(i);
        } else {
          await postRun();
          outcomes[i] = await this.refundIn(em, item);
        }
      }
      await postRun();
    }
    await this.postings.insertEntries(em, entries);

    const charges = batch.filter((item) => item.kind === 'charge').length;
    const charged = outcomes.filter((outcome) => outcome?.kind === 'charged').length;
    this.events.batchCommitted(em, { charges, charged, accounts: byAccount.size });
    return outcomes as Outcome[];
  }

  /** The entries of a run of charges whose total one UPDATE took, from the account row read after it. */
  private chargedTogether(
    em: EntityManager,
    run: number[],
    batch: Queued[],
    account: TokenAccount,
    now: Date,
    outcomes: Array<Outcome | undefined>,
  ): TokenLedgerEntry[] {
    const charges = run.map((i) => batch[i] as QueuedCharge);
    const entries = this.postings.debitEntries(
      account,
      charges.map((charge) => ({ posting: usageOf(charge.request), entryId: charge.entryId })),
      now,
    );
    entries.forEach((entry, n) => (outcomes[run[n]] = this.charged(em, charges[n], entry)));
    return entries;
  }

  /** A charge on its own statement: the account is seeded or rolled first when needed, a short balance refuses it. */
  private async chargeAlone(em: EntityManager, charge: QueuedCharge, claimedKey: boolean): Promise<ChargeOutcome> {
    const { request, entryId } = charge;
    const settled = await this.periods.settle(em, usageOf(request), { requireFunds: true, usedDelta: request.price, entryId });
    if (settled.kind === 'posted') return this.charged(em, charge, settled.entry);
    // A refused charge leaves its key unused, as if its transaction had rolled back.
    if (claimedKey) await this.keys.release(em, request.userId, request.idempotency!.key);
    return settled;
  }

  private charged(em: EntityManager, { request, started }: QueuedCharge, entry: TokenLedgerEntry): Charge {
    this.events.charged(em, request, entry, performance.now() - started);
    return chargeOf(request, entry);
  }

  /** The refund entry gives back exactly what the charge took from each bucket; a refund of 0 tokens only frees the key. */
  private async refundIn(em: EntityManager, { charge, reason, entryId }: QueuedRefund): Promise<{ kind: 'refunded' } | Refusal> {
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

function userIdOf(item: Queued): string {
  return item.kind === 'charge' ? item.request.userId : item.charge.userId;
}

function wroteEntry(item: Queued): boolean {
  return item.kind === 'charge' || item.charge.price > 0;
}

function usageOf(request: ChargeRequest): Posting {
  const { userId, action, price, requestId, clientRequestId } = request;
  return { userId, type: LedgerEntryType.Usage, amount: -price, action, requestId, clientRequestId };
}

/** Indexes of `items`, ordered by `key` (stable). */
function sortedIndexes<T>(items: T[], key: (item: T) => string): number[] {
  const keys = items.map(key);
  return items.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
}
