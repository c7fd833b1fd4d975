import type { OpenAPIObject } from '@nestjs/swagger';
import { AppError, ERROR_STATUS, ErrorCode } from './app-error.js';
import { CODE_BY_STATUS } from './error-response.js';
import { errorBodyFor } from './openai-error-body.js';

type Body = Record<string, unknown>;
type MediaType = { schema?: unknown; example?: unknown; examples?: Record<string, { summary?: string; value: unknown }> };
type ErrorResponse = { description?: string; content?: Record<string, MediaType> };

/** The code of an error answer whose description names none. */
const DEFAULT_CODE: Partial<Record<number, ErrorCode>> = {
  ...CODE_BY_STATUS,
  500: ErrorCode.INTERNAL_ERROR,
  502: ErrorCode.SERVICE_FAILED,
  503: ErrorCode.LEDGER_UNAVAILABLE,
};

/** A message (and details) of each code, as the service words it. */
const SAMPLES: Record<ErrorCode, [message: string, details?: Body]> = {
  [ErrorCode.VALIDATION_FAILED]: ['Validation failed: text', { details: [{ field: 'text', errors: ['text must be a string'] }] }],
  [ErrorCode.UNAUTHENTICATED]: ['Missing, invalid or revoked credentials'],
  [ErrorCode.INSUFFICIENT_TOKENS]: ['Insufficient tokens: this request costs 300, the balance is 12', { balance: 12, required: 300 }],
  [ErrorCode.NO_ACTIVE_SUBSCRIPTION]: ['No token account and no active subscription to seed one from; the request was not served'],
  [ErrorCode.KEY_LIMIT_REACHED]: [
    "This API key's spending limit is reached: this request costs 5, 98 of its limit of 100 are spent",
    { limit: 100, spent: 98, required: 5, resetsAt: '2026-11-22T00:00:00.000Z' },
  ],
  [ErrorCode.FORBIDDEN]: ['This route is for admins'],
  [ErrorCode.NOT_FOUND]: ['User not found'],
  [ErrorCode.CONFLICT]: ['The request conflicts with the current state'],
  [ErrorCode.EMAIL_TAKEN]: ['An account with this email already exists'],
  [ErrorCode.IDEMPOTENCY_IN_PROGRESS]: ['A request with this Idempotency-Key is in progress'],
  [ErrorCode.IDEMPOTENCY_KEY_REUSED]: ['This Idempotency-Key was used with a different request'],
  [ErrorCode.IDEMPOTENCY_ANSWER_UNAVAILABLE]: [
    'The request with this Idempotency-Key succeeded and was charged, but its answer could not be kept; it is not run or charged again. Use a new key to run it again',
  ],
  [ErrorCode.PAYLOAD_TOO_LARGE]: ['Request body is too large'],
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: ['Content-Type must be application/json'],
  [ErrorCode.TOO_MANY_REQUESTS]: ['Too many requests; try again in 1 s', { retryAfter: 1 }],
  [ErrorCode.RATE_LIMITS_UNAVAILABLE]: ['Rate limits cannot be checked right now; try again shortly'],
  [ErrorCode.LEDGER_UNAVAILABLE]: ['The token ledger is unavailable; nothing was charged and the request did not run'],
  [ErrorCode.SERVICE_UNAVAILABLE]: ['Not ready: the database does not answer'],
  [ErrorCode.SERVICE_FAILED]: ['The payment provider could not start the payment; nothing was charged'],
  [ErrorCode.UPSTREAM_FAILED]: ['The model failed; nothing was charged'],
  [ErrorCode.PAYMENTS_UNAVAILABLE]: ['No payment provider is configured (PAYMENT_PROVIDER): tokens cannot be bought on this server'],
  [ErrorCode.NO_PAYMENT_METHOD]: ['Automatic top-up needs a saved card: buy a package with saveCard: true first'],
  [ErrorCode.INTERNAL_ERROR]: ['Internal server error'],
};

const CODES = new Set<string>(Object.values(ErrorCode));
const OPENAI_ERROR_SCHEMA = { $ref: '#/components/schemas/OpenAiErrorBodyDto' };

/** The codes of `status` a description names (`NOT_FOUND: no such user`), in order; else the status's own. */
function codesOf(status: number, description = ''): ErrorCode[] {
  const words: string[] = description.match(/\b[A-Z][A-Z0-9_]+\b/g) ?? [];
  const named = words.filter((word): word is ErrorCode => CODES.has(word) && Number(ERROR_STATUS[word as ErrorCode]) === status);
  const codes = [...new Set(named)];
  const fallback = DEFAULT_CODE[status];
  return codes.length > 0 ? codes : fallback ? [fallback] : [];
}

/** A body given as an example (e.g. by the tokens module's decorators) as this service answers it on `path`. */
function asAnswered(path: string, body: Body): Body {
  const { statusCode, code, message, ...details } = body;
  const error = Object.assign(new Error(String(message)), { code, status: statusCode, details, isCodedError: true });
  return errorBodyFor(path, error);
}

/** The bodies an error answer shows: the ones it was given, else one per code its description names. */
function bodiesOf(path: string, status: number, response: ErrorResponse, media: MediaType | undefined): Body[] {
  const given = media?.examples ? Object.values(media.examples).map((example) => example.value) : media?.example ? [media.example] : [];
  if (given.length > 0) return given.map((body) => asAnswered(path, body as Body));
  return codesOf(status, response.description).map((code) => errorBodyFor(path, new AppError(code, ...SAMPLES[code])));
}

/**
 * Gives every error answer of the document (status 400 and up) examples of its own status: the
 * bodies the operation's decorators gave, else one per code its description names (or the status's
 * code), each as the service answers it on that path (OpenAI's shape under /v1, whose schema it
 * then names). Errors are always JSON, whatever the operation produces otherwise.
 */
export function addErrorExamples(document: OpenAPIObject): OpenAPIObject {
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const operation of Object.values(operations as Record<string, { responses?: Record<string, ErrorResponse> }>)) {
      const responses = operation.responses ?? {};
      for (const [statusText, response] of Object.entries(responses)) {
        const status = Number(statusText);
        if (!(status >= 400) || !response.content) continue;
        const media = response.content['application/json'] ?? Object.values(response.content)[0];
        const bodies = bodiesOf(path, status, response, media);
        const schema = 'error' in (bodies[0] ?? {}) ? OPENAI_ERROR_SCHEMA : media?.schema;
        const examples =
          bodies.length === 1
            ? { example: bodies[0] }
            : bodies.length > 1
              ? { examples: Object.fromEntries(bodies.map((body) => [String(body.code), { summary: String(body.code), value: body }])) }
              : {};
        // A new object: decorators may share one response object between operations on other paths.
        responses[statusText] = { ...response, content: { 'application/json': { schema, ...examples } } };
      }
    }
  }
  return document;
}
