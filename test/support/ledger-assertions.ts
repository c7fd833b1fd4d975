/** A TypeORM DataSource, or any other client that answers SQL with rows. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

export interface LedgerState {
  balance: number | null;
  ledgerSum: number;
  entries: { seq: number; type: string; action: string | null; amount: number; balanceAfter: number }[];
}

/** Reads an account and its ledger straight from the database. */
export async function ledgerState(dataSource: Queryable, userId: string): Promise<LedgerState> {
  const [account] = await dataSource.query('SELECT balance FROM token_accounts WHERE user_id = ?', [userId]);
  const rows = await dataSource.query('SELECT seq, type, action, amount, balance_after FROM token_ledger_entries WHERE user_id = ? ORDER BY seq', [userId]);
  const entries = rows.map((r: Record<string, unknown>) => ({
    seq: Number(r.seq),
    type: String(r.type),
    action: (r.action as string | null) ?? null,
    amount: Number(r.amount),
    balanceAfter: Number(r.balance_after),
  }));
  return {
    balance: account ? Number(account.balance) : null,
    ledgerSum: entries.reduce((sum: number, e: { amount: number }) => sum + e.amount, 0),
    entries,
  };
}

/**
 * The ledger invariants for one account: balance == SUM(amount), balance >= 0, entries numbered
 * 1..n without gaps, and every balanceAfter equal to the running sum.
 */
export async function expectLedgerConsistent(dataSource: Queryable, userId: string): Promise<LedgerState> {
  const state = await ledgerState(dataSource, userId);
  expect(state.balance).not.toBeNull();
  expect(state.balance).toBe(state.ledgerSum);
  expect(state.balance).toBeGreaterThanOrEqual(0);
  let running = 0;
  state.entries.forEach((entry, index) => {
    running += entry.amount;
    expect({ seq: entry.seq, balanceAfter: entry.balanceAfter }).toEqual({ seq: index + 1, balanceAfter: running });
  });
  return state;
}
