import type { FastifyReply } from 'fastify';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/**
 * Opens a server-sent events answer on `reply` (taken over from Fastify) with the headers already
 * set on it (X-Tokens-Output-Limit, ...) and the request's X-Request-Id; answers the raw response to
 * write the events to and end.
 */
export function openEventStream(reply: FastifyReply, requestId: string): ServerResponse {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    ...(reply.getHeaders() as OutgoingHttpHeaders),
    'x-request-id': requestId,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  return raw;
}
