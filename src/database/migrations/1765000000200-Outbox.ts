import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** Events recorded with the ledger entries that caused them, delivered from here (see src/outbox). */
export class Outbox1765000000200 implements MigrationInterface {
  name = 'Outbox1765000000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'outbox_events',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'destination', type: 'varchar', length: '16' },
          { name: 'type', type: 'varchar', length: '64' },
          { name: 'body', type: 'text' },
          { name: 'status', type: 'varchar', length: '16', default: "'pending'" },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'next_attempt_at', type: 'datetime', precision: 3 },
          { name: 'last_attempt_at', type: 'datetime', precision: 3, isNullable: true },
        ],
        indices: [
          { name: 'idx_outbox_events_due', columnNames: ['status', 'next_attempt_at'] },
          { name: 'idx_outbox_events_account', columnNames: ['user_id', 'destination', 'created_at'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('outbox_events');
  }
}
