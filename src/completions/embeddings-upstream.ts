import { AppError, ErrorCode } from '../common/app-error.js';

/** An embeddings request to run on an upstream, validated: the client's fields as it sent them (the encoding is the service's business). */
export interface EmbeddingsRequest {
  /** The model id, as in `ai_models` (and as the upstream knows it). */
  model: string;
  input: string | string[] | number[] | number[][];
  dimensions?: number;
  /** An id of the end user, passed on for the upstream's abuse monitoring (OpenAI's `user`). */
  user?: string;
}

/** The vectors of an embeddings request, one per input in order, and the model that made them. */
export interface EmbeddingsResult {
  model: string;
  vectors: Float32Array[];
}

/** The inputs of a request, one per vector: texts or token id arrays. */
export function inputsOf(input: EmbeddingsRequest['input']): (string | number[])[] {
  if (typeof input === 'string') return [input];
  if (typeof input[0] === 'number') return [input as number[]];
  return input as string[] | number[][];
}

/**
 * The port to what makes embeddings, and its injection token: inject `EmbeddingsUpstream` to get the
 * app's binding, which routes each request by model (EmbeddingsRouter). Implementations:
 * LocalEmbeddings (the built-in `local` model) and OpenAiEmbeddings (the OpenAI-compatible API at
 * LLM_BASE_URL). Every failure of the work is an UpstreamFailed (or, for a request the upstream
 * refused, an AppError with its status); none retries.
 */
export abstract class EmbeddingsUpstream {
  /** Whether this upstream answers requests for the model id (a cheap, synchronous check to make before charging). */
  abstract serves(model: string): boolean;

  /**
   * Refuses (AppError VALIDATION_FAILED) a request this upstream would not answer, before anything
   * is charged; by default every request is taken.
   */
  check(_request: EmbeddingsRequest): void {}

  abstract embed(request: EmbeddingsRequest, signal?: AbortSignal): Promise<EmbeddingsResult>;
}

/**
 * The app's binding: `local` is always the built-in model; every other model goes to the upstream at
 * LLM_BASE_URL, and without it no other model is served (`serves()` false, 404), as for completions.
 */
export class EmbeddingsRouter extends EmbeddingsUpstream {
  constructor(
    private readonly local: EmbeddingsUpstream,
    private readonly remote: EmbeddingsUpstream | null,
  ) {
    super();
  }

  serves(model: string): boolean {
    return this.local.serves(model) || (this.remote?.serves(model) ?? false);
  }

  override check(request: EmbeddingsRequest): void {
    this.upstreamFor(request.model).check(request);
  }

  embed(request: EmbeddingsRequest, signal?: AbortSignal): Promise<EmbeddingsResult> {
    return this.upstreamFor(request.model).embed(request, signal);
  }

  private upstreamFor(model: string): EmbeddingsUpstream {
    if (this.local.serves(model)) return this.local;
    if (this.remote?.serves(model)) return this.remote;
    throw new AppError(ErrorCode.NOT_FOUND, `The model '${model}' is not served here (no upstream is configured for it)`);
  }
}
