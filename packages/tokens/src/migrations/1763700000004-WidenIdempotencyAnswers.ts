import { MigrationInterface, QueryRunner } from 'typeorm';
import { isMysqlRunner } from './ledger-triggers.js';

/**
 * MySQL/MariaDB: idempotency_keys.response_body from TEXT (64 KiB) to MEDIUMTEXT (16 MiB), so every
 * answer the API produces is kept for replays. Requests are at most 1 MiB and every field is
 * capped; the largest answer is 1,000 business leads, about 1.8 MB at worst (a 200-character
 * query of 4-byte letters). MEDIUMTEXT leaves 9 times that; LONGTEXT (4 GiB) would buy nothing, as
 * MariaDB's default max_allowed_packet (16 MiB) could not carry such an answer in a statement. An
 * answer that does not fit is still served; its key is closed without it (409
 * IDEMPOTENCY_ANSWER_UNAVAILABLE on a retry). SQLite's TEXT has no such limit: nothing to do there.
 */
export class WidenIdempotencyAnswers1763700000004 implements MigrationInterface {
  name = 'WidenIdempotencyAnswers1763700000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (isMysqlRunner(queryRunner)) await queryRunner.query('ALTER TABLE idempotency_keys MODIFY response_body MEDIUMTEXT NULL');
  }

  /** Fails (strict mode) while a stored answer is over 64 KiB; those keys expire within 24 hours. */
  async down(queryRunner: QueryRunner): Promise<void> {
    if (isMysqlRunner(queryRunner)) await queryRunner.query('ALTER TABLE idempotency_keys MODIFY response_body TEXT NULL');
  }
}
