import type { DataSource } from 'typeorm';
import type { TokenIntegrityService } from '../../src/index.js';

export interface LedgerState {
  balance: number | null;
  ledgerSum: number;
  entries: { seq: number; type: string; action: string | null; amount: number; balanceAfter: number }[];
}

/** Reads an account and its ledger straight from the database. */
export async function ledgerState(dataSource: DataSource, payerId: string): Promise<LedgerState> {
  const [account] = await dataSource.query<Array<{ balance: unknown }>>('SELECT balance FROM token_accounts WHERE user_id = ?', [payerId]);
  const rows = await dataSource.query<Array<Record<string, unknown>>>(
    'SELECT seq, type, action, amount, balance_after FROM token_ledger_entries WHERE user_id = ? ORDER BY seq',
    [payerId],
  );
  const entries = rows.map((r) => ({
    seq: Number(r.seq),
    type: String(r.type),
    action: (r.action as string | null) ?? null,
    amount: Number(r.amount),
    balanceAfter: Number(r.balance_after),
  }));
  return {
    balance: account ? Number(account.balance) : null,
    ledgerSum: entries.reduce((sum, e) => sum + e.amount, 0),
    entries,
  };
}

/** An account's owed and held, with what its ledger and open holds say they must be. */
export async function owedState(
  dataSource: DataSource,
  payerId: string,
): Promise<{ owed: number; ledgerOwed: number; held: number; openHolds: number }> {
  const [account] = await dataSource.query<Array<{ owed: unknown; held: unknown }>>(
    'SELECT owed, held FROM token_accounts WHERE user_id = ?',
    [payerId],
  );
  const entries = await dataSource.query<Array<{ type: string; amount: unknown; metadata: string | null }>>(
    'SELECT type, amount, metadata FROM token_ledger_entries WHERE user_id = ?',
    [payerId],
  );
  const ledgerOwed = entries.reduce((sum, entry) => {
    const uncollected = Number((entry.metadata ? (JSON.parse(entry.metadata) as { uncollected?: number }) : {}).uncollected ?? 0);
    return sum + uncollected + (entry.type === 'owed_repayment' ? Number(entry.amount) : 0);
  }, 0);
  const [open] = await dataSource.query<Array<{ total: unknown }>>(
    'SELECT COALESCE(SUM(amount), 0) AS total FROM token_holds WHERE user_id = ? AND closed_at IS NULL',
    [payerId],
  );
  return { owed: Number(account?.owed), ledgerOwed, held: Number(account?.held), openHolds: Number(open.total) };
}

/**
 * The ledger invariants for one account: balance == SUM(amount), balance >= 0, entries numbered
 * 1..n without gaps, every balanceAfter equal to the running sum; per bucket: allowance and credits
 * each equal the sum of their movements, are never negative, add up to the balance, and every
 * entry's movements add up to its amount; owed is what the ledger left uncollected minus what it
 * repaid, held is the sum of the open holds.
 */
export async function expectLedgerConsistent(dataSource: DataSource, payerId: string): Promise<LedgerState> {
  const state = await ledgerState(dataSource, payerId);
  expect(state.balance).not.toBeNull();
  expect(state.balance).toBe(state.ledgerSum);
  expect(state.balance).toBeGreaterThanOrEqual(0);
  let running = 0;
  state.entries.forEach((entry, index) => {
    running += entry.amount;
    expect({ seq: entry.seq, balanceAfter: entry.balanceAfter }).toEqual({ seq: index + 1, balanceAfter: running });
  });
  const [account] = await dataSource.query<Array<{ allowance: unknown; credits: unknown }>>(
    'SELECT allowance, credits FROM token_accounts WHERE user_id = ?',
    [payerId],
  );
  const [sums] = await dataSource.query<Array<{ allowance: unknown; credits: unknown; unsplit: unknown }>>(
    `SELECT COALESCE(SUM(allowance_amount), 0) AS allowance, COALESCE(SUM(credits_amount), 0) AS credits,
            COALESCE(SUM(CASE WHEN amount <> allowance_amount + credits_amount THEN 1 ELSE 0 END), 0) AS unsplit
       FROM token_ledger_entries WHERE user_id = ?`,
    [payerId],
  );
  const buckets = { allowance: Number(account.allowance), credits: Number(account.credits) };
  expect(buckets).toEqual({ allowance: Number(sums.allowance), credits: Number(sums.credits) });
  expect(buckets.allowance).toBeGreaterThanOrEqual(0);
  expect(buckets.credits).toBeGreaterThanOrEqual(0);
  expect(buckets.allowance + buckets.credits).toBe(state.balance);
  expect(Number(sums.unsplit)).toBe(0);
  const owed = await owedState(dataSource, payerId);
  expect(owed.owed).toBe(owed.ledgerOwed);
  expect(owed.owed).toBeGreaterThanOrEqual(0);
  expect(owed.held).toBe(owed.openHolds);
  return state;
}

/** The integrity report's counts of a database without a problem. */
export const NO_INTEGRITY_PROBLEMS = {
  mismatches: 0,
  bucketMismatches: 0,
  negativeBalances: 0,
  usersWithoutAccount: 0,
  brokenChains: 0,
  heldMismatches: 0,
  owedMismatches: 0,
};

/** The module's own integrity report over the whole database finds nothing. */
export async function expectIntegrityClean(integrity: TokenIntegrityService): Promise<void> {
  const report = await integrity.report();
  expect({ counts: report.counts, ok: report.ok }).toEqual({ counts: NO_INTEGRITY_PROBLEMS, ok: true });
}
