import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * How the fake answers one request. The default (`normal`) is a well-behaved upstream.
 *
 * - `fail`: an HTTP error before any output (status and OpenAI error body);
 * - `cut`: a stream that sends `afterChunks` content chunks, then the socket is destroyed (no finish,
 *   no usage, no [DONE]); a request that is not streamed gets its socket destroyed before any answer;
 * - `slow`: `delayMs` before each chunk (before the answer, when not streamed);
 * - `noUsage`: a normal answer without `usage` (in the stream: no usage chunk even when asked for);
 * - `reply`: a normal answer with this text instead of the default one;
 * - `usage`: a normal answer (after `delayMs`, like `slow`) that reports these token counts (e.g. more prompt tokens than the caller estimated);
 * - `stall`: the success status line at once, the answer only after `delayMs` (a request the upstream took and bills);
 * - `answer`: 200 with this JSON body, whatever it is (e.g. something that is not a chat completion or an embeddings list);
 * - `toolCall`: each choice calls the function `name` with `arguments` (finish reason `tool_calls`; streamed in two deltas).
 *
 * `fail` may also name the `param` its error body blames.
 */
export type FakeBehaviour =
  | { kind: 'normal' }
  | { kind: 'fail'; status?: number; message?: string; param?: string }
  | { kind: 'cut'; afterChunks: number }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'noUsage' }
  | { kind: 'reply'; text: string }
  | { kind: 'usage'; promptTokens: number; completionTokens?: number; delayMs?: number }
  | { kind: 'stall'; delayMs: number }
  | { kind: 'answer'; body: unknown }
  | { kind: 'toolCall'; name: string; arguments: string };

/** A request the fake received, as sent. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any;
  /** Set when the client closed the connection before the answer ended (an aborted request). */
  closedEarly: boolean;
}

/** The text of a message's content: a string, or its text parts joined. */
const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.map((part: any) => (typeof part?.text === 'string' ? part.text : '')).join(' ')
      : '';

/** The words of a message's content, counted as the fake's "tokens". */
const words = (content: unknown): string[] => textOf(content).split(/\s+/).filter(Boolean);

/**
 * An OpenAI-compatible chat completions server on 127.0.0.1 (POST /v1/chat/completions; embeddings too), plain
 * JSON and server-sent events. Its tokens are words: the reply is "Fake reply to: <the last user
 * message>", one word per chunk, cut to the request's max_completion_tokens / max_tokens (finish
 * reason `length`); `n` choices (each the same reply); usage counts words (prompt: the messages'
 * words plus 3 per message; completion: every choice's). Every request's body is kept in
 * `requests`. Behaviours queued with `next()` apply to the following requests, one each, in order.
 */
export class FakeOpenAi {
  readonly requests: ReceivedRequest[] = [];
  private readonly queue: FakeBehaviour[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly server = http.createServer((req, res) => this.handle(req, res));

  constructor() {
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Starts listening on a free port; answers the base URL to give the SDK (`http://127.0.0.1:<port>/v1`). */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this.baseUrl;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Queues behaviours for the next requests, one per request. */
  next(...behaviours: FakeBehaviour[]): this {
    this.queue.push(...behaviours);
    return this;
  }

  /** Forgets the received requests and the queued behaviours. */
  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
  }

  /** The reply the fake gives to a request body when told nothing else. */
  static replyTo(body: any): string {
    const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
    const lastUser = [...messages].reverse().find((message) => message?.role === 'user');
    return `Fake reply to: ${words(lastUser?.content).join(' ') || '(nothing)'}`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: any;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const received: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, closedEarly: false };
      this.requests.push(received);
      res.on('close', () => {
        if (!res.writableFinished) received.closedEarly = true;
      });
      if (req.method === 'POST' && req.url === '/v1/embeddings') return void this.embeddings(req, res, body, this.queue.shift());
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        return this.json(res, 404, {
          error: { message: `Unknown route ${req.method} ${req.url}`, type: 'invalid_request_error', code: null },
        });
      }
      const behaviour = this.queue.shift() ?? { kind: 'normal' };
      void this.answer(req, res, body, behaviour);
    });
  }

  private async answer(req: http.IncomingMessage, res: http.ServerResponse, body: any, behaviour: FakeBehaviour): Promise<void> {
    if (behaviour.kind === 'fail') {
      return this.json(res, behaviour.status ?? 500, {
        error: {
          message: behaviour.message ?? 'The fake upstream failed',
          type: 'server_error',
          param: behaviour.param ?? null,
          code: null,
        },
      });
    }
    if (behaviour.kind === 'answer') return this.json(res, 200, behaviour.body);
    const limit = Number(body?.max_completion_tokens ?? body?.max_tokens ?? Number.MAX_SAFE_INTEGER);
    const all = words(behaviour.kind === 'reply' ? behaviour.text : FakeOpenAi.replyTo(body));
    const output = all.slice(0, limit);
    const toolCall = behaviour.kind === 'toolCall' ? behaviour : null;
    const finishReason = toolCall ? 'tool_calls' : output.length < all.length ? 'length' : 'stop';
    const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
    const choices = Array.from({ length: Number.isSafeInteger(body?.n) && body.n > 0 ? body.n : 1 }, (_, index) => index);
    const usage = {
      prompt_tokens: messages.reduce((sum, message) => sum + 3 + words(message?.content).length, 0),
      completion_tokens: (toolCall ? words(toolCall.arguments).length : output.length) * choices.length,
      total_tokens: 0,
    };
    const call = toolCall && { id: 'call_fake1', type: 'function', function: { name: toolCall.name, arguments: toolCall.arguments } };
    if (behaviour.kind === 'usage') {
      usage.prompt_tokens = behaviour.promptTokens;
      usage.completion_tokens = behaviour.completionTokens ?? usage.completion_tokens;
    }
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const withUsage = behaviour.kind !== 'noUsage';
    const delayMs = 'delayMs' in behaviour ? (behaviour.delayMs ?? 0) : 0;
    const base = { id: `chatcmpl-fake${this.requests.length}`, created: Math.floor(Date.now() / 1000), model: String(body?.model) };

    if (body?.stream !== true) {
      if (behaviour.kind === 'cut') return void req.socket.destroy();
      if (behaviour.kind === 'stall') res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders();
      if (!(await this.sleep(delayMs, res))) return;
      return this.json(res, 200, {
        ...base,
        object: 'chat.completion',
        choices: choices.map((index) => ({
          index,
          message: call
            ? { role: 'assistant', content: null, refusal: null, tool_calls: [call] }
            : { role: 'assistant', content: output.join(' '), refusal: null },
          logprobs: null,
          finish_reason: finishReason,
        })),
        ...(withUsage && { usage }),
      });
    }

    const includeUsage = body?.stream_options?.include_usage === true && withUsage;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    // Resolves once the chunk is handed to the socket, so a cut that follows cannot swallow it.
    const send = (data: unknown) => new Promise<void>((resolve) => res.write(`data: ${JSON.stringify(data)}\n\n`, () => resolve()));
    const chunk = (delta: object, finish: string | null) => ({
      ...base,
      object: 'chat.completion.chunk',
      choices: choices.map((index) => ({ index, delta, logprobs: null, finish_reason: finish })),
      ...(includeUsage && { usage: null }),
    });
    await send(chunk({ role: 'assistant', content: '' }, null));
    if (call) {
      const half = Math.floor(call.function.arguments.length / 2);
      const { arguments: args, name } = call.function;
      await send(
        chunk({ tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name, arguments: args.slice(0, half) } }] }, null),
      );
      await send(chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(half) } }] }, null));
    }
    for (const [index, word] of call ? [] : output.entries()) {
      if (behaviour.kind === 'cut' && index === behaviour.afterChunks) return void res.socket?.destroy();
      if (!(await this.sleep(delayMs, res))) return;
      await send(chunk({ content: index === 0 ? word : ` ${word}` }, null));
    }
    if (behaviour.kind === 'cut') return void res.socket?.destroy();
    await send(chunk({}, finishReason));
    if (includeUsage) await send({ ...base, object: 'chat.completion.chunk', choices: [], usage });
    res.end('data: [DONE]\n\n');
  }

  /**
   * POST /v1/embeddings: one vector per input (`dimensions` long, default 8) that FakeOpenAi.vectorOf
   * makes, as numbers or as base64 float32 per `encoding_format`; usage counts words (a token array
   * its length). Honours `fail`, `cut`, `slow` and `answer`.
   */
  private async embeddings(req: http.IncomingMessage, res: http.ServerResponse, body: any, behaviour?: FakeBehaviour): Promise<void> {
    if (behaviour?.kind === 'fail') {
      return this.json(res, behaviour.status ?? 500, {
        error: { message: behaviour.message ?? 'The fake upstream failed', type: 'invalid_request_error', param: 'input', code: null },
      });
    }
    if (behaviour?.kind === 'cut') return void req.socket.destroy();
    if (behaviour?.kind === 'answer') return this.json(res, 200, behaviour.body);
    if (behaviour?.kind === 'slow' && !(await this.sleep(behaviour.delayMs, res))) return;
    const input: unknown[] = typeof body?.input === 'string' || typeof body?.input?.[0] === 'number' ? [body.input] : (body?.input ?? []);
    const dimensions = Number(body?.dimensions ?? 8);
    const data = input.map((item, index) => {
      const vector = FakeOpenAi.vectorOf(item, dimensions);
      const embedding = body?.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    });
    const tokens = input.reduce((sum: number, item) => sum + (Array.isArray(item) ? item.length : words(item).length), 0);
    this.json(res, 200, { object: 'list', data, model: String(body?.model), usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }

  /** The fake's vector of an input: its index in 1..dimensions (its characters' or ids' sum, mod dimensions) is 1, the rest 0. */
  static vectorOf(input: unknown, dimensions: number): number[] {
    const units = typeof input === 'string' ? [...input].map((char) => char.codePointAt(0)!) : (input as number[]);
    const vector = new Array<number>(dimensions).fill(0);
    vector[units.reduce((sum, unit) => sum + unit, 0) % dimensions] = 1;
    return vector;
  }

  private json(res: http.ServerResponse, status: number, body: unknown): void {
    if (res.destroyed) return;
    if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  /** Waits, unless the client went away meanwhile: false then. */
  private async sleep(ms: number, res: http.ServerResponse): Promise<boolean> {
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    return !res.destroyed;
  }
}

/** Reads a streamed answer until its first piece of content arrived; the reader stays open (to abort or cancel). */
export async function readUntilContent(response: Response): Promise<ReadableStreamDefaultReader<Uint8Array>> {
  const reader = response.body!.getReader();
  let received = '';
  while (!received.includes('"content"')) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the stream ended before any content: ${received}`);
    received += new TextDecoder().decode(value);
  }
  return reader;
}
