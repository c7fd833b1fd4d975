/**
 * The completions module's public entry: what the chat completions controller, the services and
 * tests use. Import from here rather than from the files behind it.
 */
export { CompletionsModule } from './completions.module.js';
export { AiModels, type AiModelView } from './ai-models.service.js';
export { AiModel } from './ai-model.entity.js';
export { CompletionSlots, type CompletionSlot } from './completion-slots.js';
export {
  CHAT_ROLES,
  LlmUpstream,
  UpstreamFailed,
  type ChatMessage,
  type ChatRole,
  type CompletionChunk,
  type CompletionRequest,
  type CompletionResult,
  type CompletionUsage,
  type FinishReason,
  type UpstreamFailureKind,
} from './llm-upstream.js';
export { LOCAL_MODEL_ID, LOCAL_MODEL_OPTIONS, LOCAL_REPLY_TOKENS, LocalModel, type LocalModelOptions } from './local-model.js';
export { ModelRouter, type ModelRoute } from './model-router.js';
export { DEFAULT_UPSTREAM_TIMEOUT_MS, OpenAiUpstream, type OpenAiUpstreamOptions } from './openai.upstream.js';
export {
  OpenAiErrorBodyDto,
  OpenAiErrorFilter,
  OpenAiErrors,
  openAiErrorType,
  toOpenAiErrorBody,
  type OpenAiErrorBody,
} from './openai-error.filter.js';
export { MAX_OUTPUT_TOKENS_LIMIT, MAX_PRICE_PER_1K, maxPriceOf, outputLimitOf, priceOf, type ModelPricing } from './pricing.js';
export {
  countTokens,
  countTokensInSlices,
  estimatePromptTokens,
  estimatePromptTokensInSlices,
  MAX_PIECE_LENGTH,
  REPLY_PRIMING_TOKENS,
  TOKENS_PER_MESSAGE,
  TOKENS_PER_NAME,
  type CountedMessage,
} from './tokenizer.js';
export { MODEL_ID } from './dto/ai-model.dto.js';
