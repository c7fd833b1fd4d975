import { MigrationInterface, QueryRunner, TableCheck, TableColumn } from 'typeorm';
import { dropLedgerTriggers, isMysqlRunner, makeLedgerAppendOnly } from './ledger-triggers.js';
import { isRecorded } from './split-migration.js';

const bigint = (name: string) => new TableColumn({ name, type: 'bigint', default: 0 });

const ACCOUNT_COLUMNS = ['allowance', 'credits', 'period_allowance_granted', 'last_allowance_change'];
const ACCOUNT_CHECKS = [
  { name: 'chk_token_accounts_allowance', expression: 'allowance >= 0' },
  { name: 'chk_token_accounts_credits', expression: 'credits >= 0' },
];

/** Entry types that add to the credits bucket; every other positive entry adds to the allowance. */
const CREDIT_TYPES = new Set(['purchase', 'admin_grant']);

export interface HistoryRow {
  seq: number;
  id: string;
  type: string;
  amount: number;
  metadata: string | null;
}

export interface BucketSplit {
  allowance: number;
  credits: number;
}

/**
 * Replays an account's entries, oldest first, as the two-bucket ledger would have booked them:
 * purchases and admin grants add credits, other grants add allowance, every debit (usage,
 * deductions and the expiries of that time, which took purchased tokens too) takes the allowance
 * first, and a refund gives back what its charge took.
 */
export function splitHistory(rows: HistoryRow[]): { splits: Map<number, BucketSplit>; allowance: number; credits: number } {
  const splits = new Map<number, BucketSplit>();
  const byId = new Map<string, BucketSplit>();
  let allowance = 0;
  let credits = 0;
  for (const row of rows) {
    let split: BucketSplit;
    const refundOf = row.type === 'refund' ? refundedEntry(row.metadata) : null;
    const refunded = refundOf ? byId.get(refundOf) : undefined;
    if (refunded && -(refunded.allowance + refunded.credits) === row.amount) {
      split = { allowance: -refunded.allowance, credits: -refunded.credits };
    } else if (row.amount >= 0) {
      split = CREDIT_TYPES.has(row.type) ? { allowance: 0, credits: row.amount } : { allowance: row.amount, credits: 0 };
    } else {
      const fromAllowance = Math.min(allowance, -row.amount);
      split = { allowance: -fromAllowance, credits: row.amount + fromAllowance };
    }
    allowance += split.allowance;
    credits += split.credits;
    splits.set(row.seq, split);
    byId.set(row.id, split);
  }
  return { splits, allowance, credits };
}

function refundedEntry(metadata: string | null): string | null {
  try {
    const value = metadata ? (JSON.parse(metadata) as { refundOf?: unknown }).refundOf : null;
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

/**
 * Two buckets per account (allowance and credits), what each ledger entry moved in each, the
 * allowance granted in the current period, and the client's request id beside the server's.
 *
 * Existing data: every entry's movement goes to the allowance and every balance is allowance,
 * except for accounts that ever received a purchase or an admin grant: their history is replayed
 * (splitHistory) and their credits are what that replay leaves. No balance changes. The period's
 * granted allowance starts at 0; a host that knows its accounts' current grants fills it in a
 * migration of its own. The token half of the app's TwoBuckets (see split-migration.ts).
 */
export class TwoBucketsSplit1763700000003 implements MigrationInterface {
  name = 'TwoBucketsSplit1763700000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (await isRecorded(queryRunner, 'TwoBuckets1763700000003')) return;
    const mysql = isMysqlRunner(queryRunner);
    await queryRunner.addColumns('token_accounts', ACCOUNT_COLUMNS.map(bigint));
    if (mysql) {
      // TypeORM leaves CHECK constraints out on MySQL/MariaDB (see the initial schema).
      for (const check of ACCOUNT_CHECKS)
        await queryRunner.query(`ALTER TABLE token_accounts ADD CONSTRAINT ${check.name} CHECK (${check.expression})`);
    } else {
      await queryRunner.createCheckConstraints(
        'token_accounts',
        ACCOUNT_CHECKS.map((check) => new TableCheck(check)),
      );
    }
    await queryRunner.addColumns('token_ledger_entries', [
      bigint('allowance_amount'),
      bigint('credits_amount'),
      new TableColumn({ name: 'client_request_id', type: 'varchar', length: '64', isNullable: true }),
    ]);

    // SQLite rebuilt the ledger table above, which dropped its triggers; MySQL kept them.
    await dropLedgerTriggers(queryRunner);
    await queryRunner.query('UPDATE token_ledger_entries SET allowance_amount = amount, credits_amount = 0');
    await queryRunner.query('UPDATE token_accounts SET allowance = balance, credits = 0');
    const withCredits = (await queryRunner.query(
      "SELECT DISTINCT user_id FROM token_ledger_entries WHERE type IN ('purchase', 'admin_grant') ORDER BY user_id",
    )) as { user_id: string }[];
    for (const { user_id: userId } of withCredits) await this.splitAccount(queryRunner, userId);
    await makeLedgerAppendOnly(queryRunner);
  }

  private async splitAccount(queryRunner: QueryRunner, userId: string): Promise<void> {
    const rows = (await queryRunner.query(
      'SELECT seq, id, type, amount, metadata FROM token_ledger_entries WHERE user_id = ? ORDER BY seq',
      [userId],
    )) as Record<string, unknown>[];
    const history = splitHistory(
      rows.map((r) => ({
        seq: Number(r.seq),
        id: String(r.id),
        type: String(r.type),
        amount: Number(r.amount),
        metadata: (r.metadata as string | null) ?? null,
      })),
    );
    for (const [seq, split] of history.splits) {
      if (split.credits === 0) continue;
      await queryRunner.query('UPDATE token_ledger_entries SET allowance_amount = ?, credits_amount = ? WHERE user_id = ? AND seq = ?', [
        split.allowance,
        split.credits,
        userId,
        seq,
      ]);
    }
    // A balance that disagrees with its ledger (the integrity report shows it) keeps its difference in the allowance.
    await queryRunner.query('UPDATE token_accounts SET credits = ?, allowance = balance - ? WHERE user_id = ? AND balance >= ?', [
      history.credits,
      history.credits,
      userId,
      history.credits,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (isMysqlRunner(queryRunner)) {
      for (const check of ACCOUNT_CHECKS) await queryRunner.query(`ALTER TABLE token_accounts DROP CONSTRAINT ${check.name}`);
    } else {
      await queryRunner.dropCheckConstraints(
        'token_accounts',
        ACCOUNT_CHECKS.map((check) => new TableCheck(check)),
      );
    }
    await queryRunner.dropColumns('token_accounts', ACCOUNT_COLUMNS);
    await queryRunner.dropColumns('token_ledger_entries', ['allowance_amount', 'credits_amount', 'client_request_id']);
    await dropLedgerTriggers(queryRunner);
    await makeLedgerAppendOnly(queryRunner);
  }
}
