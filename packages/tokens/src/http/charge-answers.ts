import { Logger } from '@nestjs/common';
import type { HeaderWriter } from './request-id.js';
import { type Charge, type Replay, TokenLedger } from '../ledger/token-ledger.js';
import { errorCodeOf } from '../tokens.errors.js';

/**
 * The answer of a charged request, the same for fixed prices (TokenChargeInterceptor) and held work
 * (TokenHolds): the charge reported in `X-Tokens-Charged` / `X-Tokens-Remaining`, the answer kept
 * for its Idempotency-Key, and the first answer of a key that finished replayed
 * (`Idempotent-Replayed: true`). Headers go through HeaderWriter, so any HTTP platform works. Each of
 * them makes its own from the ledger it is given.
 */
export class ChargeAnswers {
  private readonly logger = new Logger('TokenSettlement');

  constructor(
    private readonly ledger: TokenLedger,
    private readonly codeOf: (error: unknown) => string = errorCodeOf,
  ) {}

  /** Writes the headers of a replay and returns the first answer's body. */
  replay(reply: HeaderWriter, replay: Replay): unknown {
    reply.header('Idempotent-Replayed', 'true');
    this.report(reply, replay.tokensCharged, replay.tokensRemaining);
    return JSON.parse(replay.responseBody ?? 'null') as unknown;
  }

  /** A charged request that succeeded: its answer kept for replays (never throws), then its charge reported. */
  async answered(reply: HeaderWriter, charge: Charge, body: unknown): Promise<void> {
    await this.keepAnswer(charge, body);
    this.report(reply, charge.price, charge.balanceAfter);
  }

  /**
   * Closes the key of a charged request that has no answer to keep: a retry is refused, never run or
   * charged again. Never throws: when it fails, the key stays in progress until it expires.
   */
  async closeWithoutAnswer(charge: Charge): Promise<void> {
    if (!charge.idempotencyKey) return;
    try {
      await this.ledger.completeWithoutAnswer(charge);
    } catch (error) {
      this.logStorageFailure('idempotency_key_left_in_progress', charge, error);
    }
  }

  /**
   * Stores the answer for replays. Never throws: the caller gets its answer either way. When it
   * cannot be stored the key is closed without it; when even that fails, the key stays in
   * progress until it expires. In both cases a retry neither runs nor charges again.
   */
  private async keepAnswer(charge: Charge, body: unknown): Promise<void> {
    if (!charge.idempotencyKey) return;
    try {
      await this.ledger.completeIdempotent(charge, body);
      return;
    } catch (error) {
      this.logStorageFailure('idempotent_answer_not_stored', charge, error);
    }
    await this.closeWithoutAnswer(charge);
  }

  /**
   * A charged request whose work failed: the compensating refund, whose entry gets the error's stable
   * code (its message, which may be an internal one, only reaches the log). Never throws: the ledger
   * retries a refund the database could not take; any other failure is logged for a person.
   */
  async failed(charge: Charge, error: unknown): Promise<void> {
    const reason = { code: this.codeOf(error), message: error instanceof Error ? error.message.slice(0, 500) : String(error) };
    try {
      await this.ledger.refund(charge, reason);
    } catch (refundError) {
      const { payerId, action, price: amount, requestId } = charge;
      this.logger.error(JSON.stringify({ event: 'refund_failed', payerId, action, amount, requestId, error: String(refundError) }));
    }
  }

  private report(reply: HeaderWriter, charged: number, remaining: number): void {
    reply.header('X-Tokens-Charged', String(charged));
    reply.header('X-Tokens-Remaining', String(remaining));
  }

  private logStorageFailure(event: string, charge: Charge, error: unknown): void {
    const { payerId, action, requestId, idempotencyKey } = charge;
    this.logger.error(JSON.stringify({ event, payerId, action, requestId, idempotencyKey, error: String(error).slice(0, 500) }));
  }
}
