import { applyDecorators, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { clientRequestIdOf, type HeaderWriter, serverRequestIdOf } from '../http/request-id.js';
import { type RequestWithPayer, SPEND_LIMIT_OF_REQUEST } from '../http/payer.decorator.js';
import type { EntityManager } from 'typeorm';
import { ERROR_CASES, errorResponse } from '../http/error-body.dto.js';
import { again, done, retrying } from '@token-metering/database';
import { rollback, TransactionRunner } from '@token-metering/database';
import { idempotencyClaimOf, IdempotencyKeys, inProgress } from './idempotency-keys.js';
import type { IdempotencyClaim } from '../ledger/token-ledger.js';

/**
 * A request's Idempotency-Key (if any), the reply that says whether the answer is a replay, and the
 * request's ids, which the ledger entries it writes carry.
 */
export interface IdempotencyContext {
  claim: IdempotencyClaim | undefined;
  reply: HeaderWriter;
  /** The server's id of the request (its X-Request-Id answer header). */
  requestId: string;
  /** The caller's own well-formed X-Request-Id, kept beside the server's. */
  clientRequestId: string | null;
  /** The spend limit the request spends against (the host's `spendLimitOf`), if any. */
  limitId?: string;
}

/** Injects the IdempotencyContext of a route served through IdempotentWrites; a malformed key is a 400. */
export const Idempotency = createParamDecorator((_: unknown, context: ExecutionContext): IdempotencyContext => {
  const request = context
    .switchToHttp()
    .getRequest<{ headers: Record<string, string | string[] | undefined>; id?: unknown } & RequestWithPayer>();
  const limitId = request[SPEND_LIMIT_OF_REQUEST];
  return {
    claim: idempotencyClaimOf(context),
    reply: context.switchToHttp().getResponse<HeaderWriter>(),
    requestId: serverRequestIdOf(request),
    clientRequestId: clientRequestIdOf(request),
    ...(limitId && { limitId }),
  };
});

/**
 * Writes made safe to retry with an Idempotency-Key (admin grants, deducts and plan changes): the
 * key, the change and its answer commit in one transaction, so a retry replays the answer and
 * never applies the change twice; a change that fails (a 402 deduct) leaves the key unused.
 * A concurrent request with the same key waits for the first one's transaction, then replays it.
 */
@Injectable()
export class IdempotentWrites {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly keys: IdempotencyKeys,
  ) {}

  /** Runs `work` (which returns the answer) for `ownerId` under the request's Idempotency-Key, if it sent one. */
  async answer<T>({ claim, reply }: IdempotencyContext, ownerId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!claim) return this.tx.run(work);
    return retrying(async () => {
      const answered = await this.tx.run(async (em) => {
        if (!(await this.keys.claim(em, ownerId, claim))) return rollback('taken' as const);
        const answer = await work(em);
        await this.keys.complete(em, ownerId, claim.key, { body: answer });
        return { answer };
      });
      if (answered !== 'taken') return done(answered.answer);
      const taken = await this.keys.resolveTaken(ownerId, claim);
      if (taken.kind === 'free') return again(inProgress);
      reply.header('Idempotent-Replayed', 'true');
      return done(JSON.parse(taken.first.responseBody ?? 'null') as T);
    });
  }
}

/** The ids of the request, for the ledger entries it writes. */
export function requestIdsOf(context: IdempotencyContext): { requestId: string; clientRequestId: string | null } {
  return { requestId: context.requestId, clientRequestId: context.clientRequestId };
}

/** Documents the Idempotency-Key header of a route served through IdempotentWrites. */
export function IdempotentApi(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Makes a retry safe (per admin, 24 hours): the same key replays the first answer (header `Idempotent-Replayed: true`) and changes nothing more. ' +
        'A request that failed (e.g. a 402 deduct) leaves the key unused.',
    }),
    ApiResponse(
      errorResponse(
        409,
        'IDEMPOTENCY_KEY_REUSED: the key was used with another request; IDEMPOTENCY_IN_PROGRESS: the first request with the key is still running',
        ERROR_CASES.keyReused,
        ERROR_CASES.keyInProgress,
      ),
    ),
  );
}
