import { toErrorBody, type ErrorBody } from './error-response.js';

/** OpenAI's error `type` for an HTTP status. */
export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'insufficient_quota';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/** The answer body of an error on a /v1 route. */
export interface OpenAiErrorBody extends ErrorBody {
  error: { message: string; type: string; code: string; param: string | null };
}

/**
 * The error body of a /v1 route: OpenAI's `{ error: { message, type, code, param } }`, which the
 * OpenAI SDKs read (`code` is this service's stable code, e.g. INSUFFICIENT_TOKENS), beside the
 * fields every other route answers with (`statusCode`, `code`, `message`, details, `requestId`),
 * so clients of either kind read it. Same HTTP statuses as everywhere.
 */
export function toOpenAiErrorBody(error: unknown): OpenAiErrorBody {
  const body = toErrorBody(error);
  const field = Array.isArray(body.details) ? (body.details as { field?: unknown }[])[0]?.field : undefined;
  return {
    error: {
      message: body.message,
      type: openAiErrorType(body.statusCode),
      code: body.code,
      param: typeof field === 'string' ? field : null,
    },
    ...body,
  };
}

/** `/v1` and everything under it: the OpenAI-compatible API, whose every error has OpenAI's shape. */
const OPENAI_PATH = /^\/v1(?:[/?#]|$)/;

/**
 * The error body for a request to `url` (as sent, query included): OpenAI's shape under /v1, routes
 * that exist or not, the contract's own everywhere else.
 */
export function errorBodyFor(url: string | undefined, error: unknown): ErrorBody {
  return url !== undefined && OPENAI_PATH.test(url) ? toOpenAiErrorBody(error) : toErrorBody(error);
}
