import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { TokenLedger } from './token-ledger.js';

/** Entries listed per kind of problem; the counts are always complete. */
export const DEFAULT_REPORT_LIMIT = 100;
export const MAX_REPORT_LIMIT = 1000;
const MAX_LISTED_FAILURES = 20;

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
}

export interface IntegrityReport {
  accountsChecked: number;
  mismatches: BalanceMismatch[];
  bucketMismatches: BucketMismatch[];
  negativeBalances: NegativeBalance[];
  usersWithoutAccount: UserWithoutAccount[];
  brokenChains: BrokenChain[];
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

type Row = Record<string, unknown>;

const num = (value: unknown): number => Number(value ?? 0);
const str = (value: unknown): string => String(value);
/** Total of a windowed COUNT/SUM on the first row; 0 for an empty result. */
const totalOf = (rows: Row[]): number => (rows.length === 0 ? 0 : num(rows[0].total));

/** Accounts whose balance is not the sum of their ledger (no rows: a sum of 0). */
const MISMATCHES = `
  SELECT a.user_id AS user_id, a.balance AS balance, COALESCE(s.ledger_sum, 0) AS ledger_sum, COUNT(*) OVER () AS total
    FROM token_accounts a
    LEFT JOIN (SELECT user_id, SUM(amount) AS ledger_sum FROM token_ledger_entries GROUP BY user_id) s ON s.user_id = a.user_id
   WHERE a.balance <> COALESCE(s.ledger_sum, 0)
   ORDER BY a.user_id
   LIMIT ?`;

/** Accounts whose allowance or credits are not the sum of their movements, are negative, or do not add up to the balance. */
const BUCKET_MISMATCHES = `
  SELECT a.user_id AS user_id, a.balance AS balance, a.allowance AS allowance, a.credits AS credits,
         COALESCE(s.allowance_sum, 0) AS ledger_allowance, COALESCE(s.credits_sum, 0) AS ledger_credits, COUNT(*) OVER () AS total
    FROM token_accounts a
    LEFT JOIN (SELECT user_id, SUM(allowance_amount) AS allowance_sum, SUM(credits_amount) AS credits_sum FROM token_ledger_entries GROUP BY user_id) s
      ON s.user_id = a.user_id
   WHERE a.allowance <> COALESCE(s.allowance_sum, 0) OR a.credits <> COALESCE(s.credits_sum, 0)
      OR a.allowance < 0 OR a.credits < 0 OR a.balance <> a.allowance + a.credits
   ORDER BY a.user_id
   LIMIT ?`;

/** Rows whose bucket movements do not add up to their amount. */
const BUCKET_SPLITS = `
  SELECT user_id, seq, amount, allowance_amount + credits_amount AS moved, COUNT(*) OVER () AS total
    FROM token_ledger_entries
   WHERE amount <> allowance_amount + credits_amount
   ORDER BY user_id, seq
   LIMIT ?`;

const NEGATIVE_BALANCES = `
  SELECT user_id, balance, COUNT(*) OVER () AS total
    FROM token_accounts
   WHERE balance < 0
   ORDER BY user_id
   LIMIT ?`;

/** Users with an active subscription and no account: what a metered request (or seed-accounts) would seed. */
const MISSING_ACCOUNTS_FROM = `
    FROM subscriptions s
    JOIN users u ON u.id = s.user_id
    LEFT JOIN token_accounts a ON a.user_id = s.user_id
   WHERE s.status = 'active' AND a.user_id IS NULL`;

const USERS_WITHOUT_ACCOUNT = `
  SELECT s.user_id AS user_id, s.plan_code AS plan_code, COUNT(*) OVER () AS total
  ${MISSING_ACCOUNTS_FROM}
   ORDER BY s.user_id
   LIMIT ?`;

/** Seed candidates after a user id (keyset pagination). */
const SEED_CANDIDATES = `
  SELECT s.user_id AS user_id
  ${MISSING_ACCOUNTS_FROM} AND s.user_id > ?
   ORDER BY s.user_id
   LIMIT ?`;

/**
 * Rows that do not continue their predecessor (self-join on seq - 1), and rows whose predecessor
 * is missing. The highest seq below a gap is only looked up for the gap rows themselves.
 */
const ROW_CHAINS = `
  SELECT e.user_id AS user_id, e.seq AS seq, e.amount AS amount, e.balance_after AS balance_after,
         p.balance_after AS previous_after,
         CASE WHEN e.seq > 1 AND p.user_id IS NULL THEN 1 ELSE 0 END AS gap,
         CASE WHEN e.seq > 1 AND p.user_id IS NULL
              THEN (SELECT MAX(q.seq) FROM token_ledger_entries q WHERE q.user_id = e.user_id AND q.seq < e.seq)
              ELSE NULL END AS previous_seq,
         COUNT(*) OVER () AS total
    FROM token_ledger_entries e
    LEFT JOIN token_ledger_entries p ON p.user_id = e.user_id AND p.seq = e.seq - 1
   WHERE (e.seq > 1 AND p.user_id IS NULL)
      OR (e.seq = 1 AND e.balance_after <> e.amount)
      OR (p.user_id IS NOT NULL AND e.balance_after <> p.balance_after + e.amount)
   ORDER BY e.user_id, e.seq
   LIMIT ?`;

/** Accounts that disagree with their last ledger row: balance vs balance_after, ledger_seq vs MAX(seq). */
const ACCOUNT_CHAINS = `
  SELECT a.user_id AS user_id, a.balance AS balance, a.ledger_seq AS ledger_seq,
         COALESCE(m.max_seq, 0) AS max_seq, COALESCE(l.balance_after, 0) AS last_after,
         SUM(CASE WHEN a.ledger_seq <> COALESCE(m.max_seq, 0) THEN 1 ELSE 0 END
           + CASE WHEN a.balance <> COALESCE(l.balance_after, 0) THEN 1 ELSE 0 END) OVER () AS total
    FROM token_accounts a
    LEFT JOIN (SELECT user_id, MAX(seq) AS max_seq FROM token_ledger_entries GROUP BY user_id) m ON m.user_id = a.user_id
    LEFT JOIN token_ledger_entries l ON l.user_id = m.user_id AND l.seq = m.max_seq
   WHERE a.ledger_seq <> COALESCE(m.max_seq, 0) OR a.balance <> COALESCE(l.balance_after, 0)
   ORDER BY a.user_id
   LIMIT ?`;

/** Ledger rows of users who have no account. */
const ORPHAN_ENTRIES = `
  SELECT e.user_id AS user_id, MAX(e.seq) AS max_seq, SUM(e.amount) AS ledger_sum, COUNT(*) OVER () AS total
    FROM token_ledger_entries e
    LEFT JOIN token_accounts a ON a.user_id = e.user_id
   WHERE a.user_id IS NULL
   GROUP BY e.user_id
   ORDER BY e.user_id
   LIMIT ?`;

/**
 * Checks the ledger invariants over the whole database with a handful of set-based queries (no
 * query per account), and repairs the one finding that has a safe repair: subscribed users without
 * an account are seeded through the ledger, exactly as their first request would.
 */
@Injectable()
export class TokenIntegrityService {
  private readonly logger = new Logger(TokenIntegrityService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly ledger: TokenLedger,
    private readonly clock: Clock,
  ) {}

  async report(options: { limit?: number } = {}): Promise<IntegrityReport> {
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_REPORT_LIMIT), 1), MAX_REPORT_LIMIT);
    return this.snapshot(async (em) => {
      const checkedAt = this.clock.now();
      const [accounts] = await em.query<Row[]>('SELECT COUNT(*) AS total FROM token_accounts');
      const mismatchRows: Row[] = await em.query(MISMATCHES, [limit]);
      const bucketRows: Row[] = await em.query(BUCKET_MISMATCHES, [limit]);
      const splitRows: Row[] = await em.query(BUCKET_SPLITS, [limit]);
      const negativeRows: Row[] = await em.query(NEGATIVE_BALANCES, [limit]);
      const missingRows: Row[] = await em.query(USERS_WITHOUT_ACCOUNT, [limit]);
      const rowChains: Row[] = await em.query(ROW_CHAINS, [limit]);
      const accountChains: Row[] = await em.query(ACCOUNT_CHAINS, [limit]);
      const orphanRows: Row[] = await em.query(ORPHAN_ENTRIES, [limit]);

      const brokenChains = [
        ...rowChains.map(toRowProblem),
        ...accountChains.flatMap(toAccountProblems),
        ...orphanRows.map(toOrphanProblem),
        ...splitRows.map(toSplitProblem),
      ]
        .sort(byUserAndSeq)
        .slice(0, limit);
      const lists = {
        mismatches: mismatchRows.map((r) => ({ userId: str(r.user_id), balance: num(r.balance), ledgerSum: num(r.ledger_sum) })),
        bucketMismatches: bucketRows.map((r) => ({
          userId: str(r.user_id),
          balance: num(r.balance),
          allowance: num(r.allowance),
          credits: num(r.credits),
          ledgerAllowance: num(r.ledger_allowance),
          ledgerCredits: num(r.ledger_credits),
        })),
        negativeBalances: negativeRows.map((r) => ({ userId: str(r.user_id), balance: num(r.balance) })),
        usersWithoutAccount: missingRows.map((r) => ({ userId: str(r.user_id), planCode: str(r.plan_code) })),
        brokenChains,
      };
      const counts: IntegrityCounts = {
        mismatches: totalOf(mismatchRows),
        bucketMismatches: totalOf(bucketRows),
        negativeBalances: totalOf(negativeRows),
        usersWithoutAccount: totalOf(missingRows),
        brokenChains: totalOf(rowChains) + totalOf(accountChains) + totalOf(orphanRows) + totalOf(splitRows),
      };
      const ok = Object.values(counts).every((count) => count === 0);
      const truncated = (Object.keys(counts) as (keyof IntegrityCounts)[]).some((kind) => lists[kind].length < counts[kind]);
      const report: IntegrityReport = { accountsChecked: num(accounts?.total), ...lists, counts, limit, truncated, ok, checkedAt };
      if (!ok) this.logger.warn(JSON.stringify({ event: 'integrity_problems', counts }));
      return report;
    });
  }

  /**
   * Creates the missing account of every user with an active subscription, in batches. Each one
   * goes through TokenLedger.ensureAccount, whose insert ignores an existing account: running this
   * twice, or beside live traffic for the same users, seeds every account exactly once.
   * `seeded` counts the accounts that exist after their user's turn and did not before it (a
   * request of that user in the same moment may be the one that created it).
   */
  async seedMissingAccounts(options: SeedOptions = {}): Promise<SeedResult> {
    const batchSize = Math.max(1, Math.trunc(options.batchSize ?? 500));
    const concurrency = this.tx.isMysql ? Math.max(1, Math.trunc(options.concurrency ?? 8)) : 1;
    const result: SeedResult = { examined: 0, seeded: 0, skipped: 0, failed: 0, failures: [] };
    let after = '';
    for (;;) {
      const batch = (await this.read((em) => em.query<Row[]>(SEED_CANDIDATES, [after, batchSize]))).map((r) => str(r.user_id));
      if (batch.length === 0) break;
      after = batch[batch.length - 1];
      const failed = new Set<string>();
      await forEachLimited(batch, concurrency, async (userId) => {
        try {
          await this.ledger.ensureAccount(userId);
        } catch (error) {
          failed.add(userId);
          result.failed += 1;
          if (result.failures.length < MAX_LISTED_FAILURES)
            result.failures.push({ userId, error: error instanceof Error ? error.message : String(error) });
        }
      });
      const placeholders = batch.map(() => '?').join(', ');
      const existing = await this.read((em) =>
        em.query<Row[]>(`SELECT user_id FROM token_accounts WHERE user_id IN (${placeholders})`, batch),
      );
      const created = new Set(existing.map((r) => str(r.user_id)));
      result.examined += batch.length;
      result.seeded += created.size;
      result.skipped += batch.filter((id) => !created.has(id) && !failed.has(id)).length;
      options.onBatch?.({ examined: result.examined, seeded: result.seeded });
      if (batch.length < batchSize) break;
    }
    this.logger.log(
      JSON.stringify({
        event: 'accounts_seeded',
        examined: result.examined,
        seeded: result.seeded,
        skipped: result.skipped,
        failed: result.failed,
      }),
    );
    return result;
  }

  /**
   * Runs the report's queries on one consistent view of the database, taking no locks. MySQL and
   * MariaDB: a REPEATABLE READ transaction (one snapshot for every query). SQLite: the queued
   * transaction of the app, so no query reads another caller's unfinished transaction on the
   * shared connection.
   */
  private snapshot<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.tx.isMysql ? this.dataSource.transaction('REPEATABLE READ', work) : this.tx.run(work);
  }

  /** A read on committed data (see snapshot). */
  private read<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.tx.isMysql ? work(this.dataSource.manager) : this.tx.run(work);
  }
}

function toRowProblem(r: Row): BrokenChain {
  const userId = str(r.user_id);
  const seq = num(r.seq);
  if (num(r.gap) === 1) return { userId, seq, expected: seq - 1, actual: num(r.previous_seq), problem: 'seq_gap' };
  const expected = (r.previous_after === null || r.previous_after === undefined ? 0 : num(r.previous_after)) + num(r.amount);
  return { userId, seq, expected, actual: num(r.balance_after), problem: 'balance_after' };
}

function toAccountProblems(r: Row): BrokenChain[] {
  const userId = str(r.user_id);
  const lastSeq = num(r.max_seq);
  const problems: BrokenChain[] = [];
  if (num(r.ledger_seq) !== lastSeq)
    problems.push({ userId, seq: lastSeq, expected: lastSeq, actual: num(r.ledger_seq), problem: 'ledger_seq' });
  if (num(r.balance) !== num(r.last_after))
    problems.push({ userId, seq: lastSeq, expected: num(r.last_after), actual: num(r.balance), problem: 'account_balance' });
  return problems;
}

function toOrphanProblem(r: Row): BrokenChain {
  return { userId: str(r.user_id), seq: num(r.max_seq), expected: num(r.ledger_sum), actual: null, problem: 'missing_account' };
}

function toSplitProblem(r: Row): BrokenChain {
  return { userId: str(r.user_id), seq: num(r.seq), expected: num(r.amount), actual: num(r.moved), problem: 'bucket_split' };
}

function byUserAndSeq(a: BrokenChain, b: BrokenChain): number {
  if (a.userId !== b.userId) return a.userId < b.userId ? -1 : 1;
  if (a.seq !== b.seq) return a.seq - b.seq;
  return CHAIN_PROBLEMS.indexOf(a.problem) - CHAIN_PROBLEMS.indexOf(b.problem);
}

async function forEachLimited<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
