import { burnDown, type GrantMismatch, grantMismatches, type GrantTerms } from '../ledger/grant-burndown.js';
import type { LedgerEntryType } from '../entities/token-ledger-entry.entity.js';

/** A TypeORM DataSource or EntityManager, or any other client that answers SQL with rows. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

type Row = Record<string, unknown>;

/** The rows a query answers. */
const rowsOf = async (db: Queryable, sql: string, parameters: unknown[]): Promise<Row[]> => (await db.query(sql, parameters)) as Row[];

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
  grantMismatches: 0,
};

/** An account and its ledger, read straight from the database. */
export async function ledgerState(db: Queryable, payerId: string): Promise<LedgerState> {
  const [account] = await rowsOf(db, 'SELECT balance FROM token_accounts WHERE user_id = ?', [payerId]);
  const rows = await rowsOf(
    db,
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
  const [account] = await rowsOf(db, 'SELECT allowance, credits FROM token_accounts WHERE user_id = ?', [payerId]);
  const [sums] = await rowsOf(
    db,
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
  const [account] = await rowsOf(db, 'SELECT owed, held FROM token_accounts WHERE user_id = ?', [payerId]);
  const entries = await rowsOf(db, 'SELECT type, amount, metadata FROM token_ledger_entries WHERE user_id = ?', [payerId]);
  const ledgerOwed = entries.reduce((sum, entry) => {
    const metadata = typeof entry.metadata === 'string' ? (JSON.parse(entry.metadata) as { uncollected?: number }) : {};
    const uncollected = Number(metadata.uncollected ?? 0);
    return sum + uncollected + (entry.type === 'owed_repayment' ? Number(entry.amount) : 0);
  }, 0);
  const [open] = await rowsOf(db, 'SELECT COALESCE(SUM(amount), 0) AS total FROM token_holds WHERE user_id = ? AND closed_at IS NULL', [
    payerId,
  ]);
  return { owed: Number(account?.owed), ledgerOwed, held: Number(account?.held), openHolds: Number(open.total) };
}

export interface GrantState {
  /** What is left of each promotional grant, replayed over the account's whole ledger. */
  remaining: Record<string, number>;
  mismatches: GrantMismatch[];
}

/** The account's promotional grants, replayed from its first entry (the app replays from the oldest grant in play). */
export async function grantState(db: Queryable, payerId: string): Promise<GrantState> {
  const grants: GrantTerms[] = (
    await rowsOf(db, 'SELECT id, amount, priority, expires_at, entry_seq, expiry_seq FROM token_grants WHERE user_id = ?', [payerId])
  ).map((r) => ({
    id: String(r.id),
    amount: Number(r.amount),
    priority: Number(r.priority),
    expiresAt: dateOf(r.expires_at),
    entrySeq: Number(r.entry_seq),
    expirySeq: r.expiry_seq === null ? null : Number(r.expiry_seq),
  }));
  const [account] = await rowsOf(db, 'SELECT credits FROM token_accounts WHERE user_id = ?', [payerId]);
  const entries = (
    await rowsOf(
      db,
      'SELECT id, seq, type, credits_amount, request_id, created_at, metadata FROM token_ledger_entries WHERE user_id = ? AND credits_amount <> 0 ORDER BY seq',
      [payerId],
    )
  ).map((r) => ({
    id: String(r.id),
    seq: Number(r.seq),
    type: String(r.type) as LedgerEntryType,
    creditsAmount: Number(r.credits_amount),
    requestId: (r.request_id as string | null) ?? null,
    createdAt: dateOf(r.created_at),
    metadata: typeof r.metadata === 'string' ? (JSON.parse(r.metadata) as Record<string, unknown>) : null,
  }));
  const replayed = burnDown(grants, entries, 0);
  return {
    remaining: Object.fromEntries(replayed.remaining),
    mismatches: grantMismatches(grants, replayed, Number(account?.credits ?? 0)),
  };
}

/** A datetime column as both databases answer it (SQLite: UTC text without a zone). */
function dateOf(value: unknown): Date {
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

/**
 * The ledger invariants of one account, each broken one described (none: the account is
 * consistent): balance == SUM(amount) and >= 0; entries numbered 1..n without gaps, every
 * balanceAfter the running sum; allowance and credits each the sum of their movements, never
 * negative, adding up to the balance, every entry's movements adding up to its amount; owed what the
 * ledger left uncollected minus what it repaid, held the sum of the open holds; promotional grants
 * never below 0 or above their amount, expired exactly, together within the credits.
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
  const [split] = await rowsOf(
    db,
    'SELECT COUNT(*) AS n FROM token_ledger_entries WHERE user_id = ? AND amount <> allowance_amount + credits_amount',
    [payerId],
  );
  check(Number(split.n) === 0, `${Number(split.n)} entries whose bucket movements do not add up to their amount`);
  const owed = await owedState(db, payerId);
  check(owed.owed === owed.ledgerOwed && owed.owed >= 0, `owed ${owed.owed}, the ledger says ${owed.ledgerOwed}`);
  check(owed.held === owed.openHolds, `held ${owed.held}, the open holds sum to ${owed.openHolds}`);
  for (const mismatch of (await grantState(db, payerId)).mismatches) problems.push(`promotional grants: ${JSON.stringify(mismatch)}`);
  return { state, problems };
}
