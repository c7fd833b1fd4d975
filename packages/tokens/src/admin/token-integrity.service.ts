import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, TransactionRunner } from '@token-metering/database';
import { AccountPolicy } from '../account-policy.js';
import {
  type BrokenChain,
  CHAIN_PROBLEMS,
  DEFAULT_REPORT_LIMIT,
  type IntegrityCounts,
  type IntegrityReport,
  MAX_LISTED_FAILURES,
  MAX_REPORT_LIMIT,
  type SeedOptions,
  type SeedResult,
} from './integrity-report.js';
import {
  ACCOUNT_CHAINS,
  BUCKET_MISMATCHES,
  BUCKET_SPLITS,
  HELD_MISMATCHES,
  MISMATCHES,
  NEGATIVE_BALANCES,
  ORPHAN_ENTRIES,
  OWED_MISMATCHES,
  ROW_CHAINS,
} from './integrity-queries.js';
import { TokenLedger } from '../ledger/token-ledger.js';
import { PromotionalGrants } from '../ledger/promotional-grants.js';

type Row = Record<string, unknown>;

const num = (value: unknown): number => Number(value ?? 0);
const str = (value: unknown): string => String(value);
/** Total of a windowed COUNT/SUM on the first row; 0 for an empty result. */
const totalOf = (rows: Row[]): number => (rows.length === 0 ? 0 : num(rows[0].total));

/**
 * Checks the ledger invariants over the whole database with a handful of set-based queries (no
 * query per account), and repairs the one finding that has a safe repair: payers without
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
    private readonly policy: AccountPolicy,
    private readonly grants: PromotionalGrants,
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
      const missing = await this.policy.missingAccounts(em, { after: '', limit });
      const rowChains: Row[] = await em.query(ROW_CHAINS, [limit]);
      const accountChains: Row[] = await em.query(ACCOUNT_CHAINS, [limit]);
      const orphanRows: Row[] = await em.query(ORPHAN_ENTRIES, [limit]);
      const heldRows: Row[] = await em.query(HELD_MISMATCHES, [limit]);
      const owedRows: Row[] = await em.query(OWED_MISMATCHES, [limit]);
      // Per account with grants: what is left of a grant is read from its ledger, not stored.
      const grantRows = await this.grants.mismatches(em, limit);

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
        usersWithoutAccount: missing.accounts.map((a) => ({ userId: a.payerId, planCode: a.tier })),
        brokenChains,
        heldMismatches: heldRows.map((r) => ({ userId: str(r.user_id), held: num(r.held), openHolds: num(r.open_holds) })),
        owedMismatches: owedRows.map((r) => ({ userId: str(r.user_id), owed: num(r.owed), ledgerOwed: num(r.ledger_owed) })),
        grantMismatches: grantRows.found,
      };
      const counts: IntegrityCounts = {
        mismatches: totalOf(mismatchRows),
        bucketMismatches: totalOf(bucketRows),
        negativeBalances: totalOf(negativeRows),
        usersWithoutAccount: missing.total,
        brokenChains: totalOf(rowChains) + totalOf(accountChains) + totalOf(orphanRows) + totalOf(splitRows),
        heldMismatches: totalOf(heldRows),
        owedMismatches: totalOf(owedRows),
        grantMismatches: grantRows.total,
      };
      const ok = Object.values(counts).every((count) => count === 0);
      const truncated = (Object.keys(counts) as (keyof IntegrityCounts)[]).some((kind) => lists[kind].length < counts[kind]);
      const report: IntegrityReport = { accountsChecked: num(accounts?.total), ...lists, counts, limit, truncated, ok, checkedAt };
      if (!ok) this.logger.warn(JSON.stringify({ event: 'integrity_problems', counts }));
      return report;
    });
  }

  /**
   * Opens the missing account of every payer the account policy lists (AccountPolicy.missingAccounts), in batches. Each one
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
      const batch = (await this.read((em) => this.policy.missingAccounts(em, { after, limit: batchSize }))).accounts.map((a) => a.payerId);
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
