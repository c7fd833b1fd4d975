import { Logger } from '@nestjs/common';
import type { ChatAnswer, ChatChunk, ChatRequest } from './chat-api.js';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import {
  LlmUpstream,
  UpstreamFailed,
  type CompletionChunk,
  type CompletionRequest,
  type CompletionResult,
  type CompletionUsage,
  type FinishReason,
} from './llm-upstream.js';

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

const FINISH_REASONS = new Set<string>(['stop', 'length', 'content_filter', 'tool_calls', 'function_call']);

/** A finish reason as this service knows it; another non-empty one (some servers say `eos`) counts as `stop`. */
function finishReasonOf(value: unknown): FinishReason | null {
  if (typeof value !== 'string' || value.length === 0) return null;
  return FINISH_REASONS.has(value) ? (value as FinishReason) : 'stop';
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** The upstream's usage, or null when it is missing or not a pair of token counts. */
function usageOf(value: unknown): CompletionUsage | null {
  const usage = value as { prompt_tokens?: unknown; completion_tokens?: unknown } | null | undefined;
  if (!usage || !isCount(usage.prompt_tokens) || !isCount(usage.completion_tokens)) return null;
  return { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens };
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
 * - The limit is sent as `max_completion_tokens` (OpenAI's current name; `max_tokens` is deprecated
 *   and refused by its reasoning models).
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

  async complete(chatRequest: ChatRequest, signal?: AbortSignal, onAccepted?: () => void): Promise<ChatAnswer> {
    const request = chatRequest as unknown as CompletionRequest;
    const watch = new Watchdog(this.timeoutMs, signal);
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      watch.arm();
      const answer = this.client.chat.completions.create({ ...this.paramsOf(request), stream: false }, { signal: watch.signal });
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
    const choice = (completion as Partial<typeof completion>).choices?.[0];
    const content: unknown = choice?.message?.content;
    if (!choice || (typeof content !== 'string' && content !== null && content !== undefined)) {
      throw this.failure(new UpstreamFailed('malformed', 'The AI upstream answered something that is not a chat completion'), watch);
    }
    return {
      id: typeof completion.id === 'string' ? completion.id : '',
      model: typeof completion.model === 'string' ? completion.model : request.model,
      text: content ?? '',
      // The whole answer arrived: without a (known) finish reason it ended normally.
      finishReason: finishReasonOf(choice.finish_reason) ?? 'stop',
      usage: usageOf(completion.usage),
    } satisfies CompletionResult as unknown as ChatAnswer;
  }

  async *stream(chatRequest: ChatRequest, signal?: AbortSignal, onAccepted?: () => void): AsyncGenerator<ChatChunk> {
    const request = chatRequest as unknown as CompletionRequest;
    const watch = new Watchdog(this.timeoutMs, signal);
    let iterator: AsyncIterator<OpenAI.Chat.Completions.ChatCompletionChunk> | undefined;
    let finished = false;
    try {
      try {
        watch.arm();
        const chunks = await this.client.chat.completions.create(
          { ...this.paramsOf(request), stream: true, stream_options: { include_usage: true } },
          { signal: watch.signal },
        );
        onAccepted?.();
        iterator = chunks[Symbol.asyncIterator]();
      } catch (error) {
        throw this.failure(error, watch);
      }
      let finishReason: FinishReason | null = null;
      let usage: CompletionUsage | null = null;
      for (;;) {
        let next: IteratorResult<OpenAI.Chat.Completions.ChatCompletionChunk>;
        try {
          watch.arm();
          next = await iterator.next();
        } catch (error) {
          throw this.failure(error, watch);
        }
        if (next.done) break;
        const chunk = next.value as Partial<OpenAI.Chat.Completions.ChatCompletionChunk> | null;
        const choice = chunk?.choices?.[0];
        finishReason = finishReasonOf(choice?.finish_reason) ?? finishReason;
        usage = usageOf(chunk?.usage) ?? usage;
        const text: unknown = choice?.delta?.content;
        if (typeof text === 'string' && text.length > 0) {
          // The silence timer does not run while the caller handles a piece.
          watch.pause();
          yield { text, finishReason: null, usage: null } satisfies CompletionChunk as unknown as ChatChunk;
        }
      }
      // The SDK ends an aborted stream quietly, as if it had ended.
      if (watch.signal.aborted) throw this.failure(watch.signal.reason, watch);
      if (finishReason === null)
        throw this.failure(new UpstreamFailed('malformed', 'The AI upstream stream ended before the completion finished'), watch);
      finished = true;
      yield { text: '', finishReason, usage } satisfies CompletionChunk as unknown as ChatChunk;
    } finally {
      watch.dispose();
      // Failed, aborted, or the caller stopped iterating early: cancel the upstream request.
      if (!finished) {
        watch.cancel();
        await iterator?.return?.().catch(() => undefined);
      }
    }
  }

  private paramsOf(request: CompletionRequest): OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming {
    return {
      model: request.model,
      messages: request.messages.map(({ role, content, name }) => ({ role, content, ...(name !== undefined && { name }) })),
      max_completion_tokens: request.maxTokens,
      ...(request.temperature !== undefined && { temperature: request.temperature }),
      ...(request.topP !== undefined && { top_p: request.topP }),
      ...(request.stop !== undefined && request.stop.length > 0 && { stop: request.stop }),
      ...(request.user !== undefined && { user: request.user }),
    };
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
      return typeof error.status === 'number'
        ? new UpstreamFailed('error', `The AI upstream answered HTTP ${error.status}`, { upstreamStatus: error.status, cause: error })
        : new UpstreamFailed('error', 'The AI upstream reported an error', { cause: error });
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
