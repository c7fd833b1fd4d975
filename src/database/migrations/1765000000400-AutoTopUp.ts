import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';

/**
 * Automatic top-up: each user's Stripe customer and saved payment method, the top-up setting with its
 * attempt in flight and the month's spend, and on purchases whether one was automatic and whether its
 * checkout saves the card.
 */
export class AutoTopUp1765000000400 implements MigrationInterface {
  name = 'AutoTopUp1765000000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'billing_customers',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'stripe_customer_id', type: 'varchar', length: '255' },
          { name: 'payment_method_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'auto_top_ups',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'enabled', type: 'boolean', default: 0 },
          { name: 'threshold_tokens', type: 'bigint' },
          { name: 'package_code', type: 'varchar', length: '32' },
          { name: 'monthly_limit_cents', type: 'integer' },
          { name: 'spent_month', type: 'varchar', length: '7', isNullable: true },
          { name: 'spent_cents', type: 'integer', default: 0 },
          { name: 'in_flight_purchase_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'claimed_until', type: 'datetime', precision: 3, isNullable: true },
          { name: 'last_attempt_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'last_attempt_status', type: 'varchar', length: '16', isNullable: true },
          { name: 'last_attempt_purchase_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
        indices: [{ name: 'idx_auto_top_ups_attempts', columnNames: ['last_attempt_status', 'claimed_until'] }],
      }),
    );
    await queryRunner.addColumns('purchases', [
      new TableColumn({ name: 'automatic', type: 'boolean', default: 0 }),
      new TableColumn({ name: 'save_card', type: 'boolean', default: 0 }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('purchases', 'save_card');
    await queryRunner.dropColumn('purchases', 'automatic');
    await queryRunner.dropTable('auto_top_ups');
    await queryRunner.dropTable('billing_customers');
  }
}
