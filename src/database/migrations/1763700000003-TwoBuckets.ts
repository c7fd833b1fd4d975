import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The allowance granted in the current period (a column of the two-bucket accounts) starts at the
 * subscription's current monthly tokens. This migration also brought the two buckets themselves:
 * those are the tokens package's TwoBucketsSplit1763700000003 now, which runs before it (a database
 * that recorded this migration skips that one).
 */
export class TwoBuckets1763700000003 implements MigrationInterface {
  name = 'TwoBuckets1763700000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE token_accounts
          SET period_allowance_granted = COALESCE((SELECT s.tokens_limit FROM subscriptions s WHERE s.user_id = token_accounts.user_id), 0)`,
    );
  }

  /** The column goes with the two buckets (TwoBucketsSplit's down). */
  async down(): Promise<void> {}
}
