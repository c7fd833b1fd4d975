import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

const NEWEST_FIRST = new TableIndex({ name: 'idx_users_created_at', columnNames: ['created_at', 'id'] });

/**
 * The admin's user list, newest first, a page at a time (GET /admin/users): an index in that order.
 * The search by email prefix uses uq_users_email (binary on MySQL/MariaDB, so a prefix LIKE is a range of it).
 */
export class UsersNewestFirst1763700000015 implements MigrationInterface {
  name = 'UsersNewestFirst1763700000015';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('users', NEWEST_FIRST);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('users', NEWEST_FIRST.name!);
  }
}
