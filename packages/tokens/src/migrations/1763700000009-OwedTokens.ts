import { MigrationInterface, QueryRunner, TableCheck, TableColumn } from 'typeorm';
import { isMysqlRunner } from './ledger-triggers.js';

const OWED_CHECK = { name: 'chk_token_accounts_owed', expression: 'owed >= 0' };

/**
 * Owed tokens: what an account could not pay when a debit that cannot be refused (a refunded
 * purchase, a completion's actual price) found its balance spent. Any tokens it receives later
 * repay it first. Holds remember their Idempotency-Key, so a hold that expires frees it.
 */
export class OwedTokens1763700000009 implements MigrationInterface {
  name = 'OwedTokens1763700000009';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('token_accounts', new TableColumn({ name: 'owed', type: 'bigint', default: 0 }));
    // TypeORM leaves CHECK constraints out on MySQL/MariaDB (see the initial schema).
    if (isMysqlRunner(queryRunner))
      await queryRunner.query(`ALTER TABLE token_accounts ADD CONSTRAINT ${OWED_CHECK.name} CHECK (${OWED_CHECK.expression})`);
    else await queryRunner.createCheckConstraint('token_accounts', new TableCheck(OWED_CHECK));
    await queryRunner.addColumn(
      'token_holds',
      new TableColumn({ name: 'idempotency_key', type: 'varchar', length: '255', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('token_holds', 'idempotency_key');
    if (isMysqlRunner(queryRunner)) await queryRunner.query(`ALTER TABLE token_accounts DROP CONSTRAINT ${OWED_CHECK.name}`);
    else await queryRunner.dropCheckConstraint('token_accounts', new TableCheck(OWED_CHECK));
    await queryRunner.dropColumn('token_accounts', 'owed');
  }
}
