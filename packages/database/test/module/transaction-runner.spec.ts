/**
 * The transaction runner on a real database, as a host injects it (TypeOrmModule, a table of the
 * spec's own): a unit of work that returns rollback(value) leaves nothing behind, hands its value
 * back and runs no after-commit callback.
 */
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { Column, type DataSource, Entity, type EntityManager, PrimaryColumn } from 'typeorm';
import { rollback, TransactionRunner } from '../../src/index.js';
import { createTestDatabase, TEST_DB, type TestDatabase } from '../support/test-database.js';

@Entity('wallets')
class Wallet {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'integer' })
  balance: number;
}

describe(`TransactionRunner (${TEST_DB})`, () => {
  let database: TestDatabase;
  let moduleRef: TestingModule;
  let tx: TransactionRunner;
  const wallets = (id: string) =>
    moduleRef.get<DataSource>(getDataSourceToken()).query<Array<{ balance: number }>>('SELECT balance FROM wallets WHERE id = ?', [id]);
  const insertWallet = (id: string, em: EntityManager) => em.query('INSERT INTO wallets (id, balance) VALUES (?, 5)', [id]);

  beforeAll(async () => {
    database = await createTestDatabase();
    moduleRef = await Test.createTestingModule({
      imports: [TypeOrmModule.forRoot({ ...database.connection, entities: [Wallet], synchronize: true })],
      providers: [TransactionRunner],
    }).compile();
    tx = moduleRef.get(TransactionRunner);
  });
  afterAll(async () => {
    await moduleRef?.close();
    await database.drop();
  });

  it('commits what the work returns and then runs its after-commit callbacks', async () => {
    const ran: string[] = [];
    const result = await tx.run(async (em) => {
      await insertWallet('tx-commit', em);
      tx.afterCommit(em, () => ran.push('after commit'));
      return 'kept';
    });
    expect(result).toBe('kept');
    expect(ran).toEqual(['after commit']);
    expect(await wallets('tx-commit')).toHaveLength(1);
  });

  it('rolls back a work that returns rollback(value), returns the value, runs no after-commit callback', async () => {
    const ran: string[] = [];
    const result = await tx.run(async (em) => {
      await insertWallet('tx-rollback', em);
      tx.afterCommit(em, () => ran.push('after commit'));
      return rollback({ kind: 'refused' as const });
    });
    expect(result).toEqual({ kind: 'refused' });
    expect(ran).toEqual([]);
    expect(await wallets('tx-rollback')).toEqual([]);
  });

  it('a thrown error rolls back too and reaches the caller unchanged', async () => {
    const failure = new Error('the work failed');
    await expect(
      tx.run(async (em) => {
        await insertWallet('tx-throw', em);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await wallets('tx-throw')).toEqual([]);
  });
});
