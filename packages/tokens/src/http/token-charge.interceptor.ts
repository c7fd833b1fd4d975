import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { catchError, concatMap, from, map, Observable, of, throwError } from 'rxjs';
import { ChargeAnswers } from './charge-answers.js';
import type { HeaderWriter } from './request-id.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from '../tokens-module-options.js';
import { errorCodeOf } from '../tokens.errors.js';
import type { MeteredRequest } from './token.guard.js';
import { Charge, TokenLedger } from '../ledger/token-ledger.js';

/**
 * Settles what the TokenGuard charged: on success reports the charge in headers (and keeps the
 * answer for idempotent replays, see ChargeAnswers); on failure of the handler writes the
 * compensating refund and rethrows.
 */
@Injectable()
export class TokenChargeInterceptor implements NestInterceptor {
  private readonly logger = new Logger('TokenSettlement');
  private readonly answers: ChargeAnswers;

  constructor(
    private readonly ledger: TokenLedger,
    @Inject(TOKENS_MODULE_OPTIONS) private readonly options: TokensModuleOptions,
  ) {
    this.answers = new ChargeAnswers(ledger);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const charge = http.getRequest<MeteredRequest>().tokenCharge;
    if (!charge) return next.handle();
    const reply = http.getResponse<HeaderWriter>();
    if (charge.kind === 'replay') return of(this.answers.replay(reply, charge));

    return next.handle().pipe(
      // Only a failure of the handler refunds: once it succeeded, the work is done and stays charged.
      catchError((error: unknown) => from(this.refund(charge, error)).pipe(concatMap(() => throwError(() => error)))),
      concatMap((body: unknown) => from(this.answers.answered(reply, charge, body)).pipe(map(() => body))),
    );
  }

  private async refund(charge: Charge, error: unknown): Promise<void> {
    // The entry gets the error's stable code; its message (which may be an internal one) only reaches the log.
    const reason = {
      code: (this.options.errorCodeOf ?? errorCodeOf)(error),
      message: error instanceof Error ? error.message.slice(0, 500) : String(error),
    };
    try {
      await this.ledger.refund(charge, reason);
    } catch (refundError) {
      // The ledger retries a refund the database could not take; any other failure needs a person.
      this.logger.error(
        JSON.stringify({
          event: 'refund_failed',
          payerId: charge.payerId,
          action: charge.action,
          amount: charge.price,
          requestId: charge.requestId,
          error: String(refundError),
        }),
      );
    }
  }
}
