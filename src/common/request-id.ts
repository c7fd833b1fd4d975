import type { IncomingHttpHeaders } from 'node:http';

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The caller's own X-Request-Id, when well-formed. It is kept beside the server's request id
 * (ledger `clientRequestId`), never instead of it: two clients can send the same one.
 */
export function clientRequestIdOf(request: { headers: IncomingHttpHeaders }): string | null {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && CLIENT_REQUEST_ID.test(header) ? header : null;
}
