/**
 * The transaction runner on a real database: a unit of work that returns rollback(value) leaves
 * nothing behind, hands its value back and runs no after-commit callback; the retry policy gives up
 * after its last attempt with what that attempt names.
 */
import type { EntityManager } from 'typeorm';
import { ExampleAppModule } from '../../../examples/metered-notes/app.module.js';
import { again, done, MAX_ATTEMPTS, retrying } from '../src/retrying.js';
import { rollback, TransactionRunner } from '../src/transaction-runner.js';
import { sqlDate } from '../../../test/support/factories.js';
import { startTestApp, TestApp } from '../../../test/support/test-app.js';
import { TEST_DB } from '../../../test/support/test-database.js';

describe(`TransactionRunner (${TEST_DB})`, () => {
  let t: TestApp;
  let tx: TransactionRunner;
  const accounts = (userId: string) =>
    t.dataSource.query<Array<{ balance: number }>>('SELECT balance FROM token_accounts WHERE user_id = ?', [userId]);
  const insertAccount = (userId: string, em: EntityManager) =>
    em.query(
      `INSERT INTO token_accounts (user_id, balance, allowance, credits, period_allowance_granted, used_this_period, ledger_seq, period_end, updated_at)
       VALUES (?, 5, 5, 0, 5, 0, 1, ?, ?)`,
      [userId, sqlDate(new Date(Date.now() + 86400000)), sqlDate(new Date())],
    );

  beforeAll(async () => {
    t = await startTestApp({ root: ExampleAppModule });
    tx = t.app.get(TransactionRunner);
  });
  afterAll(() => t.close());

  it('commits what the work returns and then runs its after-commit callbacks', async () => {
    const ran: string[] = [];
    const result = await tx.run(async (em) => {
      await insertAccount('tx-commit', em);
      tx.afterCommit(em, () => ran.push('after commit'));
      return 'kept';
    });
    expect(result).toBe('kept');
    expect(ran).toEqual(['after commit']);
    expect(await accounts('tx-commit')).toHaveLength(1);
  });

  it('rolls back a work that returns rollback(value), returns the value, runs no after-commit callback', async () => {
    const ran: string[] = [];
    const result = await tx.run(async (em) => {
      await insertAccount('tx-rollback', em);
      tx.afterCommit(em, () => ran.push('after commit'));
      return rollback({ kind: 'refused' as const });
    });
    expect(result).toEqual({ kind: 'refused' });
    expect(ran).toEqual([]);
    expect(await accounts('tx-rollback')).toEqual([]);
  });

  it('a thrown error rolls back too and reaches the caller unchanged', async () => {
    const failure = new Error('the work failed');
    await expect(
      tx.run(async (em) => {
        await insertAccount('tx-throw', em);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await accounts('tx-throw')).toEqual([]);
  });
});

describe('retrying', () => {
  it('returns the first value an attempt is done with', async () => {
    const seen: number[] = [];
    const value = await retrying(async (n) => {
      seen.push(n);
      return n < 3 ? again(() => new Error('no')) : done(`done at ${n}`);
    });
    expect(value).toBe('done at 3');
    expect(seen).toEqual([1, 2, 3]);
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts with what the last one names`, async () => {
    let attempts = 0;
    const error = await retrying(async (n) => {
      attempts++;
      return again(() => new Error(`gave up at ${n}`), { pause: true });
    }).catch((e: unknown) => e);
    expect(attempts).toBe(MAX_ATTEMPTS);
    expect((error as Error).message).toBe(`gave up at ${MAX_ATTEMPTS}`);
  });

  it('an attempt that throws ends the run at once', async () => {
    let attempts = 0;
    const failure = new Error('refused');
    await expect(
      retrying(async () => {
        attempts++;
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(attempts).toBe(1);
  });
});
