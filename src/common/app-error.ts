import { HttpStatus } from '@nestjs/common';

/** Stable, machine-readable error codes. Clients switch on these, so never rename one. */
export enum ErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  INSUFFICIENT_TOKENS = 'INSUFFICIENT_TOKENS',
  NO_ACTIVE_SUBSCRIPTION = 'NO_ACTIVE_SUBSCRIPTION',
  /** A charge through an API key would pass the key's spending limit in its period. */
  KEY_LIMIT_REACHED = 'KEY_LIMIT_REACHED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  EMAIL_TAKEN = 'EMAIL_TAKEN',
  IDEMPOTENCY_IN_PROGRESS = 'IDEMPOTENCY_IN_PROGRESS',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  IDEMPOTENCY_ANSWER_UNAVAILABLE = 'IDEMPOTENCY_ANSWER_UNAVAILABLE',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  TOO_MANY_REQUESTS = 'TOO_MANY_REQUESTS',
  /** The store of the rate limits (Redis) does not answer: requests that must be counted are refused. */
  RATE_LIMITS_UNAVAILABLE = 'RATE_LIMITS_UNAVAILABLE',
  LEDGER_UNAVAILABLE = 'LEDGER_UNAVAILABLE',
  /** A health check failed: the database does not answer, or is not ready (a Galera node that is not Synced). */
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  SERVICE_FAILED = 'SERVICE_FAILED',
  /** The AI upstream (LLM_BASE_URL) failed, or broke off, or the request to it was aborted. */
  UPSTREAM_FAILED = 'UPSTREAM_FAILED',
  /** No payment provider is configured: nothing can be bought. */
  PAYMENTS_UNAVAILABLE = 'PAYMENTS_UNAVAILABLE',
  /** Automatic top-up needs a card saved by a checkout made with `saveCard: true`. */
  NO_PAYMENT_METHOD = 'NO_PAYMENT_METHOD',
  INTERNAL_ERROR = 'INTERNAL_ERROR',
}

export const ERROR_STATUS: Record<ErrorCode, HttpStatus> = {
  [ErrorCode.VALIDATION_FAILED]: HttpStatus.BAD_REQUEST,
  [ErrorCode.UNAUTHENTICATED]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.INSUFFICIENT_TOKENS]: HttpStatus.PAYMENT_REQUIRED,
  [ErrorCode.NO_ACTIVE_SUBSCRIPTION]: HttpStatus.PAYMENT_REQUIRED,
  [ErrorCode.KEY_LIMIT_REACHED]: HttpStatus.PAYMENT_REQUIRED,
  [ErrorCode.FORBIDDEN]: HttpStatus.FORBIDDEN,
  [ErrorCode.NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ErrorCode.CONFLICT]: HttpStatus.CONFLICT,
  [ErrorCode.EMAIL_TAKEN]: HttpStatus.CONFLICT,
  [ErrorCode.IDEMPOTENCY_IN_PROGRESS]: HttpStatus.CONFLICT,
  [ErrorCode.IDEMPOTENCY_KEY_REUSED]: HttpStatus.CONFLICT,
  [ErrorCode.IDEMPOTENCY_ANSWER_UNAVAILABLE]: HttpStatus.CONFLICT,
  [ErrorCode.PAYLOAD_TOO_LARGE]: HttpStatus.PAYLOAD_TOO_LARGE,
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  [ErrorCode.TOO_MANY_REQUESTS]: HttpStatus.TOO_MANY_REQUESTS,
  [ErrorCode.RATE_LIMITS_UNAVAILABLE]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.LEDGER_UNAVAILABLE]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.SERVICE_UNAVAILABLE]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.SERVICE_FAILED]: HttpStatus.BAD_GATEWAY,
  [ErrorCode.UPSTREAM_FAILED]: HttpStatus.BAD_GATEWAY,
  [ErrorCode.PAYMENTS_UNAVAILABLE]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.NO_PAYMENT_METHOD]: HttpStatus.CONFLICT,
  [ErrorCode.INTERNAL_ERROR]: HttpStatus.INTERNAL_SERVER_ERROR,
};

/**
 * The one exception type the application throws on purpose. The global filter turns it into
 * `{ statusCode, code, message, ...details }`.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): HttpStatus {
    return ERROR_STATUS[this.code];
  }

  static notFound(what: string): AppError {
    return new AppError(ErrorCode.NOT_FOUND, `${what} not found`);
  }
}
