import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../database/bigint.transformer.js';

export enum IdempotencyStatus {
  InProgress = 'in_progress',
  Completed = 'completed',
}

/**
 * A metered request made with an Idempotency-Key. Inserted in the charge's transaction, so a
 * key charges at most once per user; the first answer is kept for replays.
 */
@Entity('idempotency_keys')
export class IdempotencyKey {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @PrimaryColumn({ name: 'idempotency_key', type: 'varchar', length: 255 })
  key: string;

  /** SHA-256 of method, path and body: the same key with another request is refused. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64 })
  requestHash: string;

  @Column({ type: 'varchar', length: 16 })
  status: IdempotencyStatus;

  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody: string | null;

  @Column({ name: 'tokens_charged', type: 'bigint', nullable: true, transformer: bigintTransformer })
  tokensCharged: number | null;

  @Column({ name: 'tokens_remaining', type: 'bigint', nullable: true, transformer: bigintTransformer })
  tokensRemaining: number | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;
}
