import { MigrationInterface, QueryRunner, Table, TableCheck, TableIndex } from 'typeorm';
import { isMysqlRunner, makeLedgerAppendOnly } from './ledger-triggers.js';
import { isRecorded } from './split-migration.js';

const id = (name: string) => ({ name, type: 'varchar', length: '36' });
const timestamp = (name: string, isNullable = false) => ({ name, type: 'datetime', precision: 3, isNullable });
const bigint = (name: string) => ({ name, type: 'bigint' });

/**
 * Accounts, the ledger (append-only) and idempotency keys. Written with TypeORM's Table API so the
 * same migration builds MySQL/MariaDB and SQLite. The token half of the app's InitialSchema (see
 * split-migration.ts).
 */
export class TokenTables1763700000000 implements MigrationInterface {
  name = 'TokenTables1763700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (await isRecorded(queryRunner, 'InitialSchema1763700000000')) return;
    await queryRunner.createTable(
      new Table({
        name: 'token_accounts',
        columns: [
          { ...id('user_id'), isPrimary: true },
          bigint('balance'),
          { ...bigint('used_this_period'), default: 0 },
          bigint('ledger_seq'),
          timestamp('period_end'),
          timestamp('updated_at'),
        ],
        checks: [new TableCheck({ name: 'chk_token_accounts_balance', expression: 'balance >= 0' })],
        indices: [new TableIndex({ name: 'idx_token_accounts_period_end', columnNames: ['period_end'] })],
      }),
    );
    if (isMysqlRunner(queryRunner)) {
      // TypeORM leaves CHECK constraints out on MySQL/MariaDB; both enforce them (MySQL >= 8.0.16).
      await queryRunner.query('ALTER TABLE token_accounts ADD CONSTRAINT chk_token_accounts_balance CHECK (balance >= 0)');
    }

    await queryRunner.createTable(
      new Table({
        name: 'token_ledger_entries',
        columns: [
          { ...id('user_id'), isPrimary: true },
          { ...bigint('seq'), isPrimary: true },
          id('id'),
          { name: 'type', type: 'varchar', length: '32' },
          { name: 'action', type: 'varchar', length: '64', isNullable: true },
          bigint('amount'),
          bigint('balance_after'),
          { name: 'request_id', type: 'varchar', length: '64', isNullable: true },
          { ...id('actor_id'), isNullable: true },
          { name: 'metadata', type: 'text', isNullable: true },
          timestamp('created_at'),
        ],
        indices: [new TableIndex({ name: 'uq_ledger_id', columnNames: ['id'], isUnique: true })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          { ...id('user_id'), isPrimary: true },
          { name: 'idempotency_key', type: 'varchar', length: '255', isPrimary: true },
          { name: 'request_hash', type: 'varchar', length: '64' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'response_body', type: 'text', isNullable: true },
          { ...bigint('tokens_charged'), isNullable: true },
          { ...bigint('tokens_remaining'), isNullable: true },
          timestamp('created_at'),
          timestamp('expires_at'),
        ],
      }),
    );

    await makeLedgerAppendOnly(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['idempotency_keys', 'token_ledger_entries', 'token_accounts']) {
      await queryRunner.dropTable(table);
    }
  }
}
