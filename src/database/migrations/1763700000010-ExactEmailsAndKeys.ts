import { isMysql } from '@token-metering/database';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { normalizeEmail } from '../../common/email-address.js';
import { MigrationRefused } from './migration-refused.js';

type UserRow = { id: string; email: string };

/**
 * Emails compare exactly. MySQL/MariaDB compared them with the table's case- and accent-insensitive
 * collation, so `vîctim@x.test` found victim's account: the column becomes binary (utf8mb4_bin).
 * SQLite compares bytes already. Existing emails are rewritten in their normal form (NFKC, trimmed,
 * lower case); when two accounts would end up with the same address, nothing is changed and
 * start-up stops naming them. The same change for Idempotency-Keys is the tokens package's
 * ExactIdempotencyKeys1763700000010 now, which a database that recorded this migration skips.
 */
export class ExactEmailsAndKeys1763700000010 implements MigrationInterface {
  name = 'ExactEmailsAndKeys1763700000010';

  async up(queryRunner: QueryRunner): Promise<void> {
    const users = (await queryRunner.query('SELECT id, email FROM users')) as UserRow[];
    // Checked before any ALTER TABLE: MySQL commits a schema change at once, whatever the transaction.
    refuseCollisions(users);
    if (isMysql(queryRunner.manager)) {
      await queryRunner.query('ALTER TABLE users MODIFY email VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL');
    }
    for (const { id, email } of users) {
      const normal = normalizeEmail(email);
      if (normal !== email) await queryRunner.query('UPDATE users SET email = ? WHERE id = ?', [normal, id]);
    }
  }

  /** Back to the table's own collation; fails while two emails differ only in case or accents. Emails stay in their normal form. */
  async down(queryRunner: QueryRunner): Promise<void> {
    if (isMysql(queryRunner.manager)) await queryRunner.query('ALTER TABLE users MODIFY email VARCHAR(254) NOT NULL');
  }
}

function refuseCollisions(users: UserRow[]): void {
  const byNormalEmail = new Map<string, UserRow[]>();
  for (const user of users) {
    const normal = normalizeEmail(user.email);
    byNormalEmail.set(normal, [...(byNormalEmail.get(normal) ?? []), user]);
  }
  const collisions = [...byNormalEmail].filter(([, group]) => group.length > 1);
  if (collisions.length === 0) return;
  const lines = collisions.map(
    ([normal, group]) => `  ${normal}: ${group.map(({ id, email }) => `user ${id} (email ${JSON.stringify(email)})`).join(', ')}`,
  );
  throw new MigrationRefused(
    'Migration ExactEmailsAndKeys1763700000010 refused, nothing was changed: emails are now stored in one normal form ' +
      '(Unicode NFKC, trimmed, lower case), and these accounts would share an address:\n' +
      `${lines.join('\n')}\n` +
      'Give all but one account of each line another email (or remove them), then start again.',
  );
}
