import { EntitySchema } from 'typeorm';
import { bigintTransformer } from '@token-metering/database';

export enum IdempotencyStatus {
  InProgress = 'in_progress',
  Completed = 'completed',
  /** The work succeeded and was charged, but its answer could not be stored: it never runs again. */
  AnswerUnavailable = 'no_answer',
}

/**
 * A metered request made with an Idempotency-Key. Inserted in the charge's transaction, so a
 * key charges at most once per user; the first answer is kept for replays.
 */
export class IdempotencyKey {
  payerId: string;
  key: string;
  /** SHA-256 of method, path and body: the same key with another request is refused. */
  requestHash: string;
  status: IdempotencyStatus;
  responseBody: string | null;
  tokensCharged: number | null;
  tokensRemaining: number | null;
  createdAt: Date;
  expiresAt: Date;
}

/**
 * Mapped with a schema rather than decorators because column types depend on the database: TEXT
 * holds only 64 KiB on MySQL/MariaDB (MEDIUMTEXT there, see migration 1763700000004), and SQLite
 * knows no MEDIUMTEXT (its TEXT has no such limit). The key is compared exactly: a binary collation
 * on MySQL/MariaDB (migration 1763700000010), SQLite's default elsewhere.
 */
export function idempotencyKeySchema(mysql: boolean): EntitySchema<IdempotencyKey> {
  return new EntitySchema<IdempotencyKey>({
    name: 'IdempotencyKey',
    target: IdempotencyKey,
    tableName: 'idempotency_keys',
    columns: {
      payerId: { name: 'user_id', type: 'varchar', length: 36, primary: true },
      key: { name: 'idempotency_key', type: 'varchar', length: 255, primary: true, ...(mysql ? { collation: 'utf8mb4_bin' } : {}) },
      requestHash: { name: 'request_hash', type: 'varchar', length: 64 },
      status: { type: 'varchar', length: 16 },
      responseBody: { name: 'response_body', type: mysql ? 'mediumtext' : 'text', nullable: true },
      tokensCharged: { name: 'tokens_charged', type: 'bigint', nullable: true, transformer: bigintTransformer },
      tokensRemaining: { name: 'tokens_remaining', type: 'bigint', nullable: true, transformer: bigintTransformer },
      createdAt: { name: 'created_at', type: 'datetime', precision: 3 },
      expiresAt: { name: 'expires_at', type: 'datetime', precision: 3 },
    },
  });
}
