/** The tokens module's error codes: stable, part of the HTTP contract (clients switch on them). */
export enum TokensErrorCode {
  INSUFFICIENT_TOKENS = 'INSUFFICIENT_TOKENS',
  NO_ACTIVE_SUBSCRIPTION = 'NO_ACTIVE_SUBSCRIPTION',
  LEDGER_UNAVAILABLE = 'LEDGER_UNAVAILABLE',
  IDEMPOTENCY_IN_PROGRESS = 'IDEMPOTENCY_IN_PROGRESS',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  IDEMPOTENCY_ANSWER_UNAVAILABLE = 'IDEMPOTENCY_ANSWER_UNAVAILABLE',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  NOT_FOUND = 'NOT_FOUND',
  HOLD_CLOSED = 'HOLD_CLOSED',
}

const STATUS: Record<TokensErrorCode, number> = {
  [TokensErrorCode.INSUFFICIENT_TOKENS]: 402,
  [TokensErrorCode.NO_ACTIVE_SUBSCRIPTION]: 402,
  [TokensErrorCode.LEDGER_UNAVAILABLE]: 503,
  [TokensErrorCode.IDEMPOTENCY_IN_PROGRESS]: 409,
  [TokensErrorCode.IDEMPOTENCY_KEY_REUSED]: 409,
  [TokensErrorCode.IDEMPOTENCY_ANSWER_UNAVAILABLE]: 409,
  [TokensErrorCode.UNAUTHENTICATED]: 401,
  [TokensErrorCode.VALIDATION_FAILED]: 400,
  [TokensErrorCode.NOT_FOUND]: 404,
  [TokensErrorCode.HOLD_CLOSED]: 409,
};

/**
 * The exception the tokens module throws on purpose. The host's exception filter turns it into its
 * error body: `{ statusCode: status, code, message, ...details }` (it is recognised by `isCodedError`).
 */
export class TokensError extends Error {
  readonly isCodedError = true;

  constructor(
    readonly code: TokensErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'TokensError';
  }

  get status(): number {
    return STATUS[this.code];
  }

  static notFound(what: string): TokensError {
    return new TokensError(TokensErrorCode.NOT_FOUND, `${what} not found`);
  }
}
