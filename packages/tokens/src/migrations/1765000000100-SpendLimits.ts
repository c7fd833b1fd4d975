import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Spend limits: the most a sub-identity of a payer (an API key) may spend per period, and what it
 * spent in the current one. A hold remembers the limit it was counted against (`limit_id`), so
 * whoever closes it (a settlement, a release, the expiry job) moves that limit's `spent`.
 */
export class SpendLimits1765000000100 implements MigrationInterface {
  name = 'SpendLimits1765000000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'token_spend_limits',
        columns: [
          { name: 'limit_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'tokens', type: 'bigint' },
          { name: 'period', type: 'varchar', length: '8' },
          { name: 'spent', type: 'bigint', default: 0 },
          { name: 'period_start', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'idx_token_spend_limits_user', columnNames: ['user_id'] })],
      }),
    );
    await queryRunner.addColumn('token_holds', new TableColumn({ name: 'limit_id', type: 'varchar', length: '64', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('token_holds', 'limit_id');
    await queryRunner.dropTable('token_spend_limits');
  }
}
