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

/** A TypeORM DataSource, or any other client that answers SQL with rows. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

export interface LedgerState {
  balance: number | null;
  ledgerSum: number;
  entries: { seq: number; type: string; action: string | null; amount: number; balanceAfter: number }[];
}

export interface BucketState {
  allowance: number;
  credits: number;
  /** What the ledger's entries moved in each bucket, summed. */
  ledgerAllowance: number;
  ledgerCredits: number;
}

/** Reads an account and its ledger straight from the database. */
export async function ledgerState(dataSource: Queryable, userId: string): Promise<LedgerState> {
  const [account] = await dataSource.query('SELECT balance FROM token_accounts WHERE user_id = ?', [userId]);
  const rows = await dataSource.query(
    'SELECT seq, type, action, amount, balance_after FROM token_ledger_entries WHERE user_id = ? ORDER BY seq',
    [userId],
  );
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

/** An account's two buckets and the sums of what its entries moved in each. */
export async function bucketState(dataSource: Queryable, userId: string): Promise<BucketState> {
  const [account] = await dataSource.query('SELECT allowance, credits FROM token_accounts WHERE user_id = ?', [userId]);
  const [sums] = await dataSource.query(
    'SELECT COALESCE(SUM(allowance_amount), 0) AS allowance, COALESCE(SUM(credits_amount), 0) AS credits FROM token_ledger_entries WHERE user_id = ?',
    [userId],
  );
  return {
    allowance: Number(account?.allowance),
    credits: Number(account?.credits),
    ledgerAllowance: Number(sums.allowance),
    ledgerCredits: Number(sums.credits),
  };
}

/**
 * The ledger invariants for one account: balance == SUM(amount), balance >= 0, entries numbered
 * 1..n without gaps, every balanceAfter equal to the running sum; and per bucket: allowance and
 * credits each equal the sum of their movements, are never negative, add up to the balance, and
 * every entry's movements add up to its amount.
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
  const buckets = await bucketState(dataSource, userId);
  expect({ allowance: buckets.allowance, credits: buckets.credits }).toEqual({
    allowance: buckets.ledgerAllowance,
    credits: buckets.ledgerCredits,
  });
  expect(buckets.allowance).toBeGreaterThanOrEqual(0);
  expect(buckets.credits).toBeGreaterThanOrEqual(0);
  expect(buckets.allowance + buckets.credits).toBe(state.balance);
  const [split] = await dataSource.query(
    'SELECT COUNT(*) AS n FROM token_ledger_entries WHERE user_id = ? AND amount <> allowance_amount + credits_amount',
    [userId],
  );
  expect(Number(split.n)).toBe(0);
  const owed = await owedState(dataSource, userId);
  expect(owed.owed).toBe(owed.ledgerOwed);
  expect(owed.owed).toBeGreaterThanOrEqual(0);
  expect(owed.held).toBe(owed.openHolds);
  return state;
}

/** An account's owed and held, with what its ledger and open holds say they must be. */
export async function owedState(
  dataSource: Queryable,
  userId: string,
): Promise<{ owed: number; ledgerOwed: number; held: number; openHolds: number }> {
  const [account] = await dataSource.query('SELECT owed, held FROM token_accounts WHERE user_id = ?', [userId]);
  const entries: Array<{ type: string; amount: unknown; metadata: string | null }> = await dataSource.query(
    'SELECT type, amount, metadata FROM token_ledger_entries WHERE user_id = ?',
    [userId],
  );
  const ledgerOwed = entries.reduce((sum, entry) => {
    const uncollected = Number((entry.metadata ? (JSON.parse(entry.metadata) as { uncollected?: number }) : {}).uncollected ?? 0);
    return sum + uncollected + (entry.type === 'owed_repayment' ? Number(entry.amount) : 0);
  }, 0);
  const [open] = await dataSource.query(
    'SELECT COALESCE(SUM(amount), 0) AS total FROM token_holds WHERE user_id = ? AND closed_at IS NULL',
    [userId],
  );
  return { owed: Number(account?.owed), ledgerOwed, held: Number(account?.held), openHolds: Number(open.total) };
}
