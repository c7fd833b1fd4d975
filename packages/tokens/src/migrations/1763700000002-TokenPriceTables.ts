import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { isRecorded } from './split-migration.js';

const id = (name: string) => ({ name, type: 'varchar', length: '36' });
const timestamp = (name: string) => ({ name, type: 'datetime', precision: 3 });
const bigint = (name: string) => ({ name, type: 'bigint' });

/**
 * Price overrides (per action, for everyone, a plan or a user) and the revision that tells every
 * instance a price changed. The token half of the app's OperationsSchema (see split-migration.ts).
 */
export class TokenPriceTables1763700000002 implements MigrationInterface {
  name = 'TokenPriceTables1763700000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (await isRecorded(queryRunner, 'OperationsSchema1763700000002')) return;
    await queryRunner.createTable(
      new Table({
        name: 'token_price_overrides',
        columns: [
          { ...id('id'), isPrimary: true },
          { name: 'action', type: 'varchar', length: '64' },
          { name: 'scope', type: 'varchar', length: '8' },
          { name: 'scope_ref', type: 'varchar', length: '36' },
          bigint('cost'),
          { ...id('updated_by'), isNullable: true },
          timestamp('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_token_price_overrides_target', columnNames: ['action', 'scope', 'scope_ref'], isUnique: true }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'token_price_revision',
        columns: [{ name: 'id', type: 'integer', isPrimary: true }, bigint('revision')],
      }),
    );
    await queryRunner.query('INSERT INTO token_price_revision (id, revision) VALUES (1, 0)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['token_price_revision', 'token_price_overrides']) await queryRunner.dropTable(table);
  }
}
