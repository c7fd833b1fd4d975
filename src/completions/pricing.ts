/** What a completion costs on a model: this service's tokens per 1,000 model tokens, and the output cap. */
export interface ModelPricing {
  /** Tokens per 1,000 prompt (input) tokens. */
  inputPer1k: number;
  /** Tokens per 1,000 completion (output) tokens. */
  outputPer1k: number;
  /** The most completion tokens one request may ask for (and the default limit). */
  maxOutputTokens: number;
}

/** Highest price per 1,000 model tokens an admin may set; keeps every real price far inside Number.MAX_SAFE_INTEGER. */
export const MAX_PRICE_PER_1K = 1_000_000_000;
/** Highest `maxOutputTokens` of a model. */
export const MAX_OUTPUT_TOKENS_LIMIT = 1_000_000;

function count(name: string, value: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative safe integer, got ${value}`);
  return BigInt(value);
}

/**
 * The price of a completion in this service's tokens:
 * `ceil((promptTokens * inputPer1k + completionTokens * outputPer1k) / 1000)`.
 * Computed exactly (BigInt); throws a RangeError for a negative or non-integer count or price, or a
 * price beyond Number.MAX_SAFE_INTEGER (far beyond any balance).
 */
export function priceOf(model: Pick<ModelPricing, 'inputPer1k' | 'outputPer1k'>, promptTokens: number, completionTokens: number): number {
  const milli =
    count('promptTokens', promptTokens) * count('inputPer1k', model.inputPer1k) +
    count('completionTokens', completionTokens) * count('outputPer1k', model.outputPer1k);
  const price = (milli + 999n) / 1000n;
  if (price > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`the price ${price} exceeds Number.MAX_SAFE_INTEGER`);
  return Number(price);
}

/**
 * The most a completion can cost: its prompt tokens and `maxOutputTokens` completion tokens (what a
 * request holds before the upstream is called). A completion's actual price never exceeds it as long
 * as it reports no more prompt tokens than estimated and no more completion tokens than its limit.
 */
export function maxPriceOf(model: Pick<ModelPricing, 'inputPer1k' | 'outputPer1k'>, promptTokens: number, maxOutputTokens: number): number {
  return priceOf(model, promptTokens, maxOutputTokens);
}

/**
 * The completion limit of a request: what it asked for (`max_tokens` / `max_completion_tokens`),
 * capped at the model's `maxOutputTokens`, which is also the default.
 */
export function outputLimitOf(model: Pick<ModelPricing, 'maxOutputTokens'>, requested?: number | null): number {
  if (requested === undefined || requested === null) return model.maxOutputTokens;
  if (!Number.isSafeInteger(requested) || requested < 1)
    throw new RangeError(`the requested limit must be a positive integer, got ${requested}`);
  return Math.min(requested, model.maxOutputTokens);
}

/**
 * The largest output limit per choice whose hold fits `balance`: the most `limit` with
 * `maxPriceOf(model, promptTokens, limit * choices) <= balance`; 0 or less when not even the prompt
 * fits, Infinity when output is free.
 */
export function affordableOutputOf(
  model: Pick<ModelPricing, 'inputPer1k' | 'outputPer1k'>,
  promptTokens: number,
  choices: number,
  balance: number,
): number {
  const left = count('balance', Math.max(0, balance)) * 1000n - count('promptTokens', promptTokens) * count('inputPer1k', model.inputPer1k);
  if (left < 0n) return 0;
  const perOutputToken = count('outputPer1k', model.outputPer1k) * count('choices', choices);
  if (perOutputToken === 0n) return Number.POSITIVE_INFINITY;
  const limit = left / perOutputToken;
  return limit > BigInt(MAX_OUTPUT_TOKENS_LIMIT) ? MAX_OUTPUT_TOKENS_LIMIT : Number(limit);
}
