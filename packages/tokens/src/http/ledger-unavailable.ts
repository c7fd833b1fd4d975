import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { isDatabaseUnavailable } from '@token-metering/database';
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
  return unreachable
    ? new TokensError(TokensErrorCode.LEDGER_UNAVAILABLE, 'The token ledger is unavailable; the request was not served')
    : error;
}

@Injectable()
export class LedgerUnavailableInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((error: unknown) => throwError(() => ledgerUnavailableOr(error))));
  }
}
