import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { catchError, concatMap, from, map, Observable, of, throwError } from 'rxjs';
import { ChargeAnswers } from './charge-answers.js';
import type { HeaderWriter } from './request-id.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from '../tokens-module-options.js';
import type { MeteredRequest } from './token.guard.js';
import { TokenLedger } from '../ledger/token-ledger.js';

/**
 * Settles what the TokenGuard charged: on success reports the charge in headers (and keeps the
 * answer for idempotent replays, see ChargeAnswers); on failure of the handler writes the
 * compensating refund and rethrows.
 */
@Injectable()
export class TokenChargeInterceptor implements NestInterceptor {
  private readonly answers: ChargeAnswers;

  constructor(ledger: TokenLedger, @Inject(TOKENS_MODULE_OPTIONS) options: TokensModuleOptions) {
    this.answers = new ChargeAnswers(ledger, options.errorCodeOf);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const charge = http.getRequest<MeteredRequest>().tokenCharge;
    if (!charge) return next.handle();
    const reply = http.getResponse<HeaderWriter>();
    if (charge.kind === 'replay') return of(this.answers.replay(reply, charge));

    return next.handle().pipe(
      // Only a failure of the handler refunds: once it succeeded, the work is done and stays charged.
      catchError((error: unknown) => from(this.answers.failed(charge, error)).pipe(concatMap(() => throwError(() => error)))),
      concatMap((body: unknown) => from(this.answers.answered(reply, charge, body)).pipe(map(() => body))),
    );
  }
}
