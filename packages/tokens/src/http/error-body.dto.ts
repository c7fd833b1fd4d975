import { ApiProperty, ApiPropertyOptional, type ApiResponseOptions } from '@nestjs/swagger';
import { TokensErrorCode } from '../tokens.errors.js';

/** The body of the tokens module's error answers (402, 409, 503, ...), as TokensError gives it. */
export class TokensErrorBodyDto {
  @ApiProperty({ example: 402 })
  statusCode: number;

  @ApiProperty({
    example: TokensErrorCode.INSUFFICIENT_TOKENS,
    description: `Stable code: one of the module's (${Object.values(TokensErrorCode).join(', ')}), or the host's for what its own guards and parsers refuse (e.g. FORBIDDEN)`,
  })
  code: string;

  @ApiProperty({ example: 'Insufficient tokens: this request costs 300, the balance is 12' })
  message: string;

  @ApiPropertyOptional({ description: 'Current balance, on INSUFFICIENT_TOKENS' })
  balance?: number;

  @ApiPropertyOptional({ description: 'Tokens the request needs, on INSUFFICIENT_TOKENS' })
  required?: number;
}

/** One code an error answer may carry: the code, a message as the module words it, and its details. */
export type ErrorCase = [code: string, message: string, details?: Record<string, unknown>];

/**
 * Swagger options of an error answer, with an example body for each code it may carry, all with
 * this status: every status shows its own body, not the schema's 402.
 */
export function errorResponse(status: number, description: string, ...cases: ErrorCase[]): ApiResponseOptions {
  const bodies = cases.map(([code, message, details]) => ({ statusCode: status, code, message, ...details }));
  const examples =
    bodies.length === 1
      ? { example: bodies[0] }
      : { examples: Object.fromEntries(bodies.map((body) => [body.code, { summary: body.code, value: body }])) };
  return { status, description, type: TokensErrorBodyDto, ...examples };
}

/** The codes of the answers every metered or admin route may give, as the module words them. */
export const ERROR_CASES = {
  validationFailed: [
    TokensErrorCode.VALIDATION_FAILED,
    'Validation failed: text',
    { details: [{ field: 'text', errors: ['text must be a string'] }] },
  ],
  unsupportedMediaType: ['UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json'],
  ledgerUnavailable: [TokensErrorCode.LEDGER_UNAVAILABLE, 'The token ledger is unavailable; the request was not served'],
  insufficientTokens: [
    TokensErrorCode.INSUFFICIENT_TOKENS,
    'Insufficient tokens: this request costs 300, the balance is 12',
    { balance: 12, required: 300 },
  ],
  spendLimitReached: [
    TokensErrorCode.SPEND_LIMIT_REACHED,
    'Spend limit reached: this request costs 5, 98 of the limit of 100 is spent',
    { limit: 100, spent: 98, required: 5, resetsAt: '2026-11-22T00:00:00.000Z' },
  ],
  keyReused: [TokensErrorCode.IDEMPOTENCY_KEY_REUSED, 'This Idempotency-Key was used with a different request'],
  keyInProgress: [TokensErrorCode.IDEMPOTENCY_IN_PROGRESS, 'A request with this Idempotency-Key is in progress'],
  answerUnavailable: [
    TokensErrorCode.IDEMPOTENCY_ANSWER_UNAVAILABLE,
    'The request with this Idempotency-Key succeeded and was charged, but its answer could not be kept; it is not run or charged again. Use a new key to run it again',
  ],
} satisfies Record<string, ErrorCase>;
