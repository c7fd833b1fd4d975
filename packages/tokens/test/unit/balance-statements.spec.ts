/**
 * How a posting splits between the two buckets (allowance first, then credits), and the SET clauses
 * that make the split in the database, run on an SQLite table of an account's balance columns.
 * (The ledger's module tests run the same statements on MariaDB, where assignments go left to right.)
 */
import { DataSource } from 'typeorm';
import { LedgerEntryType } from '../../src/entities/token-ledger-entry.entity.js';
import type { TokenAccount } from '../../src/entities/token-account.entity.js';
import {
  assignmentsOf,
  debitAssignments,
  type Movement,
  movementOf,
  perAccount,
  splitAfter,
  type SqlPart,
} from '../../src/ledger/balance-statements.js';

const posting = (type: LedgerEntryType, amount: number, buckets?: { allowance: number; credits: number }) => ({
  payerId: 'u',
  type,
  amount,
  buckets,
});

describe('the movement a posting makes', () => {
  it('a debit takes its price from the allowance first, then credits', () => {
    expect(movementOf(posting(LedgerEntryType.Usage, -30))).toEqual({ kind: 'debit', price: 30 });
    expect(movementOf(posting(LedgerEntryType.AdminDeduct, -5))).toEqual({ kind: 'debit', price: 5 });
  });

  it('purchases, admin grants and reinstated purchases add credits (they never expire); every other grant adds allowance', () => {
    for (const type of [LedgerEntryType.Purchase, LedgerEntryType.AdminGrant, LedgerEntryType.PurchaseReinstated])
      expect(movementOf(posting(type, 40))).toEqual({ kind: 'split', split: { allowance: 0, credits: 40 } });
    for (const type of [LedgerEntryType.InitialGrant, LedgerEntryType.PeriodGrant, LedgerEntryType.Refund])
      expect(movementOf(posting(type, 40))).toEqual({ kind: 'split', split: { allowance: 40, credits: 0 } });
  });

  it("a posting's own buckets win over what its type and sign imply", () => {
    const buckets = { allowance: 7, credits: -3 };
    expect(movementOf(posting(LedgerEntryType.Refund, 4, buckets))).toEqual({ kind: 'split', split: buckets });
  });
});

describe('the balance statements on an account row (SQLite)', () => {
  let db: DataSource;
  type Row = { balance: number; allowance: number; credits: number; granted: number; lastAllowanceChange: number };

  beforeAll(async () => {
    db = await new DataSource({ type: 'better-sqlite3', database: ':memory:' }).initialize();
    await db.query(`CREATE TABLE accounts (user_id TEXT PRIMARY KEY, balance INTEGER, allowance INTEGER, credits INTEGER,
                    period_allowance_granted INTEGER, last_allowance_change INTEGER)`);
  });
  afterAll(() => db?.destroy());

  const open = async (payerId: string, allowance: number, credits: number, granted = allowance) =>
    db.query('INSERT INTO accounts VALUES (?, ?, ?, ?, ?, 0)', [payerId, allowance + credits, allowance, credits, granted]);
  const apply = async (set: SqlPart, payerIds: string[]) =>
    db.query(`UPDATE accounts SET ${set.sql} WHERE user_id IN (${payerIds.map(() => '?').join(', ')})`, [...set.parameters, ...payerIds]);
  const read = async (payerId: string): Promise<Row> => {
    const [row] = await db.query<Array<Record<string, number>>>('SELECT * FROM accounts WHERE user_id = ?', [payerId]);
    return {
      balance: row.balance,
      allowance: row.allowance,
      credits: row.credits,
      granted: row.period_allowance_granted,
      lastAllowanceChange: row.last_allowance_change,
    };
  };
  /** Applies a movement to one account; what the row became and the split read back from it. */
  const move = async (payerId: string, movement: Movement) => {
    await apply(assignmentsOf(movement), [payerId]);
    const row = await read(payerId);
    return { row, split: splitAfter(movement, { lastAllowanceChange: row.lastAllowanceChange } as TokenAccount) };
  };

  it('a debit the allowance covers takes only allowance', async () => {
    await open('within', 30, 50);
    const { row, split } = await move('within', { kind: 'debit', price: 20 });
    expect([row.balance, row.allowance, row.credits]).toEqual([60, 10, 50]);
    expect(split).toEqual({ allowance: -20, credits: 0 });
  });

  it('a debit above the allowance empties it and takes the rest from credits', async () => {
    await open('spanning', 30, 50);
    const { row, split } = await move('spanning', { kind: 'debit', price: 45 });
    expect([row.balance, row.allowance, row.credits]).toEqual([35, 0, 35]);
    expect(split).toEqual({ allowance: -30, credits: -15 });
  });

  it('a split moves each bucket by its own amount', async () => {
    await open('split', 10, 10);
    const { row, split } = await move('split', { kind: 'split', split: { allowance: 5, credits: 100 } });
    expect([row.balance, row.allowance, row.credits]).toEqual([125, 15, 110]);
    expect(split).toEqual({ allowance: 5, credits: 100 });
  });

  it("a plan's monthly tokens raise the period's allowance by what they exceed what was granted, once", async () => {
    await open('plan', 40, 0, 100);
    const up = await move('plan', { kind: 'plan', monthlyTokens: 300 });
    expect([up.row.balance, up.row.allowance, up.row.granted, up.split]).toEqual([240, 240, 300, { allowance: 200, credits: 0 }]);
    const again = await move('plan', { kind: 'plan', monthlyTokens: 300 });
    const down = await move('plan', { kind: 'plan', monthlyTokens: 50 });
    expect([again.split, down.split]).toEqual([
      { allowance: 0, credits: 0 },
      { allowance: 0, credits: 0 },
    ]);
    expect(await read('plan')).toMatchObject({ balance: 240, allowance: 240, granted: 300 });
  });

  it('one statement debits several accounts, each by its own total (perAccount), each split by its own buckets', async () => {
    await open('batch-a', 10, 100);
    await open('batch-b', 100, 0);
    const totals: Array<[string, number]> = [
      ['batch-a', 25],
      ['batch-b', 25],
    ];
    const negated = totals.map(([payerId, total]): [string, number] => [payerId, -total]);
    await apply(debitAssignments(perAccount(totals), perAccount(negated)), ['batch-a', 'batch-b']);
    expect(await read('batch-a')).toMatchObject({ balance: 85, allowance: 0, credits: 85, lastAllowanceChange: -10 });
    expect(await read('batch-b')).toMatchObject({ balance: 75, allowance: 75, credits: 0, lastAllowanceChange: -25 });
  });
});
