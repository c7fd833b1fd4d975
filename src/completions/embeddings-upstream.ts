import { AppError, ErrorCode } from '../common/app-error.js';
import { LOCAL_UPSTREAM } from '../config/llm-upstreams.js';
import type { ModelRoute, ModelRouter } from './model-router.js';

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
 * The app's binding, routed as the completions are (ModelRouter.routeOf): `local` is always the
 * built-in model; every other model goes to the upstream its row names, or to `default` (LLM_BASE_URL);
 * a model whose upstream is not configured here is not served (`serves()` false, 404).
 */
export class EmbeddingsRouter extends EmbeddingsUpstream {
  private readonly upstreams: ReadonlyMap<string, EmbeddingsUpstream>;

  /** `upstreams`: the OpenAI-compatible ones by name, `default` among them when LLM_BASE_URL is set. */
  constructor(
    private readonly local: EmbeddingsUpstream,
    upstreams: ReadonlyMap<string, EmbeddingsUpstream>,
    private readonly routes: Pick<ModelRouter, 'routeOf'>,
  ) {
    super();
    this.upstreams = new Map([...upstreams, [LOCAL_UPSTREAM, local]]);
  }

  serves(model: string | ModelRoute): boolean {
    return this.find(model) !== undefined;
  }

  override check(request: EmbeddingsRequest): void {
    this.upstreamFor(request.model).check(request);
  }

  embed(request: EmbeddingsRequest, signal?: AbortSignal): Promise<EmbeddingsResult> {
    return this.upstreamFor(request.model).embed(request, signal);
  }

  /** The upstream that makes the model's embeddings; AppError NOT_FOUND when this instance has none for it. */
  upstreamFor(model: string | ModelRoute): EmbeddingsUpstream {
    const upstream = this.find(model);
    if (upstream) return upstream;
    const id = typeof model === 'string' ? model : model.model;
    throw new AppError(ErrorCode.NOT_FOUND, `The model '${id}' is not served here (its upstream is not configured)`);
  }

  private find(model: string | ModelRoute): EmbeddingsUpstream | undefined {
    const name = this.routes.routeOf(model);
    if (name === LOCAL_UPSTREAM) return this.local.serves(typeof model === 'string' ? model : model.model) ? this.local : undefined;
    return this.upstreams.get(name);
  }
}
