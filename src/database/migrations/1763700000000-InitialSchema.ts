import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

const id = (name: string) => ({ name, type: 'varchar', length: '36' });
const timestamp = (name: string, isNullable = false) => ({ name, type: 'datetime', precision: 3, isNullable });
const bigint = (name: string) => ({ name, type: 'bigint' });

/**
 * Users, their API keys, plans and subscriptions. Written with TypeORM's Table API so the same
 * migration builds MySQL/MariaDB and SQLite; a test compares the schema with the entities on both.
 * It created the token tables too; those are the tokens package's TokenTables1763700000000 now,
 * which a database that recorded this migration skips.
 */
export class InitialSchema1763700000000 implements MigrationInterface {
  name = 'InitialSchema1763700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          { ...id('id'), isPrimary: true },
          { name: 'email', type: 'varchar', length: '254' },
          { name: 'name', type: 'varchar', length: '120', isNullable: true },
          { name: 'password_hash', type: 'varchar', length: '255' },
          { name: 'role', type: 'varchar', length: '16', default: "'user'" },
          timestamp('created_at'),
        ],
        indices: [new TableIndex({ name: 'uq_users_email', columnNames: ['email'], isUnique: true })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          { ...id('id'), isPrimary: true },
          id('user_id'),
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'prefix', type: 'varchar', length: '16' },
          { name: 'key_hash', type: 'varchar', length: '64' },
          timestamp('created_at'),
          timestamp('last_used_at', true),
          timestamp('revoked_at', true),
        ],
        indices: [
          new TableIndex({ name: 'idx_api_keys_user', columnNames: ['user_id'] }),
          new TableIndex({ name: 'uq_api_keys_key_hash', columnNames: ['key_hash'], isUnique: true }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'plans',
        columns: [
          { name: 'code', type: 'varchar', length: '32', isPrimary: true },
          { name: 'name', type: 'varchar', length: '100' },
          bigint('monthly_tokens'),
          { name: 'price_cents', type: 'integer' },
          bigint('rollover_cap'),
          { ...bigint('low_balance_threshold'), isNullable: true },
          { name: 'is_default', type: 'boolean', default: 0 },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'subscriptions',
        columns: [
          { ...id('user_id'), isPrimary: true },
          { name: 'plan_code', type: 'varchar', length: '32' },
          bigint('tokens_limit'),
          { name: 'status', type: 'varchar', length: '16', default: "'active'" },
          timestamp('period_start'),
          timestamp('period_end'),
          timestamp('created_at'),
          timestamp('updated_at'),
        ],
        indices: [new TableIndex({ name: 'idx_subscriptions_period_end', columnNames: ['period_end'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['subscriptions', 'plans', 'api_keys', 'users']) {
      await queryRunner.dropTable(table);
    }
  }
}
