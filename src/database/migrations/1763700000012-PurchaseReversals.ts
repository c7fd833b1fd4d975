import { isMysql } from '@token-metering/database';
import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

const currency = () => new TableColumn({ name: 'currency', type: 'varchar', length: '3', default: "'usd'" });
const PAYMENT_INTENT_INDEX = new TableIndex({ name: 'idx_purchases_payment_intent', columnNames: ['payment_intent_id'] });

/**
 * Stripe events are checked against the purchase they claim to pay, and refunds and disputes take
 * tokens back. Packages name their currency (the purchase keeps its own copy, like its price); a
 * purchase remembers the payment intent that paid it (refunds and disputes name only that), the
 * tokens reversed so far and how many of them a dispute took. Status values such as
 * `partially_refunded` need more than 16 characters.
 */
export class PurchaseReversals1763700000012 implements MigrationInterface {
  name = 'PurchaseReversals1763700000012';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('token_packages', currency());
    await queryRunner.addColumns('purchases', [
      currency(),
      new TableColumn({ name: 'payment_intent_id', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'tokens_reversed', type: 'bigint', default: 0 }),
      new TableColumn({ name: 'tokens_disputed', type: 'bigint', default: 0 }),
      new TableColumn({ name: 'dispute_status', type: 'varchar', length: '16', default: "'none'" }),
    ]);
    await queryRunner.createIndex('purchases', PAYMENT_INTENT_INDEX);
    await resizeStatus(queryRunner, '32');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await resizeStatus(queryRunner, '16');
    await queryRunner.dropIndex('purchases', PAYMENT_INTENT_INDEX.name!);
    for (const column of ['dispute_status', 'tokens_disputed', 'tokens_reversed', 'payment_intent_id', 'currency']) {
      await queryRunner.dropColumn('purchases', column);
    }
    await queryRunner.dropColumn('token_packages', 'currency');
  }
}

/**
 * MySQL/MariaDB: MODIFY keeps the values, where TypeORM's changeColumn drops and re-adds a column
 * whose length changes. SQLite copies the table into one with the new column.
 */
async function resizeStatus(queryRunner: QueryRunner, length: string): Promise<void> {
  if (isMysql(queryRunner.manager)) await queryRunner.query(`ALTER TABLE purchases MODIFY status VARCHAR(${length}) NOT NULL`);
  else await queryRunner.changeColumn('purchases', 'status', new TableColumn({ name: 'status', type: 'varchar', length }));
}
