import { Injectable, Logger } from '@nestjs/common';
import { ChargeAnswers } from '../http/charge-answers.js';
import type { IdempotencyContext } from '../idempotency/idempotent-writes.js';
import type { LedgerMetadata } from '../entities/token-ledger-entry.entity.js';
import { type Charge, type Hold, type HoldRequest, TokenLedger } from '../ledger/token-ledger.js';

/** What held work came to: its actual price, and what its `usage` entry records beside it (e.g. a model and its token counts). */
export interface HeldUsage {
  price: number;
  metadata?: LedgerMetadata;
}

/** Who pays for held work, the ledger's action for it, and the most it can cost (held before it runs). */
export interface HoldTerms {
  payerId: string;
  action: string;
  amount: number;
}

/**
 * What work that did not finish owes, given why (undefined when a stream's consumer stopped early):
 * a usage to charge (a broken stream's output so far; a prompt an upstream bills though the client
 * left), or null to give the hold back in full.
 */
export type UnfinishedUsage = (error: unknown) => HeldUsage | null | Promise<HeldUsage | null>;

/** What a held stream yields: the work's pieces, then the charge it was settled at. */
export type HeldStreamEvent<C> = { kind: 'chunk'; chunk: C } | { kind: 'settled'; charge: Charge };

/** The request's ids, which the ledger entries carry (the @Idempotency() parameter has them). */
export type RequestIds = Pick<IdempotencyContext, 'requestId' | 'clientRequestId' | 'limitId'>;

/**
 * Work metered by its actual usage (an AI completion: its price is known once the model answered):
 * the most it can cost is held first (402 when the balance is short, and the work does not run), the
 * work runs, then the hold is settled at the actual price (above the hold: what the balance covers,
 * the rest owed). Work that fails owes what the host says (`UnfinishedUsage`), by default nothing: the
 * hold is released. Answers, headers and replays are the fixed-price routes' own (ChargeAnswers).
 */
@Injectable()
export class TokenHolds {
  private readonly logger = new Logger('TokenHolds');
  private readonly answers: ChargeAnswers;

  constructor(private readonly ledger: TokenLedger) {
    this.answers = new ChargeAnswers(ledger);
  }

  /**
   * Work answered whole. Holds, runs `work`, settles the usage it returns, keeps its answer for the
   * request's Idempotency-Key and writes `X-Tokens-Charged` / `X-Tokens-Remaining` on `request.reply`;
   * resolves to the answer. A key that finished before resolves to its first answer
   * (`Idempotent-Replayed: true`) and runs nothing. When `work` throws, what `unfinished` says is
   * charged (the key closed: a retry is refused, not run again) or the hold released (the key freed),
   * and the error is rethrown.
   */
  async run<T>(
    request: IdempotencyContext,
    terms: HoldTerms,
    work: () => Promise<{ answer: T; usage: HeldUsage }>,
    unfinished: UnfinishedUsage = () => null,
  ): Promise<T> {
    const hold = await this.ledger.hold({ ...holdRequestOf(request, terms), ...(request.claim && { idempotency: request.claim }) });
    if (hold.kind === 'replay') return this.answers.replay(request.reply, hold) as T;
    let done: { answer: T; usage: HeldUsage };
    try {
      done = await work();
    } catch (error) {
      await this.end(hold, () => unfinished(error));
      throw error;
    }
    const charge = await this.settle(hold, done.usage);
    await this.answers.answered(request.reply, charge, done.answer);
    return done.answer;
  }

  /**
   * Streamed work (no Idempotency-Key: a stream has no answer to keep). Holds before the first piece,
   * yields what `chunks` yields, and once it ended settles `usage()` and yields the charge last. When
   * the pieces fail, or the consumer stops early (its client left), what `unfinished` says is charged
   * (the output so far) or the hold released.
   */
  async *stream<C>(
    request: RequestIds,
    terms: HoldTerms,
    chunks: () => AsyncIterable<C>,
    usage: () => Promise<HeldUsage>,
    unfinished: UnfinishedUsage = () => null,
  ): AsyncGenerator<HeldStreamEvent<C>> {
    // Without an Idempotency-Key a hold is never a replay.
    const hold = (await this.ledger.hold(holdRequestOf(request, terms))) as Hold;
    let settled = false;
    let failure: unknown;
    try {
      for await (const chunk of chunks()) yield { kind: 'chunk', chunk };
      const used = await usage();
      // From here the ledger closes the hold: settled now, or later when the database cannot take it now.
      settled = true;
      yield { kind: 'settled', charge: await this.settle(hold, used) };
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      if (!settled) await this.end(hold, () => unfinished(failure));
    }
  }

  /** The hold given back and the actual price charged, whatever the work reports: above the hold, what the balance lacks is owed. */
  private settle(hold: Hold, { price, metadata }: HeldUsage): Promise<Charge> {
    if (price > hold.amount) this.logger.warn(`${hold.action} ${hold.requestId} cost ${price}, more than its hold of ${hold.amount}`);
    return this.ledger.settleHold(hold, price, metadata ?? {});
  }

  /**
   * Work that did not finish: charged what it owes (its key closed without an answer) or released in
   * full. Never throws: a hold it could not close stays open and expires (released in full).
   */
  private async end(hold: Hold, owed: () => HeldUsage | null | Promise<HeldUsage | null>): Promise<void> {
    try {
      const usage = await owed();
      if (usage) await this.answers.closeWithoutAnswer(await this.settle(hold, usage));
      else await this.ledger.releaseHold(hold);
    } catch (error) {
      this.logger.error(`hold of ${hold.action} ${hold.requestId} not closed (it expires): ${(error as Error).message}`);
    }
  }
}

function holdRequestOf(request: RequestIds, { payerId, action, amount }: HoldTerms): HoldRequest {
  const { requestId, clientRequestId, limitId } = request;
  return { payerId, action, amount, requestId, clientRequestId, ...(limitId && { limitId }) };
}
