import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { ExecutionContext } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TokensError, TokensErrorCode } from '../tokens.errors.js';
import { Clock } from '@token-metering/database';
import { isUniqueViolation } from '@token-metering/database';
import { TransactionRunner } from '@token-metering/database';
import { IdempotencyKey, IdempotencyStatus } from '../entities/idempotency-key.entity.js';
import type { IdempotencyClaim } from '../ledger/token-ledger.js';

const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** A key that was already claimed, after the claiming transaction rolled back: the first request's answer, or free again. */
export type TakenKey = { kind: 'finished'; first: IdempotencyKey } | { kind: 'free' };

/** What the tokens module reads of a request, on any HTTP platform (Fastify, Express). */
export interface HttpRequestLike {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  params?: unknown;
  body?: unknown;
}

/**
 * The request's Idempotency-Key header with the hash of what it asks for (method, route handler,
 * path parameters, body); undefined without the header, 400 when it is malformed.
 */
export function idempotencyClaimOf(
  context: ExecutionContext,
  request: HttpRequestLike = context.switchToHttp().getRequest(),
): IdempotencyClaim | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) {
    throw new TokensError(TokensErrorCode.VALIDATION_FAILED, 'Idempotency-Key must be 1 to 255 visible ASCII characters', {
      details: [{ field: 'Idempotency-Key', errors: ['must be 1 to 255 visible ASCII characters'] }],
    });
  }
  const params = request.params && Object.keys(request.params).length > 0 ? ` ${canonicalJson(request.params)}` : '';
  const route = `${context.getClass().name}.${context.getHandler().name}`;
  const requestHash = createHash('sha256')
    .update(`${request.method} ${route}${params}\n${canonicalJson(request.body)}`)
    .digest('hex');
  return { key: header, requestHash };
}

/** JSON with object keys sorted, so the same body in another key order hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Idempotency keys, per owner (the caller) and key, for 24 hours. */
@Injectable()
export class IdempotencyKeys {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  /**
   * Inserts the key as in progress, inside the caller's transaction. False when it exists: the
   * caller rolls back, then asks `resolveTaken` what the first request left.
   */
  async claim(em: EntityManager, ownerId: string, claim: IdempotencyClaim): Promise<boolean> {
    const now = this.clock.now();
    try {
      await em.insert(IdempotencyKey, {
        payerId: ownerId,
        key: claim.key,
        requestHash: claim.requestHash,
        status: IdempotencyStatus.InProgress,
        createdAt: now,
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /**
   * What a request whose key exists gets: the finished first request to replay, or a free key when
   * it was released (its request failed) or had expired (it is removed). The same key with another
   * request, or one still running, is a 409.
   */
  async resolveTaken(ownerId: string, claim: IdempotencyClaim): Promise<TakenKey> {
    const where = { payerId: ownerId, key: claim.key };
    const existing = await this.tx.run((em) => em.findOneBy(IdempotencyKey, where));
    if (!existing) return { kind: 'free' };
    if (existing.expiresAt.getTime() <= this.clock.now().getTime()) {
      await this.tx.run((em) => em.delete(IdempotencyKey, { ...where, expiresAt: existing.expiresAt }));
      return { kind: 'free' };
    }
    if (existing.requestHash !== claim.requestHash) {
      throw new TokensError(TokensErrorCode.IDEMPOTENCY_KEY_REUSED, 'This Idempotency-Key was used with a different request');
    }
    if (existing.status === IdempotencyStatus.AnswerUnavailable) {
      throw new TokensError(
        TokensErrorCode.IDEMPOTENCY_ANSWER_UNAVAILABLE,
        'The request with this Idempotency-Key succeeded and was charged, but its answer could not be kept; it is not run or charged again. Use a new key to run it again',
      );
    }
    if (existing.status !== IdempotencyStatus.Completed) throw inProgress();
    return { kind: 'finished', first: existing };
  }

  /** Keeps the answer of a finished request, inside the caller's transaction. */
  async complete(
    em: EntityManager,
    ownerId: string,
    key: string,
    answer: { body: unknown; tokensCharged?: number; tokensRemaining?: number },
  ): Promise<void> {
    await em.update(
      IdempotencyKey,
      { payerId: ownerId, key },
      {
        status: IdempotencyStatus.Completed,
        responseBody: JSON.stringify(answer.body ?? null),
        tokensCharged: answer.tokensCharged ?? null,
        tokensRemaining: answer.tokensRemaining ?? null,
      },
    );
  }

  /**
   * Closes the key of a charged request whose work succeeded, in a transaction of its own: with its
   * answer (replayed from then on), or without one when the answer could not be kept (a retry is
   * then refused, never run again). Only a key still in progress is closed without an answer, so a
   * store whose COMMIT went unanswered but landed keeps its answer.
   */
  async finish(
    ownerId: string,
    key: string,
    tokens: { tokensCharged: number; tokensRemaining: number },
    answer?: { body: unknown },
  ): Promise<void> {
    const where = { payerId: ownerId, key };
    const closed = (status: IdempotencyStatus | undefined) =>
      answer ? status === IdempotencyStatus.Completed : status !== undefined && status !== IdempotencyStatus.InProgress;
    await this.tx.run(
      async (em) => {
        if (answer) await this.complete(em, ownerId, key, { body: answer.body, ...tokens });
        else
          await em.update(
            IdempotencyKey,
            { ...where, status: IdempotencyStatus.InProgress },
            { status: IdempotencyStatus.AnswerUnavailable, ...tokens },
          );
      },
      {
        // Closing it again is harmless: only a closed key counts as committed.
        verifyCommit: async (em) => {
          const found = await em.findOne(IdempotencyKey, { where, lock: { mode: 'pessimistic_write' } });
          return closed(found?.status) ? { committed: true, result: undefined } : { committed: false };
        },
      },
    );
  }

  /** Frees the key of a request that was refunded, inside the refund's transaction: a retry runs it anew. */
  async release(em: EntityManager, ownerId: string, key: string): Promise<void> {
    await em.delete(IdempotencyKey, { payerId: ownerId, key });
  }
}

export function inProgress(): TokensError {
  return new TokensError(TokensErrorCode.IDEMPOTENCY_IN_PROGRESS, 'A request with this Idempotency-Key is in progress');
}
