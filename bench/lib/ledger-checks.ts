import type { Connection } from 'mysql2/promise';
import { BASELINE_USAGE_TABLE } from '../baseline.controller.js';
import { queryRows } from './database.js';

/** Balances and ledger counts at one moment, read by the runner straight from the database. */
export interface Snapshot {
  /** Sum of the balances of every account. */
  totalBalance: number;
  /** Sum of the balances of the accounts the phase targets. */
  targetBalance: number;
  /** Ledger rows by type: how many and their summed amount. */
  ledger: Record<string, { rows: number; amount: number }>;
  /** Usage ledger rows of the targeted accounts. */
  targetUsageRows: number;
  /** Rows of the read-modify-write baseline's usage log (0 when it has none). */
  baselineUsageRows: number;
  /** InnoDB row lock waits and the time spent in them (ms), server-wide counters. */
  rowLockWaits: number;
  rowLockTimeMs: number;
}

export async function snapshot(connection: Connection, targetUserIds: string[], withBaselineTable: boolean): Promise<Snapshot> {
  const [total] = await queryRows<{ s: string }>(connection, 'SELECT COALESCE(SUM(balance), 0) AS s FROM token_accounts');
  const [target] = await queryRows<{ s: string }>(
    connection,
    'SELECT COALESCE(SUM(balance), 0) AS s FROM token_accounts WHERE user_id IN (?)',
    [targetUserIds],
  );
  const byType = await queryRows<{ type: string; n: string; s: string }>(
    connection,
    'SELECT type, COUNT(*) AS n, COALESCE(SUM(amount), 0) AS s FROM token_ledger_entries GROUP BY type',
  );
  const [usage] = await queryRows<{ n: string }>(
    connection,
    "SELECT COUNT(*) AS n FROM token_ledger_entries WHERE type = 'usage' AND user_id IN (?)",
    [targetUserIds],
  );
  const lockStatus = await queryRows<{ Variable_name: string; Value: string }>(
    connection,
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_row_lock_waits', 'Innodb_row_lock_time')",
  );
  const lock = Object.fromEntries(lockStatus.map((r) => [r.Variable_name, Number(r.Value)]));
  const [baseline] = withBaselineTable
    ? await queryRows<{ n: string }>(connection, `SELECT COUNT(*) AS n FROM ${BASELINE_USAGE_TABLE}`)
    : [{ n: '0' }];
  return {
    totalBalance: Number(total.s),
    targetBalance: Number(target.s),
    ledger: Object.fromEntries(byType.map((r) => [r.type, { rows: Number(r.n), amount: Number(r.s) }])),
    targetUsageRows: Number(usage.n),
    baselineUsageRows: Number(baseline.n),
    rowLockWaits: lock.Innodb_row_lock_waits ?? 0,
    rowLockTimeMs: lock.Innodb_row_lock_time ?? 0,
  };
}

/**
 * How a phase's route charges: not at all, through the project's ledger (1 token a request), the
 * read-modify-write baseline, or by holds settled at the actual usage (AI completions).
 */
export type Charging = 'none' | 'ledger' | 'baseline' | 'holds';

export interface ChargeAccounting {
  /** 2xx answers of the phase (each one a charge of 1 token on a charging route). */
  succeeded: number;
  /** Tokens the phase's accounts lost (balance before minus after). */
  tokensRemoved: number;
  /** Usage rows the phase wrote (ledger rows, or the baseline's usage log). */
  usageRows: number;
  /** Charges answered 2xx that the balance does not show. */
  lostCharges: number;
  /** InnoDB row lock waits during the phase and their average length (server-wide counters). */
  rowLockWaits: number;
  rowLockWaitAvgMs: number | null;
  /** Invariant violations; empty when the phase accounted for every request exactly. */
  problems: string[];
}

const rowsOf = (s: Snapshot, type: string): number => s.ledger[type]?.rows ?? 0;
const amountOf = (s: Snapshot, type: string): number => s.ledger[type]?.amount ?? 0;
const ledgerRows = (s: Snapshot): number => Object.values(s.ledger).reduce((sum, t) => sum + t.rows, 0);

/**
 * Compares what the load generator saw with what the database holds. For the project's routes
 * (cost 1): 2xx answers == usage rows == tokens removed, nothing else changed. For the unmetered
 * route: nothing changed. The baseline only reports what it lost.
 */
export function accountPhase(charging: Charging, succeeded: number, errors: number, before: Snapshot, after: Snapshot): ChargeAccounting {
  const problems: string[] = [];
  const rowLockWaits = after.rowLockWaits - before.rowLockWaits;
  const locks = { rowLockWaits, rowLockWaitAvgMs: rowLockWaits > 0 ? (after.rowLockTimeMs - before.rowLockTimeMs) / rowLockWaits : null };
  const tokensRemoved = before.targetBalance - after.targetBalance;
  const otherAccountsChange = after.totalBalance - before.totalBalance + tokensRemoved;
  const newLedgerRows = ledgerRows(after) - ledgerRows(before);
  const newUsageRows = after.targetUsageRows - before.targetUsageRows;
  const newBaselineRows = after.baselineUsageRows - before.baselineUsageRows;
  if (errors > 0) problems.push(`${errors} requests got no answer: their charges cannot be matched exactly`);
  if (otherAccountsChange !== 0) problems.push(`balances of accounts outside the phase changed by ${otherAccountsChange}`);

  if (charging === 'none') {
    if (tokensRemoved !== 0) problems.push(`the unmetered route changed the balances by ${-tokensRemoved}`);
    if (newLedgerRows !== 0) problems.push(`the unmetered route wrote ${newLedgerRows} ledger rows`);
    return { succeeded, tokensRemoved, usageRows: newUsageRows, lostCharges: 0, ...locks, problems };
  }
  if (charging === 'baseline') {
    if (newLedgerRows !== 0) problems.push(`the baseline wrote ${newLedgerRows} rows into the project's ledger`);
    return { succeeded, tokensRemoved, usageRows: newBaselineRows, lostCharges: succeeded - tokensRemoved, ...locks, problems };
  }
  if (newUsageRows !== succeeded) problems.push(`${succeeded} charged requests (2xx) but ${newUsageRows} usage rows in the ledger`);
  if (charging === 'holds') {
    // Each answered completion: a hold, its release, and a usage row of its actual price; nothing left held.
    const delta = (type: string) => rowsOf(after, type) - rowsOf(before, type);
    const charged = -(amountOf(after, 'usage') - amountOf(before, 'usage'));
    if (delta('hold') !== succeeded || delta('hold_release') !== succeeded)
      problems.push(`${succeeded} completions (2xx) but ${delta('hold')} holds and ${delta('hold_release')} releases`);
    if (amountOf(after, 'hold') + amountOf(after, 'hold_release') !== amountOf(before, 'hold') + amountOf(before, 'hold_release'))
      problems.push('the holds and their releases do not cancel out: tokens are still held');
    if (tokensRemoved !== charged) problems.push(`the usage rows charged ${charged} tokens but ${tokensRemoved} left the balances`);
    if (newLedgerRows !== 3 * succeeded) problems.push(`${newLedgerRows} ledger rows for ${succeeded} completions (3 each expected)`);
    return { succeeded, tokensRemoved, usageRows: newUsageRows, lostCharges: 0, ...locks, problems };
  }
  if (tokensRemoved !== succeeded)
    problems.push(`${succeeded} charged requests (2xx) but ${tokensRemoved} tokens removed from the balances`);
  if (newLedgerRows !== newUsageRows)
    problems.push(
      `${newLedgerRows - newUsageRows} ledger rows other than usage rows were written (refunds: ${rowsOf(after, 'refund') - rowsOf(before, 'refund')})`,
    );
  return { succeeded, tokensRemoved, usageRows: newUsageRows, lostCharges: succeeded - tokensRemoved, ...locks, problems };
}

export interface AccountChecks {
  accounts: number;
  /** Accounts whose balance differs from the sum of their ledger rows. */
  mismatches: { userId: string; balance: number; ledgerSum: number }[];
  negativeBalances: { userId: string; balance: number }[];
  /** Ledger rows of users without an account. */
  orphanEntries: number;
}

/** balance == SUM(ledger) and balance >= 0 for every account, checked with the runner's own SQL. */
export async function checkAccounts(connection: Connection): Promise<AccountChecks> {
  const [{ n }] = await queryRows<{ n: string }>(connection, 'SELECT COUNT(*) AS n FROM token_accounts');
  const mismatches = await queryRows<{ user_id: string; balance: string; ledger_sum: string }>(
    connection,
    `SELECT a.user_id, a.balance, COALESCE(l.s, 0) AS ledger_sum
       FROM token_accounts a
       LEFT JOIN (SELECT user_id, SUM(amount) AS s FROM token_ledger_entries GROUP BY user_id) l ON l.user_id = a.user_id
      WHERE a.balance <> COALESCE(l.s, 0)`,
  );
  const negatives = await queryRows<{ user_id: string; balance: string }>(
    connection,
    'SELECT user_id, balance FROM token_accounts WHERE balance < 0',
  );
  const [orphans] = await queryRows<{ n: string }>(
    connection,
    'SELECT COUNT(*) AS n FROM token_ledger_entries l LEFT JOIN token_accounts a ON a.user_id = l.user_id WHERE a.user_id IS NULL',
  );
  return {
    accounts: Number(n),
    mismatches: mismatches.map((r) => ({ userId: r.user_id, balance: Number(r.balance), ledgerSum: Number(r.ledger_sum) })),
    negativeBalances: negatives.map((r) => ({ userId: r.user_id, balance: Number(r.balance) })),
    orphanEntries: Number(orphans.n),
  };
}
