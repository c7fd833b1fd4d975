import { ApiError } from './api/client';
import { formatTokens } from './format';
import { strings } from './strings';

/** A change the page itself refuses before calling the API (a form's own check): its message is the sentence. */
export class Refusal extends Error {}

/** The sentence a reader sees for a failed call (402 and 429 included), and the fields to fix on a 400. */
export function describeError(error: unknown): { text: string; fields: string[] } {
  const t = strings.errors;
  if (error instanceof Refusal) return { text: error.message, fields: [] };
  if (!(error instanceof ApiError)) return { text: t.network, fields: [] };
  const body = error.body;
  switch (error.status) {
    case 400: {
      const details = Array.isArray(body.details) ? (body.details as { field: string; errors: string[] }[]) : [];
      return { text: details.length > 0 ? t.validation : error.message, fields: details.map((d) => `${d.field}: ${d.errors.join(', ')}`) };
    }
    case 401:
      return { text: t.sessionEnded, fields: [] };
    case 402:
      if (typeof body.required === 'number' && typeof body.balance === 'number') {
        return { text: t.insufficient(formatTokens(body.required), formatTokens(body.balance)), fields: [] };
      }
      return { text: error.message, fields: [] };
    case 403:
      return { text: t.forbidden, fields: [] };
    case 404:
      return { text: t.notFound, fields: [] };
    case 429:
      return { text: error.retryAfter ? t.tooMany(formatTokens(error.retryAfter)) : t.tooManySoon, fields: [] };
    case 503:
      return { text: error.code === 'PAYMENTS_UNAVAILABLE' ? t.paymentsUnavailable : t.unavailable, fields: [] };
    default:
      return { text: t.unknown(error.message), fields: [] };
  }
}
