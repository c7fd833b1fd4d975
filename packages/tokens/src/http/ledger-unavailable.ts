import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { DatabaseUnavailable, isDatabaseUnavailable } from '@token-metering/database';
import { catchError, type Observable, throwError } from 'rxjs';
import { CannotExecuteNotConnectedError, CannotGetEntityManagerNotConnectedError, ConnectionIsNotSetError } from 'typeorm';
import { TokensError, TokensErrorCode } from '../tokens.errors.js';

/**
 * The module's answer to a database it cannot use (refused, reset or killed connections, a Galera node
 * not ready, conflicts that outlasted their retries, a pool or DataSource that is closed): 503 LEDGER_UNAVAILABLE with the contract's body, whatever filter the
 * host has. Every other error is handed back as it is.
 */
export function ledgerUnavailableOr(error: unknown): unknown {
  if (error instanceof TokensError) return error;
  const unreachable =
    isDatabaseUnavailable(error) ||
    error instanceof CannotExecuteNotConnectedError ||
    error instanceof CannotGetEntityManagerNotConnectedError ||
    error instanceof ConnectionIsNotSetError;
  if (!unreachable) return error;
  // A DatabaseUnavailable says what happened to the request (e.g. work that ran and is charged later).
  const message = error instanceof DatabaseUnavailable ? error.message : 'The token ledger is unavailable; the request was not served';
  return new TokensError(TokensErrorCode.LEDGER_UNAVAILABLE, message);
}

@Injectable()
export class LedgerUnavailableInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((error: unknown) => throwError(() => ledgerUnavailableOr(error))));
  }
}
