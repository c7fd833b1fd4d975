import { AppError, ErrorCode } from '../common/app-error.js';
import type { ChatAnswer, ChatChunk, ChatRequest } from './chat-api.js';

export type { ChatAnswer, ChatChunk, ChatRequest } from './chat-api.js';

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
  /** The upstream answered something that is not a chat completion, or a stream that ended without a finish reason. */
  | 'malformed';

/** What an upstream's error answer said about the request: its OpenAI error `message` and `param`. */
export interface UpstreamComplaint {
  message: string;
  param: string | null;
}

/**
 * The one error an upstream raises: 502 UPSTREAM_FAILED on the HTTP side. Its message is safe to
 * show; what the upstream itself said is only in `cause` (for the logs): it can name keys or
 * internal hosts. `upstreamStatus` (also in the error body) is the upstream's HTTP status, when it
 * answered one; `complaint` is its error body's message and param, when it had them (a caller that
 * relays the client's own request may show them for a 4xx about that request).
 */
export class UpstreamFailed extends AppError {
  readonly upstreamStatus: number | null;
  readonly complaint: UpstreamComplaint | null;

  constructor(
    readonly kind: UpstreamFailureKind,
    message: string,
    options: { upstreamStatus?: number; cause?: unknown; complaint?: UpstreamComplaint } = {},
  ) {
    super(ErrorCode.UPSTREAM_FAILED, message, options.upstreamStatus === undefined ? {} : { upstreamStatus: options.upstreamStatus });
    this.name = 'UpstreamFailed';
    this.upstreamStatus = options.upstreamStatus ?? null;
    this.complaint = options.complaint ?? null;
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
   * Runs a completion to the end and answers it whole, as the upstream gave it (`usage` may be
   * missing). `request` is a Chat Completions body as the upstream takes it: every field the client
   * sent, `max_completion_tokens` set to the output limit in effect (no `max_tokens`), `n` set, no
   * `stream` or `stream_options`. `onAccepted` is called once the upstream took the request (its
   * success status arrived): from then on it bills the request, even when it is cancelled before any
   * output.
   */
  abstract complete(request: ChatRequest, signal?: AbortSignal, onAccepted?: () => void): Promise<ChatAnswer>;

  /**
   * Streams a completion: the upstream's chunks as it sent them, the usage chunk (no choices) last
   * when it reported usage (an implementation asks its server for it). The request is sent when
   * iteration starts; failing to start rejects the first `next()`; a stream that ends before any
   * choice finished fails (UpstreamFailed 'malformed'). Stopping iteration early (break, return) or
   * aborting `signal` cancels the upstream request. `request` and `onAccepted` as for `complete`.
   */
  abstract stream(request: ChatRequest, signal?: AbortSignal, onAccepted?: () => void): AsyncIterable<ChatChunk>;
}
