import { UpstreamFailed } from './llm-upstream.js';

/** The upstream statuses that are about the client's own request, and this API's code for each. */
const RELAYED_STATUSES: Readonly<Record<number, string>> = {
  400: 'VALIDATION_FAILED',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  422: 'VALIDATION_FAILED',
};

/**
 * The upstream's refusal of a client's request (400, 404, 409, 413, 422: a parameter it does not
 * take, a model it does not know...), answered with the upstream's status, message and param, so the
 * client can fix its request. Read by the error filters as a coded error (`code`, `status`,
 * `details`). Other upstream failures (401, 403, 429, 5xx: about this service's key or capacity)
 * stay 502 UPSTREAM_FAILED.
 */
export class UpstreamRejected extends Error {
  readonly isCodedError = true;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(
    readonly status: number,
    message: string,
    param: string | null,
  ) {
    super(message);
    this.name = 'UpstreamRejected';
    this.code = RELAYED_STATUSES[status] ?? 'VALIDATION_FAILED';
    this.details = param === null ? {} : { details: [{ field: param, errors: [message] }] };
  }
}

/** `error` as the client of a relayed request sees it: the upstream's refusal of the request, else the error itself. */
export function relayedUpstreamError(error: unknown): unknown {
  if (!(error instanceof UpstreamFailed) || error.upstreamStatus === null || !(error.upstreamStatus in RELAYED_STATUSES)) return error;
  const complaint = error.complaint ?? { message: `The AI upstream refused the request (HTTP ${error.upstreamStatus})`, param: null };
  return new UpstreamRejected(error.upstreamStatus, complaint.message, complaint.param);
}
