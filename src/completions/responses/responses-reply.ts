import type { Charge } from '@token-metering/tokens';
import type { FastifyReply } from 'fastify';
import type OpenAI from 'openai';
import type { ChatChunk } from '../chat-api.js';
import { openEventStream } from '../event-stream.js';
import { toOpenAiErrorBody } from '../openai-error.filter.js';
import { identityOf } from './responses-answer.js';
import type { ResponseEcho } from './responses-request.js';
import { carriesOutput, type ResponsesStreamEvent, ResponsesStreamMapper, sseOf } from './responses-stream.js';

/** What a streamed chat completion yields (ChatCompletions.stream): its chunks, then the settled charge with the usage it was priced at. */
export type CompletionEvent =
  { kind: 'chunk'; chunk: ChatChunk } | { kind: 'settled'; usage: OpenAI.Completions.CompletionUsage; charge: Charge };

/**
 * Sends a streamed chat completion as the Responses API's server-sent events. The stream opens
 * only once output arrived (chunks without any wait): until then a failure (402, a model that
 * failed before any output) rejects, for an ordinary error answer. After that a failure ends the
 * stream with an `error` event. Resolves once the stream ended, however it ended.
 */
export async function streamResponse(
  events: AsyncGenerator<CompletionEvent>,
  request: { requestId: string; model: string; echo: ResponseEcho },
  reply: FastifyReply,
): Promise<void> {
  const quiet: ChatChunk[] = [];
  let next = await events.next();
  for (; !next.done && next.value.kind === 'chunk' && !carriesOutput(next.value.chunk); next = await events.next())
    quiet.push(next.value.chunk);
  const first = quiet[0] ?? (!next.done && next.value.kind === 'chunk' ? next.value.chunk : null);
  const mapper = new ResponsesStreamMapper(
    identityOf(first ?? { id: request.requestId, created: Math.floor(Date.now() / 1000), model: request.model }, request.echo),
  );
  const raw = openEventStream(reply, request.requestId);
  const send = (sent: ResponsesStreamEvent[]) => sent.length > 0 && raw.write(sent.map(sseOf).join(''));
  try {
    send(mapper.start());
    quiet.forEach((chunk) => send(mapper.push(chunk)));
    for (; !next.done; next = await events.next()) {
      const event = next.value;
      send(event.kind === 'chunk' ? mapper.push(event.chunk) : mapper.finish(event.usage));
    }
  } catch (error) {
    if (!raw.destroyed) send(mapper.fail(toOpenAiErrorBody(error).error));
  } finally {
    raw.end();
  }
}
