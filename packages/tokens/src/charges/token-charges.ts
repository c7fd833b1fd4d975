import { Inject, Injectable } from '@nestjs/common';
import { ChargeAnswers } from '../http/charge-answers.js';
import type { IdempotencyContext } from '../idempotency/idempotent-writes.js';
import type { LedgerMetadata } from '../entities/token-ledger-entry.entity.js';
import { TokenLedger } from '../ledger/token-ledger.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from '../tokens-module-options.js';

/** Who pays for a charge, the ledger's action, the price, and what its `usage` entry records beside it. */
export interface ChargeTerms {
  payerId: string;
  action: string;
  price: number;
  metadata?: LedgerMetadata;
}

/**
 * Work whose price the host computes itself before it runs (from the request and its own data, e.g.
 * an input's token count at a model's price), charged like a @TokenPrice route: the charge first
 * (402 when the balance is short, and the work does not run), a refund when the work fails, the
 * answer kept for the request's Idempotency-Key and reported in `X-Tokens-Charged` /
 * `X-Tokens-Remaining`; a key that finished before replays its first answer and runs nothing.
 */
@Injectable()
export class TokenCharges {
  private readonly answers: ChargeAnswers;

  constructor(
    private readonly ledger: TokenLedger,
    @Inject(TOKENS_MODULE_OPTIONS) options: TokensModuleOptions,
  ) {
    this.answers = new ChargeAnswers(ledger, options.errorCodeOf);
  }

  /** Charges `terms`, runs `work` and resolves to its answer; when `work` throws, the charge is refunded and the error rethrown. */
  async run<T>(request: IdempotencyContext, terms: ChargeTerms, work: () => Promise<T>): Promise<T> {
    const { payerId, action, price, metadata } = terms;
    const charged = await this.ledger.charge({
      payerId,
      action,
      price,
      requestId: request.requestId,
      clientRequestId: request.clientRequestId,
      ...(request.claim && { idempotency: request.claim }),
      ...(metadata && { metadata }),
      ...(request.limitId && { limitId: request.limitId }),
    });
    if (charged.kind === 'replay') return this.answers.replay(request.reply, charged) as T;
    // Only a charge priced at a given revision can be `price_changed`; this one has none.
    if (charged.kind !== 'charged') throw new Error(`unexpected charge outcome ${charged.kind}`);
    let answer: T;
    try {
      answer = await work();
    } catch (error) {
      await this.answers.failed(charged, error);
      throw error;
    }
    await this.answers.answered(request.reply, charged, answer);
    return answer;
  }
}
