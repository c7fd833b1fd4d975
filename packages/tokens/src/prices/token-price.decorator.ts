import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiConflictResponse, ApiExtension, ApiHeader, ApiPaymentRequiredResponse, ApiResponse } from '@nestjs/swagger';
import { TokensErrorBodyDto as ErrorBodyDto } from '../http/error-body.dto.js';

export const TOKEN_PRICE_METADATA = 'tokens:price';
export const SKIP_TOKENS_METADATA = 'tokens:skip';

/**
 * How many units of the action's price a request uses (e.g. started blocks of 100 leads), from its
 * body as the handler gets it: validated and transformed into the route's @Body() DTO.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each route names its own DTO type
export type PriceUnits<TBody = any> = (body: TBody) => number;

export interface TokenPriceOptions {
  /** Price per unit; default of the action, overridable by admins per plan or user. */
  price: number;
  /** Units a request uses, from its validated body (the @Body() DTO). Default 1. */
  units?: PriceUnits;
  /** Human-readable pricing rule, shown in GET /tokens/costs and in the API docs. */
  description?: string;
}

export interface TokenPriceMetadata {
  action: string;
  price: number;
  units?: PriceUnits;
  description: string;
}

/**
 * Meters a route (or every route of a controller): the caller is charged before the handler
 * runs and refunded if it fails. `price` is a fixed price or a full pricing rule.
 *
 * @example @TokenPrice('ai_chat_message', 1)
 * @example @TokenPrice('business_collector', { price: 20, units: (body: LeadsDto) => Math.ceil(body.count / 100) })
 */
export function TokenPrice(action: string, price: number | TokenPriceOptions): MethodDecorator & ClassDecorator {
  const options = typeof price === 'number' ? { price } : price;
  const metadata: TokenPriceMetadata = {
    action,
    price: options.price,
    units: options.units,
    description: options.description ?? `${options.price} tokens per request`,
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
    ApiPaymentRequiredResponse({ description: 'INSUFFICIENT_TOKENS: balance below the cost; the work did not run', type: ErrorBodyDto }),
    ApiConflictResponse({
      description:
        'With an Idempotency-Key; nothing runs and nothing is charged. IDEMPOTENCY_KEY_REUSED: the key was used with another request. ' +
        'IDEMPOTENCY_IN_PROGRESS: the first request with the key has not finished (or its outcome could not be recorded). ' +
        'IDEMPOTENCY_ANSWER_UNAVAILABLE: the first request succeeded and was charged, but its answer was not kept',
      type: ErrorBodyDto,
    }),
  );
}

/** Exempts a route from a controller-level @TokenPrice (billing and balance routes). */
export const SkipTokens = (): MethodDecorator & ClassDecorator => SetMetadata(SKIP_TOKENS_METADATA, true);
