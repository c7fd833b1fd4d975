import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * MySQL/MariaDB: idempotency_keys.response_body from TEXT (64 KiB) to MEDIUMTEXT (16 MiB), so the
 * largest answer the API produces (1,000 leads, about 2 MiB at worst) is kept for replays. 16 MiB
 * is also the default max_allowed_packet of MariaDB, so a wider column could not be filled by a
 * default server anyway. SQLite's TEXT has no such limit: nothing to do there.
 */
export class WidenIdempotencyAnswers1763700000004 implements MigrationInterface {
  name = 'WidenIdempotencyAnswers1763700000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (this.isMysql(queryRunner)) await queryRunner.query('ALTER TABLE idempotency_keys MODIFY response_body MEDIUMTEXT NULL');
  }

  /** Fails (strict mode) while a stored answer is over 64 KiB; those keys expire within 24 hours. */
  async down(queryRunner: QueryRunner): Promise<void> {
    if (this.isMysql(queryRunner)) await queryRunner.query('ALTER TABLE idempotency_keys MODIFY response_body TEXT NULL');
  }

  private isMysql(queryRunner: QueryRunner): boolean {
    return ['mysql', 'mariadb'].includes(queryRunner.connection.driver.options.type);
  }
}
