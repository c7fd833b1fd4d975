import { MigrationInterface, QueryRunner } from 'typeorm';
import { isMysqlRunner } from './ledger-triggers.js';
import { isRecorded } from './split-migration.js';

/**
 * Idempotency-Keys compare exactly. MySQL/MariaDB compared them with the table's case- and
 * accent-insensitive collation, so `Order-ABC` replayed `order-abc`: the column becomes binary
 * (utf8mb4_bin). SQLite compares bytes already. The token half of the app's ExactEmailsAndKeys
 * (see split-migration.ts).
 */
export class ExactIdempotencyKeys1763700000010 implements MigrationInterface {
  name = 'ExactIdempotencyKeys1763700000010';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (!isMysqlRunner(queryRunner) || (await isRecorded(queryRunner, 'ExactEmailsAndKeys1763700000010'))) return;
    await queryRunner.query(
      'ALTER TABLE idempotency_keys MODIFY idempotency_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL',
    );
  }

  /** Back to the table's own collation; fails while one user's keys differ only in case or accents. */
  async down(queryRunner: QueryRunner): Promise<void> {
    if (isMysqlRunner(queryRunner)) await queryRunner.query('ALTER TABLE idempotency_keys MODIFY idempotency_key VARCHAR(255) NOT NULL');
  }
}
