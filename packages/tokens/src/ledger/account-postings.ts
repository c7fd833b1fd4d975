import { Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Clock } from '@token-metering/database';
import { execute, insertEntities, isCheckViolation, isMysql } from '@token-metering/database';
import { TokenAccount } from '../entities/token-account.entity.js';
import { TokenLedgerEntry } from '../entities/token-ledger-entry.entity.js';
import { LedgerWatcher } from '../ledger-watcher.js';
import { CURRENT_AT } from './account-current.js';
import { assignmentsOf, type Movement, movementOf, splitAfter, type SqlPart } from './balance-statements.js';
import type { BucketSplit, Posting } from './token-ledger.js';

export interface ApplyOptions {
  /** Refuse (match no row) when a negative amount exceeds the balance. */
  requireFunds: boolean;
  /** Defaults to movementOf(posting). */
  movement?: Movement;
  /** Change of used_this_period; never takes it below 0. */
  usedDelta: number;
  /** Change of `held` (a hold adds its amount, its release takes it away again). */
  heldDelta?: number;
  /** Change of `owed` (what a debit could not take adds to it, a repayment takes from it); never below 0. */
  owedDelta?: number;
  /** Match only an account current at this time (CURRENT_AT). */
  openAt?: Date;
  /** Id of the ledger row, chosen before the transaction so a COMMIT whose answer was lost can be checked. */
  entryId?: string;
}

/**
 * What one conditional statement takes from an account: a credit given back first (a hold's
 * release), when there is one, then debits in order, each from the allowance first.
 */
export interface AccountDebit {
  payerId: string;
  credit?: BucketSplit;
  prices: number[];
  /** Change of used_this_period: charges and usage count, holds do not. */
  usedDelta: number;
  /** Change of `held`: a hold adds its amount, a release takes it away. */
  heldDelta: number;
}

/** Posting to one account: the conditional balance statement and the ledger row it produces. */
@Injectable()
export class AccountPostings {
  constructor(
    private readonly clock: Clock,
    @Optional() private readonly watcher?: LedgerWatcher,
  ) {}

  /**
   * The single place a balance changes: one conditional UPDATE whose affected-row count is
   * checked, then the ledger row carrying the balance it produced. Returns null when no row
   * matched (account missing, period ended, or short of funds with `requireFunds`).
   */
  async apply(em: EntityManager, posting: Posting, options: ApplyOptions): Promise<TokenLedgerEntry | null> {
    const now = this.clock.now();
    const movement = options.movement ?? movementOf(posting);
    const minBalance = options.requireFunds && posting.amount < 0 ? -posting.amount : undefined;
    if (!(await this.update(em, posting.payerId, movement, { ...options, minBalance, entries: 1, now }))) return null;
    const account = await em.findOneByOrFail(TokenAccount, { payerId: posting.payerId });
    const entry = ledgerEntryOf(posting, splitAfter(movement, account), account.ledgerSeq, account.balance, now, options.entryId);
    await this.insertEntries(em, [entry]);
    return entry;
  }

  /**
   * What `debit` takes from one account, in one conditional UPDATE: only if the balance (with its
   * credit) covers all of it and the period is running at `openAt`. True when it matched;
   * AccountDebits.entriesOf then gives each posting its entry, from the account row read afterwards.
   */
  debitTogether(em: EntityManager, debit: AccountDebit, openAt: Date): Promise<boolean> {
    const { payerId, credit, prices, usedDelta, heldDelta } = debit;
    const price = prices.reduce((sum, each) => sum + each, 0);
    const movement: Movement = credit ? { kind: 'credit_then_debit', split: credit, price } : { kind: 'debit', price };
    const minBalance = price - (credit ? credit.allowance + credit.credits : 0);
    const entries = prices.length + (credit ? 1 : 0);
    return this.update(em, payerId, movement, { usedDelta, heldDelta, minBalance, openAt, entries, now: openAt });
  }

  private async update(
    em: EntityManager,
    payerId: string,
    movement: Movement,
    options: { usedDelta: number; heldDelta?: number; owedDelta?: number; minBalance?: number; openAt?: Date; entries: number; now: Date },
  ): Promise<boolean> {
    const buckets = assignmentsOf(movement);
    const counters: SqlPart[] = [];
    if (options.heldDelta) counters.push({ sql: ', held = held + ?', parameters: [options.heldDelta] });
    if (options.owedDelta) counters.push({ sql: ', owed = owed + ?', parameters: [options.owedDelta] });
    const conditions = ['user_id = ?'];
    const parameters: unknown[] = [
      ...buckets.parameters,
      options.usedDelta,
      options.usedDelta,
      ...counters.flatMap((part) => part.parameters),
      options.entries,
      options.now,
      payerId,
    ];
    if (options.minBalance !== undefined) {
      conditions.push('balance >= ?');
      parameters.push(options.minBalance);
    }
    if (options.owedDelta !== undefined && options.owedDelta < 0) {
      conditions.push('owed >= ?');
      parameters.push(-options.owedDelta);
    }
    if (options.openAt) {
      conditions.push(CURRENT_AT);
      parameters.push(options.openAt, options.openAt);
    }
    try {
      const changed = await execute(
        em,
        `UPDATE token_accounts
            SET ${buckets.sql},
                used_this_period = CASE WHEN used_this_period + ? < 0 THEN 0 ELSE used_this_period + ? END${counters.map((part) => part.sql).join('')},
                ledger_seq = ledger_seq + ?,
                updated_at = ?
          WHERE ${conditions.join(' AND ')}`,
        parameters,
      );
      return changed > 0;
    } catch (error) {
      // The CHECK (balance >= 0) constraint is the last line of defence against an overdraft.
      if (isCheckViolation(error)) return false;
      throw error;
    }
  }

  async appendEntry(
    em: EntityManager,
    posting: Posting,
    split: BucketSplit,
    seq: number,
    balanceAfter: number,
    now: Date,
  ): Promise<TokenLedgerEntry> {
    const entry = ledgerEntryOf(posting, split, seq, balanceAfter, now);
    await this.insertEntries(em, [entry]);
    return entry;
  }

  /** Ledger rows in one INSERT, shown to the host's LedgerWatcher in the same transaction. */
  async insertEntries(em: EntityManager, entries: TokenLedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await insertEntities(em, TokenLedgerEntry, entries);
    await this.watcher?.written(em, entries);
  }

  async openAccount(em: EntityManager, posting: Posting, periodEnd: Date): Promise<TokenLedgerEntry> {
    const now = this.clock.now();
    const { amount } = posting;
    await em.insert(TokenAccount, {
      payerId: posting.payerId,
      balance: amount,
      allowance: amount,
      credits: 0,
      periodAllowanceGranted: amount,
      usedThisPeriod: 0,
      ledgerSeq: 1,
      periodEnd,
      updatedAt: now,
    });
    return this.appendEntry(em, posting, { allowance: amount, credits: 0 }, 1, amount, now);
  }

  /**
   * The account row, locked until the transaction ends (MySQL/MariaDB: SELECT ... FOR UPDATE; SQLite
   * runs one write transaction at a time), for a posting whose amount depends on the balance.
   */
  lockedAccount(em: EntityManager, payerId: string): Promise<TokenAccount | null> {
    return em.findOne(TokenAccount, { where: { payerId }, ...(isMysql(em) && { lock: { mode: 'pessimistic_write' } }) });
  }

  /**
   * For a transaction whose COMMIT went unanswered: the ledger row it wrote, if it committed. The
   * locking read of the account waits until that transaction has ended (its conditional UPDATE
   * held the row lock), so the answer cannot change afterwards.
   */
  async committedEntry(em: EntityManager, payerId: string, entryId: string): Promise<TokenLedgerEntry | null> {
    await em.findOne(TokenAccount, { where: { payerId }, lock: { mode: 'pessimistic_write' } });
    return em.findOneBy(TokenLedgerEntry, { payerId, id: entryId });
  }
}

/** The ledger row of a posting, with the split, seq and balance its statement produced. */
export function ledgerEntryOf(
  posting: Posting,
  split: BucketSplit,
  seq: number,
  balanceAfter: number,
  now: Date,
  id: string = randomUUID(),
): TokenLedgerEntry {
  return Object.assign(new TokenLedgerEntry(), {
    id,
    payerId: posting.payerId,
    seq,
    type: posting.type,
    action: posting.action ?? null,
    amount: split.allowance + split.credits,
    allowanceAmount: split.allowance,
    creditsAmount: split.credits,
    balanceAfter,
    requestId: posting.requestId ?? null,
    clientRequestId: posting.clientRequestId ?? null,
    actorId: posting.actorId ?? null,
    metadata: posting.metadata ?? null,
    createdAt: now,
  });
}
