import { AppError, ErrorCode } from '../common/app-error.js';
import type { ChatAnswer, ChatChunk, ChatRequest } from './chat-api.js';
import { LlmUpstream } from './llm-upstream.js';
import type { LocalModel } from './local-model.js';

/**
 * The app's LlmUpstream binding: which upstream answers which model.
 *
 * - `local` is always answered by the built-in LocalModel, with or without LLM_BASE_URL, so the
 *   service keeps one model that works offline and costs nothing upstream.
 * - Every other model goes to the OpenAI-compatible upstream at LLM_BASE_URL; without it, no other
 *   model is served: `serves()` is false and a request is 404 NOT_FOUND.
 *
 * Whether a model may be used at all (and its price) is the `ai_models` table's business (AiModels):
 * a caller checks both, the model's row and `serves()`, before it holds tokens.
 */
export class ModelRouter extends LlmUpstream {
  constructor(
    private readonly local: LocalModel,
    private readonly remote: LlmUpstream | null,
  ) {
    super();
  }

  serves(model: string): boolean {
    return this.local.serves(model) || (this.remote?.serves(model) ?? false);
  }

  async complete(request: ChatRequest, signal?: AbortSignal, onAccepted?: () => void): Promise<ChatAnswer> {
    return this.upstreamFor(request.model).complete(request, signal, onAccepted);
  }

  async *stream(request: ChatRequest, signal?: AbortSignal, onAccepted?: () => void): AsyncGenerator<ChatChunk> {
    yield* this.upstreamFor(request.model).stream(request, signal, onAccepted);
  }

  private upstreamFor(model: string): LlmUpstream {
    if (this.local.serves(model)) return this.local;
    if (this.remote?.serves(model)) return this.remote;
    throw new AppError(ErrorCode.NOT_FOUND, `The model '${model}' is not served here (no upstream is configured for it)`);
  }
}
