/** A TypeORM DataSource or EntityManager, or any other client that answers SQL with rows. */
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

export interface OwedState {
  owed: number;
  /** What the ledger left uncollected minus what it repaid. */
  ledgerOwed: number;
  held: number;
  /** The sum of the open holds. */
  openHolds: number;
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

/** An account and its ledger, read straight from the database. */
export async function ledgerState(db: Queryable, payerId: string): Promise<LedgerState> {
  const [account] = await db.query('SELECT balance FROM token_accounts WHERE user_id = ?', [payerId]);
  const rows: Array<Record<string, unknown>> = await db.query(
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
  return { balance: account ? Number(account.balance) : null, ledgerSum: entries.reduce((sum, e) => sum + e.amount, 0), entries };
}

/** An account's two buckets and the sums of what its entries moved in each. */
export async function bucketState(db: Queryable, payerId: string): Promise<BucketState> {
  const [account] = await db.query('SELECT allowance, credits FROM token_accounts WHERE user_id = ?', [payerId]);
  const [sums] = await db.query(
    'SELECT COALESCE(SUM(allowance_amount), 0) AS allowance, COALESCE(SUM(credits_amount), 0) AS credits FROM token_ledger_entries WHERE user_id = ?',
    [payerId],
  );
  return {
    allowance: Number(account?.allowance),
    credits: Number(account?.credits),
    ledgerAllowance: Number(sums.allowance),
    ledgerCredits: Number(sums.credits),
  };
}

/** An account's owed and held, with what its ledger and open holds say they must be. */
export async function owedState(db: Queryable, payerId: string): Promise<OwedState> {
  const [account] = await db.query('SELECT owed, held FROM token_accounts WHERE user_id = ?', [payerId]);
  const entries: Array<{ type: string; amount: unknown; metadata: string | null }> = await db.query(
    'SELECT type, amount, metadata FROM token_ledger_entries WHERE user_id = ?',
    [payerId],
  );
  const ledgerOwed = entries.reduce((sum, entry) => {
    const uncollected = Number((entry.metadata ? (JSON.parse(entry.metadata) as { uncollected?: number }) : {}).uncollected ?? 0);
    return sum + uncollected + (entry.type === 'owed_repayment' ? Number(entry.amount) : 0);
  }, 0);
  const [open] = await db.query('SELECT COALESCE(SUM(amount), 0) AS total FROM token_holds WHERE user_id = ? AND closed_at IS NULL', [
    payerId,
  ]);
  return { owed: Number(account?.owed), ledgerOwed, held: Number(account?.held), openHolds: Number(open.total) };
}

/**
 * The ledger invariants of one account, each broken one described (none: the account is
 * consistent): balance == SUM(amount) and >= 0; entries numbered 1..n without gaps, every
 * balanceAfter the running sum; allowance and credits each the sum of their movements, never
 * negative, adding up to the balance, every entry's movements adding up to its amount; owed what the
 * ledger left uncollected minus what it repaid, held the sum of the open holds.
 */
export async function ledgerProblems(db: Queryable, payerId: string): Promise<{ state: LedgerState; problems: string[] }> {
  const state = await ledgerState(db, payerId);
  if (state.balance === null) return { state, problems: [`no account for ${payerId}`] };
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => ok || problems.push(problem);
  check(state.balance === state.ledgerSum, `balance ${state.balance} but the entries sum to ${state.ledgerSum}`);
  check(state.balance >= 0, `negative balance ${state.balance}`);
  let running = 0;
  state.entries.forEach((entry, index) => {
    running += entry.amount;
    check(entry.seq === index + 1, `entry ${index + 1} is numbered ${entry.seq}`);
    check(entry.balanceAfter === running, `entry ${entry.seq} says balance ${entry.balanceAfter}, the running sum is ${running}`);
  });
  const buckets = await bucketState(db, payerId);
  check(buckets.allowance === buckets.ledgerAllowance, `allowance ${buckets.allowance}, its movements sum to ${buckets.ledgerAllowance}`);
  check(buckets.credits === buckets.ledgerCredits, `credits ${buckets.credits}, their movements sum to ${buckets.ledgerCredits}`);
  check(buckets.allowance >= 0 && buckets.credits >= 0, `a negative bucket: ${buckets.allowance} / ${buckets.credits}`);
  check(buckets.allowance + buckets.credits === state.balance, `the buckets add up to ${buckets.allowance + buckets.credits}`);
  const [split] = await db.query(
    'SELECT COUNT(*) AS n FROM token_ledger_entries WHERE user_id = ? AND amount <> allowance_amount + credits_amount',
    [payerId],
  );
  check(Number(split.n) === 0, `${Number(split.n)} entries whose bucket movements do not add up to their amount`);
  const owed = await owedState(db, payerId);
  check(owed.owed === owed.ledgerOwed && owed.owed >= 0, `owed ${owed.owed}, the ledger says ${owed.ledgerOwed}`);
  check(owed.held === owed.openHolds, `held ${owed.held}, the open holds sum to ${owed.openHolds}`);
  return { state, problems };
}
