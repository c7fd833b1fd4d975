import { Logger } from '@nestjs/common';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatAnswer, ChatChunk, ChatRequest } from './chat-api.js';
import { LlmUpstream, UpstreamFailed, type UpstreamComplaint } from './llm-upstream.js';

export interface OpenAiUpstreamOptions {
  /** The API's base URL, e.g. https://api.openai.com/v1 (LLM_BASE_URL). */
  baseURL: string;
  /** Sent as `Authorization: Bearer <apiKey>` (LLM_API_KEY); without one, no Authorization header is sent. */
  apiKey?: string;
  /**
   * How long to wait for the answer's headers (for a completion that is not streamed, in practice
   * the whole answer) and, in a stream, the longest silence between two chunks. Default 300 s:
   * well inside the default HOLD_TTL_SECONDS (900), so a request ends before its hold expires.
   */
  timeoutMs?: number;
}

export const DEFAULT_UPSTREAM_TIMEOUT_MS = 300_000;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** A chat completion: at least one choice, each with a message whose content is text (or null). */
function isChatAnswer(value: unknown): value is ChatAnswer {
  if (!isObject(value) || !Array.isArray(value.choices) || value.choices.length === 0) return false;
  return value.choices.every((choice: unknown) => {
    const message = isObject(choice) ? choice.message : undefined;
    return isObject(message) && (typeof message.content === 'string' || message.content === null || message.content === undefined);
  });
}

/** A chunk of a stream: an object whose `choices`, when present, are objects. */
function isChatChunk(value: unknown): value is ChatChunk {
  return isObject(value) && (value.choices === undefined || (Array.isArray(value.choices) && value.choices.every(isObject)));
}

/** What an upstream's error body said (OpenAI's `{ error: { message, param } }`), when it said it. */
function complaintOf(error: unknown): UpstreamComplaint | undefined {
  const body = isObject(error) ? error : undefined;
  const message = body?.message;
  if (typeof message !== 'string' || message.length === 0) return undefined;
  return { message, param: typeof body?.param === 'string' ? body.param : null };
}

/**
 * An OpenAI-compatible chat completions API (OpenAI itself, or vLLM, llama.cpp, Ollama, LiteLLM... at
 * LLM_BASE_URL), through the official `openai` SDK. It serves every model id; which ones a caller may
 * use is decided by the `ai_models` table.
 *
 * - `maxRetries: 0`: the SDK would otherwise resend a request after a 429, a 5xx or a broken
 *   connection, up to twice, while the caller's tokens stay held and the client waits; a failure is
 *   answered at once (502 UPSTREAM_FAILED, hold released) and the client decides whether to retry.
 *   A stream that broke after output began cannot be resent anyway.
 * - The request is sent as the caller made it (the client's Chat Completions body, with its limit as
 *   `max_completion_tokens`), and the answer or chunks come back as the upstream sent them, once
 *   checked to be a chat completion.
 * - Streams ask for `stream_options: { include_usage: true }`, so usage arrives in the last chunk.
 * - Every option is passed explicitly, so the SDK's own environment variables (OPENAI_BASE_URL,
 *   OPENAI_API_KEY, OPENAI_ORG_ID, OPENAI_LOG...) do not change what this service does.
 */
export class OpenAiUpstream extends LlmUpstream {
  private readonly logger = new Logger(OpenAiUpstream.name);
  private readonly client: OpenAI;
  private readonly timeoutMs: number;

  constructor(options: OpenAiUpstreamOptions) {
    super();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
    this.client = new OpenAI({
      baseURL: options.baseURL,
      // The SDK insists on a credential; without a key the Authorization header is removed below instead.
      apiKey: options.apiKey ?? 'unused',
      organization: null,
      project: null,
      webhookSecret: null,
      maxRetries: 0,
      // A backstop only: the Watchdog below times requests out first, and tells a timeout from a broken connection.
      timeout: this.timeoutMs + 5_000,
      logLevel: 'off',
      ...(options.apiKey === undefined && { defaultHeaders: { Authorization: null } }),
    });
  }

  serves(_model: string): boolean {
    return true;
  }

  async complete(request: ChatRequest, signal?: AbortSignal, onAccepted?: () => void): Promise<ChatAnswer> {
    const watch = new Watchdog(this.timeoutMs, signal);
    let completion: unknown;
    try {
      watch.arm();
      const answer = this.client.chat.completions.create({ ...request, stream: false }, { signal: watch.signal });
      // The raw response arrives with the status line, before the body: a success status means the upstream took the request.
      answer.asResponse().then(
        () => onAccepted?.(),
        () => undefined,
      );
      completion = await answer;
    } catch (error) {
      throw this.failure(error, watch);
    } finally {
      watch.dispose();
    }
    if (!isChatAnswer(completion))
      throw this.failure(new UpstreamFailed('malformed', 'The AI upstream answered something that is not a chat completion'), watch);
    return completion;
  }

  async *stream(request: ChatRequest, signal?: AbortSignal, onAccepted?: () => void): AsyncGenerator<ChatChunk> {
    const watch = new Watchdog(this.timeoutMs, signal);
    let iterator: AsyncIterator<unknown> | undefined;
    let finished = false;
    try {
      try {
        watch.arm();
        const chunks = await this.client.chat.completions.create(
          { ...request, stream: true, stream_options: { include_usage: true } },
          { signal: watch.signal },
        );
        onAccepted?.();
        iterator = chunks[Symbol.asyncIterator]();
      } catch (error) {
        throw this.failure(error, watch);
      }
      let choiceFinished = false;
      for (;;) {
        let next: IteratorResult<unknown>;
        try {
          watch.arm();
          next = await iterator.next();
        } catch (error) {
          throw this.failure(error, watch);
        }
        if (next.done) break;
        const chunk = next.value;
        if (!isChatChunk(chunk))
          throw this.failure(
            new UpstreamFailed('malformed', 'The AI upstream streamed something that is not a chat completion chunk'),
            watch,
          );
        chunk.choices ??= [];
        if (chunk.choices.some((choice) => typeof choice.finish_reason === 'string' && choice.finish_reason.length > 0))
          choiceFinished = true;
        // The silence timer does not run while the caller handles a chunk.
        watch.pause();
        yield chunk;
      }
      // The SDK ends an aborted stream quietly, as if it had ended.
      if (watch.signal.aborted) throw this.failure(watch.signal.reason, watch);
      if (!choiceFinished)
        throw this.failure(new UpstreamFailed('malformed', 'The AI upstream stream ended before the completion finished'), watch);
      finished = true;
    } finally {
      watch.dispose();
      // Failed, aborted, or the caller stopped iterating early: cancel the upstream request.
      if (!finished) {
        watch.cancel();
        await iterator?.return?.().catch(() => undefined);
      }
    }
  }

  /** Any error of a request as an UpstreamFailed with a message safe to show; what the upstream said is logged. */
  private failure(error: unknown, watch: Watchdog): UpstreamFailed {
    const failed = this.classify(error, watch);
    if (failed.kind !== 'aborted') {
      // Read by shape: an error of another realm (Node's fetch under a test runner's VM) is no `instanceof Error` here.
      const cause = (failed.cause as { message?: unknown } | undefined)?.message;
      const detail = typeof cause === 'string' && cause.length > 0 ? cause : failed.message;
      this.logger.warn(`upstream request failed (${failed.kind}${failed.upstreamStatus ? ` ${failed.upstreamStatus}` : ''}): ${detail}`);
    }
    return failed;
  }

  private classify(error: unknown, watch: Watchdog): UpstreamFailed {
    if (error instanceof UpstreamFailed) return error;
    // Checked before the error's type: the SDK reports its own abort as a connection error in some runtimes (other realms' DOMException).
    if (watch.callerAborted) return UpstreamFailed.aborted(error);
    if (watch.timedOut || error instanceof APIConnectionTimeoutError)
      return new UpstreamFailed('timeout', `The AI upstream did not answer within ${this.timeoutMs / 1000} s`, { cause: error });
    if (error instanceof APIUserAbortError) return UpstreamFailed.aborted(error);
    if (error instanceof APIConnectionError)
      return new UpstreamFailed('connection', 'The AI upstream could not be reached', { cause: error });
    if (error instanceof APIError) {
      const complaint = complaintOf(error.error);
      return typeof error.status === 'number'
        ? new UpstreamFailed('error', `The AI upstream answered HTTP ${error.status}`, {
            upstreamStatus: error.status,
            cause: error,
            complaint,
          })
        : new UpstreamFailed('error', 'The AI upstream reported an error', { cause: error, complaint });
    }
    if (error instanceof SyntaxError)
      return new UpstreamFailed('malformed', 'The AI upstream sent something that is not JSON', { cause: error });
    return new UpstreamFailed('connection', 'The connection to the AI upstream broke', { cause: error });
  }
}

/**
 * The signal of one upstream request: it fires when the caller's signal does, when the upstream
 * keeps the request waiting longer than the timeout (armed before the request and before each
 * chunk), and on cancel(); it says which of them it was.
 */
class Watchdog {
  private readonly own = new AbortController();
  readonly signal: AbortSignal;
  private timer: NodeJS.Timeout | undefined;
  timedOut = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly caller?: AbortSignal,
  ) {
    this.signal = caller ? AbortSignal.any([caller, this.own.signal]) : this.own.signal;
  }

  get callerAborted(): boolean {
    return this.caller?.aborted === true;
  }

  arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.own.abort();
    }, this.timeoutMs);
  }

  pause(): void {
    clearTimeout(this.timer);
  }

  cancel(): void {
    this.own.abort();
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
