import { AppError, ErrorCode } from '../common/app-error.js';
import type { ChatAnswer, ChatChunk, ChatRequest } from './chat-api.js';

/** Roles of the text-only chat messages the upstreams take. */
export const CHAT_ROLES = ['system', 'developer', 'user', 'assistant'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

/** One message of a chat completion request: plain text (a caller flattens text content parts first). */
export interface ChatMessage {
  role: ChatRole;
  content: string;
  /** Optional participant name (OpenAI's `name`). */
  name?: string;
}

/** A chat completion to run on an upstream. Inputs arrive validated. */
export interface CompletionRequest {
  /** The model id, as in `ai_models` (and as the upstream knows it). */
  model: string;
  messages: ChatMessage[];
  /**
   * The most completion tokens to generate (sent as `max_completion_tokens`): the request's
   * `max_tokens`, capped at the model's `maxOutputTokens` (see outputLimitOf in pricing.ts).
   */
  maxTokens: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  /** An id of the end user, passed on for the upstream's abuse monitoring (OpenAI's `user`). */
  user?: string;
}

/** Why a completion ended, as OpenAI reports it. */
export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls' | 'function_call';

/** Model tokens of a completion, as the upstream counted them. */
export interface CompletionUsage {
  promptTokens: number;
  completionTokens: number;
}

/** The answer of a completion that was not streamed. */
export interface CompletionResult {
  /** The upstream's id of the completion (`chatcmpl-...`); made up by the local model. */
  id: string;
  /** The model that answered, as the upstream names it. */
  model: string;
  text: string;
  finishReason: FinishReason;
  /** null when the upstream did not report usage: count with the tokenizer then (tokenizer.ts). */
  usage: CompletionUsage | null;
}

/**
 * One piece of a streamed completion. Pieces carry text until one carries the finish reason;
 * usage comes with the last piece (with `text: ''`), or never when the upstream did not report it.
 * A stream whose last piece has no finish reason does not end: it fails with UpstreamFailed.
 */
export interface CompletionChunk {
  /** The text added by this piece; '' for a piece that only carries the finish reason or usage. */
  text: string;
  finishReason: FinishReason | null;
  usage: CompletionUsage | null;
}

/** What went wrong with an upstream request. */
export type UpstreamFailureKind =
  /** The upstream answered with an error: an HTTP error status (upstreamStatus says which), or an error event in a stream. */
  | 'error'
  /** The upstream could not be reached, or the connection broke (mid-stream included). */
  | 'connection'
  /** No answer within the client's timeout. */
  | 'timeout'
  /** The caller's AbortSignal fired (client gone, shutdown): the upstream request was cancelled. */
  | 'aborted'
  /** The upstream answered something that is not a completion, or a stream that ended without a finish reason. */
  | 'malformed';

/**
 * The one error an upstream raises: 502 UPSTREAM_FAILED on the HTTP side. Its message is safe to
 * show; what the upstream itself said is only in `cause` (for the logs): it can name keys or
 * internal hosts. `upstreamStatus` (also in the error body) is the upstream's HTTP status, when it
 * answered one.
 */
export class UpstreamFailed extends AppError {
  readonly upstreamStatus: number | null;

  constructor(
    readonly kind: UpstreamFailureKind,
    message: string,
    options: { upstreamStatus?: number; cause?: unknown } = {},
  ) {
    super(ErrorCode.UPSTREAM_FAILED, message, options.upstreamStatus === undefined ? {} : { upstreamStatus: options.upstreamStatus });
    this.name = 'UpstreamFailed';
    this.upstreamStatus = options.upstreamStatus ?? null;
    if (options.cause !== undefined) this.cause = options.cause;
  }

  static aborted(cause?: unknown): UpstreamFailed {
    return new UpstreamFailed('aborted', 'The completion was cancelled', { cause });
  }
}

/**
 * The port to a model server, and its injection token: inject `LlmUpstream` to get the app's
 * binding, which routes each request by model (see ModelRouter). Implementations: LocalModel (the
 * built-in `local` model) and OpenAiUpstream (an OpenAI-compatible API at LLM_BASE_URL).
 *
 * Every failure is an UpstreamFailed, a cancelled `signal` included (kind 'aborted'); a model the
 * binding does not serve is an AppError NOT_FOUND. Neither method retries.
 */
export abstract class LlmUpstream {
  /** Whether this upstream answers requests for the model id (a cheap, synchronous check to make before holding tokens). */
  abstract serves(model: string): boolean;

  /**
   * Runs a completion to the end and answers it whole. `onAccepted` is called once the upstream took
   * the request (its success status arrived): from then on it bills the request, even when it is
   * cancelled before any output.
   */
  abstract complete(request: ChatRequest, signal?: AbortSignal, onAccepted?: () => void): Promise<ChatAnswer>;

  /**
   * Streams a completion. The request is sent when iteration starts; failing to start rejects the
   * first `next()`. Stopping iteration early (break, return) or aborting `signal` cancels the
   * upstream request. `onAccepted` as for `complete`.
   */
  abstract stream(request: ChatRequest, signal?: AbortSignal, onAccepted?: () => void): AsyncIterable<ChatChunk>;
}
