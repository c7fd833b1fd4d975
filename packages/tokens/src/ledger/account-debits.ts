import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { execute, isCheckViolation } from '@token-metering/database';
import { CURRENT_AT } from './account-current.js';
import { type AccountDebit, AccountPostings, ledgerEntryOf } from './account-postings.js';
import { debitAssignments, perAccount, type SqlPart } from './balance-statements.js';
import { TokenAccount } from '../entities/token-account.entity.js';
import type { TokenLedgerEntry } from '../entities/token-ledger-entry.entity.js';
import type { BucketSplit, Posting } from './token-ledger.js';

/** The postings of an AccountDebit, for their entries: its credit, then its debits. */
export interface DebitPostings {
  credit?: { posting: Posting & { buckets: BucketSplit }; entryId: string };
  debits: Array<{ posting: Posting; entryId: string }>;
}

/**
 * What a batch takes from many accounts at once (charges, holds, a settlement's release and usage):
 * every account's AccountDebit in one conditional statement, and the entries of its postings as if
 * each had been a statement of its own.
 */
@Injectable()
export class AccountDebits {
  constructor(private readonly postings: AccountPostings) {}

  /**
   * The debits of many accounts in one UPDATE, each only where the account's balance (with its credit)
   * covers it and it is current at `openAt` (its period running, no grant due) (the condition is the database's, row by row).
   * Returns the rows of the accounts it changed, read after it (it marks them with an id of its own),
   * for `entriesOf`; the others were not changed.
   */
  async takeTogether(em: EntityManager, debits: AccountDebit[], openAt: Date): Promise<Map<string, TokenAccount>> {
    if (debits.length === 0) return new Map();
    if (debits.length === 1) {
      // One account: its plain conditional UPDATE, then its row.
      const [debit] = debits;
      if (!(await this.postings.debitTogether(em, debit, openAt))) return new Map();
      return new Map([[debit.payerId, await em.findOneByOrFail(TokenAccount, { payerId: debit.payerId })]]);
    }
    const each = (of: (debit: AccountDebit) => number) => perAccount(debits.map((debit) => [debit.payerId, of(debit)]));
    const priceOf = (debit: AccountDebit) => debit.prices.reduce((sum, price) => sum + price, 0);
    const creditOf = ({ credit }: AccountDebit) => (credit ? credit.allowance + credit.credits : 0);
    const total = each(priceOf);
    const credited = debits.some((debit) => debit.credit);
    const buckets = debitAssignments(
      total,
      each((debit) => -priceOf(debit)),
      credited
        ? {
            allowance: each((debit) => debit.credit?.allowance ?? 0),
            credits: each((debit) => debit.credit?.credits ?? 0),
            total: each(creditOf),
          }
        : undefined,
    );
    const held: SqlPart = debits.some((debit) => debit.heldDelta !== 0)
      ? prefixed(
          ', held = held + ',
          each((debit) => debit.heldDelta),
        )
      : { sql: '', parameters: [] };
    const used = each((debit) => debit.usedDelta);
    const count = each((debit) => debit.prices.length + (debit.credit ? 1 : 0));
    const required = credited ? each((debit) => priceOf(debit) - creditOf(debit)) : total;
    const statementId = randomUUID();
    const payerIds = debits.map(({ payerId }) => payerId);
    try {
      await execute(
        em,
        `UPDATE token_accounts
            SET ${buckets.sql},
                used_this_period = used_this_period + ${used.sql}${held.sql},
                ledger_seq = ledger_seq + ${count.sql},
                updated_at = ?,
                last_statement_id = ?
          WHERE user_id IN (${payerIds.map(() => '?').join(', ')}) AND balance >= ${required.sql} AND ${CURRENT_AT}`,
        [
          ...buckets.parameters,
          ...used.parameters,
          ...held.parameters,
          ...count.parameters,
          openAt,
          statementId,
          ...payerIds,
          ...required.parameters,
          openAt,
          openAt,
        ],
      );
    } catch (error) {
      // The CHECK constraints are the last line of defence: nothing of the statement was applied.
      if (isCheckViolation(error)) return new Map();
      throw error;
    }
    // One list parameter: find options would give each id a parameter of its own, whose bookkeeping grows with their square.
    const accounts = await em
      .createQueryBuilder(TokenAccount, 'account')
      .where('account.payerId IN (:...payerIds) AND account.lastStatementId = :statementId', { payerIds, statementId })
      .getMany();
    return new Map(accounts.map((account) => [account.payerId, account]));
  }

  /**
   * The entries of the postings one statement (`takeTogether`, AccountPostings.debitTogether) made on
   * `account`, read right after it, in order: the credit gives back exactly its buckets, then each
   * debit takes the allowance first, then credits; each carries the balance it left.
   */
  entriesOf(account: TokenAccount, { credit, debits }: DebitPostings, now: Date): TokenLedgerEntry[] {
    const total = debits.reduce((sum, { posting }) => sum - posting.amount, 0);
    // The allowance and the balance after the credit, before the debits.
    let allowance = account.allowance - account.lastAllowanceChange;
    let balance = account.balance + total;
    let seq = account.ledgerSeq - debits.length;
    const entries = credit ? [ledgerEntryOf(credit.posting, credit.posting.buckets, seq, balance, now, credit.entryId)] : [];
    for (const { posting, entryId } of debits) {
      const price = -posting.amount;
      const fromAllowance = Math.min(price, allowance);
      allowance -= fromAllowance;
      balance -= price;
      seq++;
      // 0 - x, not -x: nothing taken is 0, never -0.
      entries.push(ledgerEntryOf(posting, { allowance: 0 - fromAllowance, credits: fromAllowance - price }, seq, balance, now, entryId));
    }
    return entries;
  }
}

function prefixed(prefix: string, part: SqlPart): SqlPart {
  return { sql: `${prefix}${part.sql}`, parameters: part.parameters };
}
