import { TokensError, TokensErrorCode } from '@token-metering/tokens';
import { AppError, ErrorCode } from '../common/app-error.js';
import { affordableOutputOf, maxPriceOf, type ModelPricing } from './pricing.js';

/** What the output limit of a completion depends on. */
export interface LimitTerms {
  model: ModelPricing;
  choices: number;
  /** Estimated prompt tokens. */
  promptTokens: number;
  /** The limit the request named (capped at the model's), or null: then the model's default, which a short balance may lower. */
  requestedLimit: number | null;
}

/** Holds refused after a lowered limit that are tried again, each from the balance the refusal saw. */
const MAX_LOWERINGS = 2;

/** The balance a refused hold saw (the ledger's 402 carries it), or null when `error` is no such refusal. */
function refusedBalanceOf(error: unknown): number | null {
  if (!(error instanceof TokensError) || error.code !== TokensErrorCode.INSUFFICIENT_TOKENS) return null;
  const balance = error.details.balance;
  return typeof balance === 'number' && Number.isSafeInteger(balance) ? balance : null;
}

/**
 * The output limit a completion runs with. A request that names a limit runs with it (capped at the
 * model's) or is 402. One that names none starts from the model's `maxOutputTokens`; when the balance
 * cannot hold that, the limit is lowered to what the balance affords, down to `minOutputTokens`
 * (below it: 402). The hold stays the guard: a lowered limit is held like any other, and a hold
 * refused again (the balance moved meanwhile) is lowered once more from the balance that refusal
 * saw, or 402.
 */
export class OutputLimits {
  constructor(private readonly minOutputTokens: number) {}

  /**
   * Runs `attempt` with the limit to hold. `attempt` calls `started` once its hold was taken: a 402
   * after that is not the hold's and is not retried.
   */
  async hold<T>(prepared: LimitTerms, attempt: (limit: number, started: () => void) => Promise<T>): Promise<T> {
    let limit = prepared.requestedLimit ?? prepared.model.maxOutputTokens;
    for (let lowered = 0; ; lowered++) {
      let started = false;
      try {
        return await attempt(limit, () => (started = true));
      } catch (error) {
        const balance = refusedBalanceOf(error);
        if (started || balance === null || prepared.requestedLimit !== null || lowered === MAX_LOWERINGS) throw error;
        limit = this.lowered(prepared, balance, limit);
      }
    }
  }

  /** The limit `balance` affords, below `limit`; 402 when it is under the least limit a completion runs with. */
  private lowered({ model, promptTokens, choices }: LimitTerms, balance: number, limit: number): number {
    const least = Math.min(this.minOutputTokens, model.maxOutputTokens);
    const affordable = Math.min(affordableOutputOf(model, promptTokens, choices, balance), limit - 1);
    if (affordable >= least) return affordable;
    const required = maxPriceOf(model, promptTokens, least * choices);
    throw new AppError(
      ErrorCode.INSUFFICIENT_TOKENS,
      `Insufficient tokens: the prompt and the least output limit (${least} tokens) cost ${required}, the balance is ${balance}`,
      { balance, required },
    );
  }
}
