/** What the integrity report finds: its kinds of problem and their figures. */

/** Entries listed per kind of problem; the counts are always complete. */
export const DEFAULT_REPORT_LIMIT = 100;
export const MAX_REPORT_LIMIT = 1000;
export const MAX_LISTED_FAILURES = 20;

export interface BalanceMismatch {
  userId: string;
  balance: number;
  ledgerSum: number;
}

/** An account whose buckets do not follow from its ledger, are negative, or do not add up to its balance. */
export interface BucketMismatch {
  userId: string;
  balance: number;
  allowance: number;
  credits: number;
  /** What the ledger's rows moved in each bucket, summed. */
  ledgerAllowance: number;
  ledgerCredits: number;
}

/** An account whose `held` is not the sum of its open holds. */
export interface HeldMismatch {
  userId: string;
  held: number;
  openHolds: number;
}

/** An account whose `owed` is not what its ledger left uncollected minus what it repaid. */
export interface OwedMismatch {
  userId: string;
  owed: number;
  ledgerOwed: number;
}

/** An account whose promotional grants do not follow from its ledger (see grantMismatches). */
export interface GrantMismatch {
  userId: string;
  /** Null: the account's grants together hold more than its credits, or a debit found no credits. */
  grantId: string | null;
  amount: number;
  remaining: number;
  credits: number;
}

export interface NegativeBalance {
  userId: string;
  balance: number;
}

export interface UserWithoutAccount {
  userId: string;
  planCode: string;
}

/**
 * What a broken chain looks like:
 * - `balance_after`: the row's balance_after is not the previous row's balance_after plus its amount
 *   (for seq 1: not its amount). expected/actual: balance_after.
 * - `seq_gap`: the row before `seq` is missing. expected: seq - 1, actual: the highest seq below (0: none).
 * - `account_balance`: the account balance differs from its last row's balance_after (0 without rows).
 *   seq: the last row (0: none); expected: that balance_after, actual: the balance.
 * - `ledger_seq`: the account's ledger_seq differs from its highest seq (0 without rows).
 *   expected: the highest seq, actual: ledger_seq.
 * - `missing_account`: ledger rows of a user without an account. seq: the last row; expected: the
 *   sum of the rows; actual: null.
 * - `bucket_split`: the row's bucket movements do not add up to its amount. expected: amount,
 *   actual: allowance_amount + credits_amount.
 */
export type ChainProblem = 'balance_after' | 'seq_gap' | 'account_balance' | 'ledger_seq' | 'missing_account' | 'bucket_split';
export const CHAIN_PROBLEMS: readonly ChainProblem[] = [
  'balance_after',
  'seq_gap',
  'account_balance',
  'ledger_seq',
  'missing_account',
  'bucket_split',
];

export interface BrokenChain {
  userId: string;
  seq: number;
  expected: number;
  actual: number | null;
  problem: ChainProblem;
}

export interface IntegrityCounts {
  mismatches: number;
  bucketMismatches: number;
  negativeBalances: number;
  usersWithoutAccount: number;
  brokenChains: number;
  heldMismatches: number;
  owedMismatches: number;
  grantMismatches: number;
}

export interface IntegrityReport {
  accountsChecked: number;
  mismatches: BalanceMismatch[];
  bucketMismatches: BucketMismatch[];
  negativeBalances: NegativeBalance[];
  usersWithoutAccount: UserWithoutAccount[];
  brokenChains: BrokenChain[];
  heldMismatches: HeldMismatch[];
  owedMismatches: OwedMismatch[];
  grantMismatches: GrantMismatch[];
  /** Complete number of findings of each kind; the lists hold at most `limit` of them. */
  counts: IntegrityCounts;
  limit: number;
  /** True when a list holds fewer entries than its count. */
  truncated: boolean;
  ok: boolean;
  checkedAt: Date;
}

export interface SeedProgress {
  /** Users without an account examined so far. */
  examined: number;
  seeded: number;
}

export interface SeedResult extends SeedProgress {
  /** Users still without an account after their turn (their subscription stopped being active meanwhile). */
  skipped: number;
  /** Users whose seeding raised an error; `failures` lists the first of them. */
  failed: number;
  failures: { userId: string; error: string }[];
}

export interface SeedOptions {
  batchSize?: number;
  /** Accounts seeded at the same time within a batch (MySQL/MariaDB; SQLite runs one at a time). */
  concurrency?: number;
  onBatch?: (progress: SeedProgress) => void;
}
