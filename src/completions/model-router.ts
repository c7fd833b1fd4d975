import { AppError, ErrorCode } from '../common/app-error.js';
import { DEFAULT_UPSTREAM, LOCAL_UPSTREAM } from '../config/llm-upstreams.js';
import type { ChatAnswer, ChatChunk, ChatRequest } from './chat-api.js';
import { LlmUpstream } from './llm-upstream.js';
import { LOCAL_MODEL_ID, type LocalModel } from './local-model.js';

/** What routing needs of a model's row (AiModelView has it): its id and the upstream it names (null: its usual one). */
export interface ModelRoute {
  model: string;
  upstream: string | null;
}

/**
 * The app's LlmUpstream binding: which upstream answers which model.
 *
 * - `local` is always answered by the built-in LocalModel, so the service keeps one model that works
 *   offline and costs nothing upstream.
 * - Every other model goes to the OpenAI-compatible upstream its `ai_models` row names (`upstream`:
 *   a name of LLM_UPSTREAMS), or to the one named `default` (LLM_BASE_URL) when the row names none.
 *   A model whose upstream is not configured on this instance is not served: `serves()` is false and a
 *   request is 404 NOT_FOUND.
 *
 * Whether a model may be used at all (and its price) is the `ai_models` table's business (AiModels):
 * a caller reads the model's row, then routes it with `serves(row)` / `upstreamFor(row)` before it holds
 * tokens. Given only an id (`complete`/`stream`, the text services), the router routes it as a row
 * that names no upstream.
 */
export class ModelRouter extends LlmUpstream {
  private readonly upstreams: ReadonlyMap<string, LlmUpstream>;

  /** `upstreams`: the configured OpenAI-compatible upstreams by name, `default` among them when LLM_BASE_URL is set. */
  constructor(
    private readonly local: LocalModel,
    upstreams: ReadonlyMap<string, LlmUpstream>,
  ) {
    super();
    this.upstreams = new Map([...upstreams, [LOCAL_UPSTREAM, local]]);
  }

  /** The names of the upstreams this instance has, `local` included, sorted. */
  get names(): string[] {
    return [...this.upstreams.keys()].sort();
  }

  /** The name of the upstream the model goes to, configured or not. */
  routeOf(model: string | ModelRoute): string {
    const { model: id, upstream } = typeof model === 'string' ? { model, upstream: null } : model;
    return upstream ?? (id === LOCAL_MODEL_ID ? LOCAL_UPSTREAM : DEFAULT_UPSTREAM);
  }

  serves(model: string | ModelRoute): boolean {
    return this.find(model) !== undefined;
  }

  /** The upstream that answers the model; AppError NOT_FOUND when this instance has none for it. */
  upstreamFor(model: string | ModelRoute): LlmUpstream {
    const upstream = this.find(model);
    if (upstream) return upstream;
    const id = typeof model === 'string' ? model : model.model;
    throw new AppError(ErrorCode.NOT_FOUND, `The model '${id}' is not served here (its upstream is not configured)`);
  }

  async complete(request: ChatRequest, signal?: AbortSignal, onAccepted?: () => void): Promise<ChatAnswer> {
    return this.upstreamFor(request.model).complete(request, signal, onAccepted);
  }

  async *stream(request: ChatRequest, signal?: AbortSignal, onAccepted?: () => void): AsyncGenerator<ChatChunk> {
    yield* this.upstreamFor(request.model).stream(request, signal, onAccepted);
  }

  /**
   * Why an admin may not map the model to `upstream`, or null when it may: the name must be one this
   * instance has, and the built-in model and the local upstream go only with each other.
   */
  refusalToMap(model: string, upstream: string): string | null {
    const others = this.names.filter((name) => name !== LOCAL_UPSTREAM);
    const configured = others.length > 0 ? others.join(', ') : 'none (set LLM_BASE_URL or LLM_UPSTREAMS)';
    if ((model === LOCAL_MODEL_ID) !== (upstream === LOCAL_UPSTREAM))
      return `upstream "${LOCAL_UPSTREAM}" is the built-in model's, and only the built-in model "${LOCAL_MODEL_ID}" is served by it`;
    if (!this.upstreams.has(upstream)) return `upstream must be one of the configured upstreams: ${configured}`;
    return null;
  }

  private find(model: string | ModelRoute): LlmUpstream | undefined {
    const name = this.routeOf(model);
    // The local model answers only its own id, whatever a row says.
    if (name === LOCAL_UPSTREAM) return this.local.serves(typeof model === 'string' ? model : model.model) ? this.local : undefined;
    return this.upstreams.get(name);
  }
}
