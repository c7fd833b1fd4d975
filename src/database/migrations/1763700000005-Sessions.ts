import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

const timestamp = (name: string, isNullable = false) => ({ name, type: 'datetime', precision: 3, isNullable });

/**
 * One row per access token issued (login, registration): the token carries its session id, and the
 * guard's user read joins the session, so a logout or a password change ends tokens at once.
 */
export class Sessions1763700000005 implements MigrationInterface {
  name = 'Sessions1763700000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'sessions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          timestamp('created_at'),
          timestamp('expires_at'),
          timestamp('ended_at', true),
        ],
        indices: [new TableIndex({ name: 'idx_sessions_user', columnNames: ['user_id'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('sessions');
  }
}
