import { randomUUID } from 'node:crypto';
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

const GENERATED_ID = Symbol('tokens:request-id');

/**
 * The server's id of the request, kept on its ledger entries: the adapter's own (`request.id`, which
 * Fastify sets) or, where there is none (Express), one made once per request.
 */
export function serverRequestIdOf(request: { id?: unknown; [GENERATED_ID]?: string }): string {
  if (typeof request.id === 'string' || typeof request.id === 'number') return String(request.id);
  return (request[GENERATED_ID] ??= randomUUID());
}

/** What the module writes on an answer: a header. Express's response and Fastify's reply both have `header(name, value)`. */
export interface HeaderWriter {
  header(name: string, value: string): unknown;
}
