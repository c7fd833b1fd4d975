import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Promotional grants: their terms (what is left of each is read from the ledger), and on the account
 * the soonest expiry of those not yet expired, which debits check like the period's end.
 */
export class PromotionalGrants1765000000010 implements MigrationInterface {
  name = 'PromotionalGrants1765000000010';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'token_grants',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'amount', type: 'bigint' },
          { name: 'priority', type: 'integer' },
          { name: 'expires_at', type: 'datetime', precision: 3 },
          { name: 'reason', type: 'varchar', length: '500' },
          { name: 'entry_seq', type: 'bigint' },
          { name: 'expiry_seq', type: 'bigint', isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [{ name: 'idx_token_grants_user', columnNames: ['user_id', 'entry_seq'] }],
      }),
    );
    // A plain ADD COLUMN on both databases: TypeORM's addColumn rebuilds an SQLite table, rewriting its CHECKs' text.
    await queryRunner.query('ALTER TABLE token_accounts ADD COLUMN grants_expire_at datetime(3) NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('token_accounts', 'grants_expire_at');
    await queryRunner.dropTable('token_grants');
  }
}
