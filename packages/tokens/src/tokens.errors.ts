import { HttpException, HttpStatus } from '@nestjs/common';

/** The tokens module's error codes: stable, part of the HTTP contract (clients switch on them). */
export enum TokensErrorCode {
  INSUFFICIENT_TOKENS = 'INSUFFICIENT_TOKENS',
  NO_OPENING_TERMS = 'NO_OPENING_TERMS',
  LEDGER_UNAVAILABLE = 'LEDGER_UNAVAILABLE',
  IDEMPOTENCY_IN_PROGRESS = 'IDEMPOTENCY_IN_PROGRESS',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  IDEMPOTENCY_ANSWER_UNAVAILABLE = 'IDEMPOTENCY_ANSWER_UNAVAILABLE',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  NOT_FOUND = 'NOT_FOUND',
  HOLD_CLOSED = 'HOLD_CLOSED',
  SPEND_LIMIT_REACHED = 'SPEND_LIMIT_REACHED',
}

const STATUS: Record<TokensErrorCode, number> = {
  [TokensErrorCode.INSUFFICIENT_TOKENS]: 402,
  [TokensErrorCode.NO_OPENING_TERMS]: 402,
  [TokensErrorCode.LEDGER_UNAVAILABLE]: 503,
  [TokensErrorCode.IDEMPOTENCY_IN_PROGRESS]: 409,
  [TokensErrorCode.IDEMPOTENCY_KEY_REUSED]: 409,
  [TokensErrorCode.IDEMPOTENCY_ANSWER_UNAVAILABLE]: 409,
  [TokensErrorCode.UNAUTHENTICATED]: 401,
  [TokensErrorCode.VALIDATION_FAILED]: 400,
  [TokensErrorCode.NOT_FOUND]: 404,
  [TokensErrorCode.HOLD_CLOSED]: 409,
  [TokensErrorCode.SPEND_LIMIT_REACHED]: 402,
};

/**
 * The exception the tokens module throws on purpose: an HttpException whose body is
 * `{ statusCode, code, message, ...details }`, so a host with Nest's default filter answers it as
 * it is; a host with its own filter recognises it by `isCodedError`.
 */
export class TokensError extends HttpException {
  readonly isCodedError = true;

  constructor(
    readonly code: TokensErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super({ statusCode: STATUS[code], code, message, ...details }, STATUS[code]);
    this.name = 'TokensError';
  }

  static notFound(what: string): TokensError {
    return new TokensError(TokensErrorCode.NOT_FOUND, `${what} not found`);
  }
}

/** The stable code a refund entry records for a failed handler: the error's own `code`, else its HTTP status's name. */
export function errorCodeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code)) return code;
  if (error instanceof HttpException) return HttpStatus[error.getStatus()] ?? `HTTP_${error.getStatus()}`;
  return 'INTERNAL_ERROR';
}
