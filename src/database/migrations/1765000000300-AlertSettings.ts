import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** Users' balance alerts (see src/alerts): one row per user who set them. */
export class AlertSettings1765000000300 implements MigrationInterface {
  name = 'AlertSettings1765000000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'alert_settings',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'webhook_url', type: 'varchar', length: '2048' },
          { name: 'signing_secret', type: 'varchar', length: '100' },
          { name: 'thresholds', type: 'text' },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('alert_settings');
  }
}
