import { MigrationInterface, QueryRunner, Table, TableCheck, TableColumn, TableIndex } from 'typeorm';
import { isMysqlRunner } from './ledger-triggers.js';

const timestamp = (name: string, isNullable = false) => ({ name, type: 'datetime', precision: 3, isNullable });
const HELD_CHECK = { name: 'chk_token_accounts_held', expression: 'held >= 0' };

/**
 * Holds: what a request whose price is known only after it ran (an AI completion) reserves first.
 * `token_accounts.held` is the sum of the account's open holds; `token_holds` has one row per hold,
 * closed once (settled, released or expired).
 */
export class Holds1763700000008 implements MigrationInterface {
  name = 'Holds1763700000008';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('token_accounts', new TableColumn({ name: 'held', type: 'bigint', default: 0 }));
    const check = { name: 'chk_token_accounts_held', expression: 'held >= 0' };
    // TypeORM leaves CHECK constraints out on MySQL/MariaDB (see the initial schema).
    if (isMysqlRunner(queryRunner))
      await queryRunner.query(`ALTER TABLE token_accounts ADD CONSTRAINT ${check.name} CHECK (${check.expression})`);
    else await queryRunner.createCheckConstraint('token_accounts', new TableCheck(check));
    await queryRunner.createTable(
      new Table({
        name: 'token_holds',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'action', type: 'varchar', length: '64' },
          { name: 'amount', type: 'bigint' },
          { name: 'allowance_amount', type: 'bigint' },
          { name: 'credits_amount', type: 'bigint' },
          { name: 'request_id', type: 'varchar', length: '64', isNullable: true },
          timestamp('created_at'),
          timestamp('expires_at'),
          timestamp('closed_at', true),
          { name: 'outcome', type: 'varchar', length: '16', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'idx_token_holds_open', columnNames: ['closed_at', 'expires_at'] }),
          new TableIndex({ name: 'idx_token_holds_user', columnNames: ['user_id'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('token_holds');
    if (isMysqlRunner(queryRunner)) await queryRunner.query(`ALTER TABLE token_accounts DROP CONSTRAINT ${HELD_CHECK.name}`);
    else await queryRunner.dropCheckConstraint('token_accounts', new TableCheck(HELD_CHECK));
    await queryRunner.dropColumn('token_accounts', 'held');
  }
}
