import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

const LEDGER_BY_TIME = new TableIndex({ name: 'idx_ledger_user_time', columnNames: ['user_id', 'created_at', 'type', 'action', 'amount'] });

/**
 * Usage per day: an account's ledger entries by time, with what a usage sum reads of them (what is not
 * rolled up yet is summed from this index alone), and the rollup of net spend per day, action and
 * model with the stretch of time it holds per account. The rollup is derived from the ledger and
 * filled when a usage query needs it.
 */
export class UsageRollup1763700000014 implements MigrationInterface {
  name = 'UsageRollup1763700000014';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('token_ledger_entries', LEDGER_BY_TIME);
    await queryRunner.createTable(
      new Table({
        name: 'token_usage_days',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'day', type: 'date', isPrimary: true },
          { name: 'action', type: 'varchar', length: '64', isPrimary: true },
          { name: 'model', type: 'varchar', length: '128', isPrimary: true },
          { name: 'tokens', type: 'bigint' },
          { name: 'requests', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'token_usage_rollups',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'rolled_from', type: 'date' },
          { name: 'rolled_until', type: 'datetime', precision: 3 },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('token_usage_rollups');
    await queryRunner.dropTable('token_usage_days');
    await queryRunner.dropIndex('token_ledger_entries', LEDGER_BY_TIME.name!);
  }
}
