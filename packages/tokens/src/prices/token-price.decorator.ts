import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension, ApiHeader, ApiResponse } from '@nestjs/swagger';
import { ERROR_CASES, errorResponse } from '../http/error-body.dto.js';

export const TOKEN_PRICE_METADATA = 'tokens:price';
export const SKIP_TOKENS_METADATA = 'tokens:skip';

/**
 * How many units of the action's price a request uses (e.g. started blocks of 100 leads), from its
 * body as the handler gets it: validated and transformed into the route's @Body() DTO.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each route names its own DTO type
export type PriceUnits<TBody = any> = (body: TBody) => number;

/** The pricing rule in words for a price per unit, e.g. `(price) => `${tokenAmount(price)} per started 100 leads``. */
export type PriceDescription = (price: number) => string;

export interface TokenPriceOptions {
  /** Price per unit; default of the action, overridable by admins per plan or user. */
  price: number;
  /** Units a request uses, from its validated body (the @Body() DTO). Default 1. */
  units?: PriceUnits;
  /**
   * Human-readable pricing rule, shown in GET /tokens/costs (at the caller's price) and in the API
   * docs (at the default). A function of the price stays right when an override changes the price;
   * a fixed text is shown as it is. Default: "1 token per request", "7 tokens per request".
   */
  description?: string | PriceDescription;
}

export interface TokenPriceMetadata {
  action: string;
  price: number;
  units?: PriceUnits;
  /** The rule at the default price. */
  description: string;
  /** The rule at a given price (an override's). */
  describe: PriceDescription;
}

/** "1 token", "7 tokens", "1,500 tokens". */
export function tokenAmount(tokens: number): string {
  return `${tokens.toLocaleString('en-US')} ${tokens === 1 ? 'token' : 'tokens'}`;
}

const perRequest: PriceDescription = (price) => `${tokenAmount(price)} per request`;

/**
 * Meters a route (or every route of a controller): the caller is charged before the handler
 * runs and refunded if it fails. `price` is a fixed price or a full pricing rule.
 *
 * @example @TokenPrice('ai_chat_message', 1)
 * @example @TokenPrice('business_collector', { price: 20, units: (body: LeadsDto) => Math.ceil(body.count / 100) })
 */
export function TokenPrice(action: string, price: number | TokenPriceOptions): MethodDecorator & ClassDecorator {
  const options = typeof price === 'number' ? { price } : price;
  const given = options.description;
  const describe = typeof given === 'string' ? () => given : (given ?? perRequest);
  const metadata: TokenPriceMetadata = {
    action,
    price: options.price,
    units: options.units,
    description: describe(options.price),
    describe,
  };
  return applyDecorators(
    SetMetadata(TOKEN_PRICE_METADATA, metadata),
    ApiExtension('x-token-cost', { action, price: options.price, description: metadata.description }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Repeating a key within 24 hours replays the first answer (header `Idempotent-Replayed: true`) and charges nothing more. ' +
        'If the work succeeded but its answer could not be stored, the first caller still gets it; a retry with the key is ' +
        '409 IDEMPOTENCY_ANSWER_UNAVAILABLE and neither runs nor charges again (send a new key to run it again)',
    }),
    ApiResponse({
      status: 201,
      description: `Done and charged. Token cost (action \`${action}\`): ${metadata.description}.`,
      headers: {
        'X-Tokens-Charged': { description: 'Tokens charged for this request', schema: { type: 'integer' } },
        'X-Tokens-Remaining': { description: 'Balance after the charge', schema: { type: 'integer' } },
      },
    }),
    ApiResponse(
      errorResponse(
        400,
        'VALIDATION_FAILED: the body (or the Idempotency-Key) is not valid; nothing is charged',
        ERROR_CASES.validationFailed,
      ),
    ),
    ApiResponse(
      errorResponse(
        402,
        'INSUFFICIENT_TOKENS: balance below the cost; or the spend limit the caller spends through (the host’s `spendLimitOf`) would be passed; the work did not run',
        ERROR_CASES.insufficientTokens,
        ERROR_CASES.spendLimitReached,
      ),
    ),
    ApiResponse(
      errorResponse(
        409,
        'With an Idempotency-Key; nothing runs and nothing is charged. IDEMPOTENCY_KEY_REUSED: the key was used with another request. ' +
          'IDEMPOTENCY_IN_PROGRESS: the first request with the key has not finished (or its outcome could not be recorded). ' +
          'IDEMPOTENCY_ANSWER_UNAVAILABLE: the first request succeeded and was charged, but its answer was not kept',
        ERROR_CASES.keyReused,
        ERROR_CASES.keyInProgress,
        ERROR_CASES.answerUnavailable,
      ),
    ),
    ApiResponse(
      errorResponse(
        415,
        "UNSUPPORTED_MEDIA_TYPE: the body is not JSON; refused by the host (Fastify's parser, or the host's own check) before anything is charged",
        ERROR_CASES.unsupportedMediaType,
      ),
    ),
    ApiResponse(
      errorResponse(
        503,
        'LEDGER_UNAVAILABLE: the database cannot be reached; nothing was charged and the work did not run (retry later)',
        ERROR_CASES.ledgerUnavailable,
      ),
    ),
  );
}

/** Exempts a route from a controller-level @TokenPrice (billing and balance routes). */
export const SkipTokens = (): MethodDecorator & ClassDecorator => SetMetadata(SKIP_TOKENS_METADATA, true);
