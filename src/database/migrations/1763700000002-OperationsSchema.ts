import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

const id = (name: string) => ({ name, type: 'varchar', length: '36' });
const timestamp = (name: string, isNullable = false) => ({ name, type: 'datetime', precision: 3, isNullable });
const bigint = (name: string) => ({ name, type: 'bigint' });

/** Token packages sold through billing. */
const PACKAGES = [
  { code: 'tokens_1k', name: '1,000 tokens', tokens: 1_000, priceCents: 500 },
  { code: 'tokens_10k', name: '10,000 tokens', tokens: 10_000, priceCents: 2_900 },
  { code: 'tokens_100k', name: '100,000 tokens', tokens: 100_000, priceCents: 19_900 },
];

/**
 * Token packages, purchases and payment provider events. It created the price overrides too; those
 * are the tokens package's TokenPriceTables1763700000002 now, which a database that recorded this
 * migration skips.
 */
export class OperationsSchema1763700000002 implements MigrationInterface {
  name = 'OperationsSchema1763700000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'token_packages',
        columns: [
          { name: 'code', type: 'varchar', length: '32', isPrimary: true },
          { name: 'name', type: 'varchar', length: '100' },
          bigint('tokens'),
          { name: 'price_cents', type: 'integer' },
          { name: 'active', type: 'boolean', default: 1 },
        ],
      }),
    );
    for (const p of PACKAGES) {
      await queryRunner.query('INSERT INTO token_packages (code, name, tokens, price_cents, active) VALUES (?, ?, ?, ?, ?)', [
        p.code,
        p.name,
        p.tokens,
        p.priceCents,
        true,
      ]);
    }

    await queryRunner.createTable(
      new Table({
        name: 'purchases',
        columns: [
          { ...id('id'), isPrimary: true },
          id('user_id'),
          { name: 'package_code', type: 'varchar', length: '32' },
          bigint('tokens'),
          { name: 'price_cents', type: 'integer' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'provider', type: 'varchar', length: '32' },
          { name: 'provider_reference', type: 'varchar', length: '255', isNullable: true },
          { ...id('ledger_entry_id'), isNullable: true },
          timestamp('created_at'),
          timestamp('completed_at', true),
        ],
        indices: [new TableIndex({ name: 'idx_purchases_user', columnNames: ['user_id', 'created_at'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'payment_events',
        columns: [
          { name: 'id', type: 'varchar', length: '255', isPrimary: true },
          { name: 'type', type: 'varchar', length: '64' },
          { ...id('purchase_id'), isNullable: true },
          { name: 'outcome', type: 'varchar', length: '32' },
          timestamp('received_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['payment_events', 'purchases', 'token_packages']) {
      await queryRunner.dropTable(table);
    }
  }
}
