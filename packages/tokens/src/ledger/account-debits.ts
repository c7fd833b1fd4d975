import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { execute, isCheckViolation } from '@token-metering/database';
import { AccountPostings, ledgerEntryOf } from './account-postings.js';
import { debitAssignments, perAccount, type SqlPart } from './balance-statements.js';
import { TokenAccount } from '../entities/token-account.entity.js';
import type { TokenLedgerEntry } from '../entities/token-ledger-entry.entity.js';
import type { Posting } from './token-ledger.js';

/**
 * Debits taken together (a batch's charges and holds): the totals of many accounts in one
 * conditional statement, and the entries of each debit as if it had been a statement of its own.
 */
@Injectable()
export class AccountDebits {
  constructor(private readonly postings: AccountPostings) {}

  /**
   * Debits of many accounts in one UPDATE: each account's total, only where its balance covers it
   * and its period is running at `openAt` (the condition is the database's, row by row); `held` of
   * an account's total goes to its `held`, the rest to the period's use. Returns the rows of the
   * accounts it charged, read after it (it marks them with an id of its own), for `debitEntries`;
   * the others were not changed.
   */
  async debitAccounts(
    em: EntityManager,
    debits: Array<{ userId: string; costs: number[]; held: number }>,
    openAt: Date,
  ): Promise<Map<string, TokenAccount>> {
    if (debits.length === 0) return new Map();
    if (debits.length === 1) {
      // One account: its plain conditional UPDATE, then its row.
      const [{ userId, costs, held }] = debits;
      if (!(await this.postings.debitTogether(em, userId, costs, openAt, held))) return new Map();
      return new Map([[userId, await em.findOneByOrFail(TokenAccount, { userId })]]);
    }
    const totals = debits.map(({ userId, costs }): [string, number] => [userId, costs.reduce((sum, cost) => sum + cost, 0)]);
    const total = perAccount(totals);
    const used = perAccount(totals.map(([userId, sum], i) => [userId, sum - debits[i].held]));
    const heldByAccount = perAccount(debits.map(({ userId, held }) => [userId, held]));
    const held: SqlPart = debits.some((debit) => debit.held > 0)
      ? { sql: `, held = held + ${heldByAccount.sql}`, parameters: heldByAccount.parameters }
      : { sql: '', parameters: [] };
    const count = perAccount(debits.map(({ userId, costs }) => [userId, costs.length]));
    const buckets = debitAssignments(total, perAccount(totals.map(([userId, sum]) => [userId, -sum])));
    const statementId = randomUUID();
    const userIds = debits.map(({ userId }) => userId);
    try {
      await execute(
        em,
        `UPDATE token_accounts
            SET ${buckets.sql},
                used_this_period = used_this_period + ${used.sql}${held.sql},
                ledger_seq = ledger_seq + ${count.sql},
                updated_at = ?,
                last_statement_id = ?
          WHERE user_id IN (${userIds.map(() => '?').join(', ')}) AND balance >= ${total.sql} AND period_end > ?`,
        [
          ...buckets.parameters,
          ...used.parameters,
          ...held.parameters,
          ...count.parameters,
          openAt,
          statementId,
          ...userIds,
          ...total.parameters,
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
      .where('account.userId IN (:...userIds) AND account.lastStatementId = :statementId', { userIds, statementId })
      .getMany();
    return new Map(accounts.map((account) => [account.userId, account]));
  }

  /**
   * The entries of debits `AccountPostings.debitTogether` or `debitAccounts` made, in order, as if each had been its own statement:
   * each takes the allowance first, then credits, and carries the balance it left.
   */
  debitEntries(account: TokenAccount, debits: Array<{ posting: Posting; entryId: string }>, now: Date): TokenLedgerEntry[] {
    const total = debits.reduce((sum, { posting }) => sum - posting.amount, 0);
    let allowance = account.allowance - account.lastAllowanceChange;
    let balance = account.balance + total;
    let seq = account.ledgerSeq - debits.length;
    return debits.map(({ posting, entryId }) => {
      const cost = -posting.amount;
      const fromAllowance = Math.min(cost, allowance);
      allowance -= fromAllowance;
      balance -= cost;
      seq++;
      // 0 - x, not -x: nothing taken is 0, never -0.
      return ledgerEntryOf(posting, { allowance: 0 - fromAllowance, credits: fromAllowance - cost }, seq, balance, now, entryId);
    });
  }
}
