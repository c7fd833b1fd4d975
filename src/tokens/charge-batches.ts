import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type EntityManager, In } from 'typeorm';
import { Batcher } from '../common/batcher.js';
import { Clock } from '../common/clock.js';
import type { CommitCheck } from '../database/transaction-runner.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { AccountPeriods, type Refusal } from './account-periods.js';
import { AccountPostings } from './account-postings.js';
import { IdempotencyKeys } from './idempotency-keys.js';
import { LedgerEvents } from './ledger-events.js';
import { TokenAccount } from './token-account.entity.js';
import { LedgerEntryType, TokenLedgerEntry } from './token-ledger-entry.entity.js';
import { type Charge, type ChargeRequest, chargeOf, type Posting } from './token-ledger.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from './tokens-module-options.js';

/** What one charge of a batch came to: committed, refused, or its idempotency key already taken (resolved after the commit). */
export type ChargeOutcome = Charge | Refusal | { kind: 'key_taken' };

/** A charge waiting for its batch; `entryId` is the id its entry has in the latest attempt (for a COMMIT whose answer was lost). */
export interface QueuedCharge {
  request: ChargeRequest;
  started: number;
  entryId: string;
}

export const DEFAULT_GROUP_COMMIT = { maxBatchSize: 128, maxConcurrentBatches: 1 };

/**
 * Group commit of charges: the charges that arrive while a batch commits go together in the next
 * transaction. In it, each account gets one conditional UPDATE for the total of its charges when
 * the balance covers them all, else its charges are posted one by one in arrival order (seeding or
 * rolling the account first when needed); the entries of the totals go in one multi-row INSERT;
 * one COMMIT. Every charge gets the answer it would have had alone: its own entry, balance and
 * buckets, or its own refusal, which neither fails nor undoes its neighbours. Every decision is a
 * conditional statement in the database, so instances batching independently stay correct.
 */
@Injectable()
export class ChargeBatches {
  private readonly batcher: Batcher<QueuedCharge, ChargeOutcome>;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly postings: AccountPostings,
    private readonly periods: AccountPeriods,
    private readonly keys: IdempotencyKeys,
    private readonly events: LedgerEvents,
    @Inject(TOKENS_MODULE_OPTIONS) options: TokensModuleOptions,
  ) {
    this.batcher = new Batcher((charges) => this.commit(charges), { ...DEFAULT_GROUP_COMMIT, ...options.groupCommit });
  }

  charge(charge: QueuedCharge): Promise<ChargeOutcome> {
    return this.batcher.submit(charge);
  }

  private commit(charges: QueuedCharge[]): Promise<ChargeOutcome[]> {
    let outcomes: ChargeOutcome[] = [];
    return this.tx.run(
      async (em) => {
        for (const charge of charges) charge.entryId = randomUUID();
        outcomes = await this.chargeAll(em, charges);
        return outcomes;
      },
      {
        // One transaction: if one of its entries committed, all of it did.
        verifyCommit: async (em): Promise<CommitCheck<ChargeOutcome[]>> => {
          const written = charges.filter((_, i) => outcomes[i]?.kind === 'charged');
          if (written.length === 0) return { committed: false };
          const first = written[0];
          const entry = await this.postings.committedEntry(em, first.request.userId, first.entryId);
          return entry ? { committed: true, result: outcomes } : { committed: false };
        },
      },
    );
  }

  private async chargeAll(em: EntityManager, charges: QueuedCharge[]): Promise<ChargeOutcome[]> {
    const outcomes: Array<ChargeOutcome | undefined> = charges.map(() => undefined);
    const claimed = new Set<number>();
    // Keys, then accounts, each in one order on every instance, so concurrent batches do not deadlock.
    for (const i of sortedIndexes(charges, ({ request }) => `${request.userId}\n${request.idempotency?.key ?? ''}`)) {
      const { userId, idempotency } = charges[i].request;
      if (!idempotency) continue;
      if (await this.keys.claim(em, userId, idempotency)) claimed.add(i);
      else outcomes[i] = { kind: 'key_taken' };
    }

    const byAccount = new Map<string, number[]>();
    for (const i of sortedIndexes(charges, ({ request }) => request.userId)) {
      if (outcomes[i]) continue;
      const userId = charges[i].request.userId;
      byAccount.set(userId, [...(byAccount.get(userId) ?? []), i]);
    }
    for (const indexes of byAccount.values()) indexes.sort((a, b) => a - b); // arrival order within an account

    const now = this.clock.now();
    const together: number[][] = [];
    for (const [userId, indexes] of byAccount) {
      const costs = indexes.map((i) => charges[i].request.cost);
      if (await this.postings.debitTogether(em, userId, costs, now)) {
        together.push(indexes);
        continue;
      }
      for (const i of indexes) {
        const settled = await this.periods.settle(em, postingOf(charges[i]), {
          requireFunds: true,
          usedDelta: charges[i].request.cost,
          entryId: charges[i].entryId,
        });
        if (settled.kind === 'posted') {
          outcomes[i] = this.charged(em, charges[i], settled.entry);
        } else {
          outcomes[i] = settled;
          // A refused charge leaves its key unused, as if its transaction had rolled back.
          if (claimed.has(i)) await this.keys.release(em, charges[i].request.userId, charges[i].request.idempotency!.key);
        }
      }
    }

    if (together.length > 0) {
      const accounts = await em.findBy(TokenAccount, { userId: In(together.map((indexes) => charges[indexes[0]].request.userId)) });
      const accountOf = new Map(accounts.map((account) => [account.userId, account]));
      const entries = together.flatMap((indexes) => {
        const account = accountOf.get(charges[indexes[0]].request.userId)!;
        const debits = indexes.map((i) => ({ posting: postingOf(charges[i]), entryId: charges[i].entryId }));
        return this.postings.debitEntries(account, debits, now).map((entry, n) => {
          outcomes[indexes[n]] = this.charged(em, charges[indexes[n]], entry);
          return entry;
        });
      });
      await this.postings.insertEntries(em, entries);
    }
    const charged = outcomes.filter((outcome) => outcome?.kind === 'charged').length;
    this.events.batchCommitted(em, { charges: charges.length, charged, accounts: byAccount.size });
    return outcomes as ChargeOutcome[];
  }

  private charged(em: EntityManager, { request, started }: QueuedCharge, entry: TokenLedgerEntry): Charge {
    this.events.charged(em, request, entry, performance.now() - started);
    return chargeOf(request, entry);
  }
}

function postingOf({ request }: QueuedCharge): Posting {
  const { userId, action, cost, requestId, clientRequestId } = request;
  return { userId, type: LedgerEntryType.Usage, amount: -cost, action, requestId, clientRequestId };
}

/** Indexes of `items`, ordered by `key` (stable). */
function sortedIndexes<T>(items: T[], key: (item: T) => string): number[] {
  const keys = items.map(key);
  return items.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
}
