import { type RefusalReason, TokensErrorCode } from '@token-metering/tokens';
import { ErrorCode } from './app-error.js';

/**
 * The tokens module's own terms, in this app's words: a payer the account policy has no opening
 * terms for is, here, a user without an active subscription.
 */
const ERROR_CODES: Partial<Record<string, { code: ErrorCode; message: string }>> = {
  [TokensErrorCode.NO_OPENING_TERMS]: {
    code: ErrorCode.NO_ACTIVE_SUBSCRIPTION,
    message: 'No token account and no active subscription to seed one from; the request was not served',
  },
};

/** The tokens module's spend limits are, here, the spending limits of API keys. */
function keyLimitTerms(code: string, details: Record<string, unknown>): { code: string; message: string } | undefined {
  if (code !== String(TokensErrorCode.SPEND_LIMIT_REACHED)) return undefined;
  const { limit, spent, required } = details;
  return {
    code: ErrorCode.KEY_LIMIT_REACHED,
    message: `This API key's spending limit is reached: this request costs ${String(required)}, ${String(spent)} of its limit of ${String(limit)} are spent`,
  };
}

const REFUSAL_REASONS: Partial<Record<RefusalReason, string>> = { no_opening_terms: 'no_active_subscription' };

/** The code and message this app answers for a tokens module error code. */
export function appTermsOf(code: string, message: string, details: Record<string, unknown> = {}): { code: string; message: string } {
  return ERROR_CODES[code] ?? keyLimitTerms(code, details) ?? { code, message };
}

/** A refusal reason as this app's metrics and logs name it. */
export function appRefusalReason(reason: RefusalReason): string {
  return REFUSAL_REASONS[reason] ?? reason;
}
