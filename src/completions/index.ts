/**
 * The completions module's public entry: what the chat completions controller, the services and
 * tests use. Import from here rather than from the files behind it.
 */
export { CompletionsModule } from './completions.module.js';
export { AiModels, type AiModelView } from './ai-models.service.js';
export { AiModel } from './ai-model.entity.js';
export { CompletionSlots, type CompletionSlot } from './completion-slots.js';
export type { ChatAnswer, ChatChunk, ChatRequest } from './chat-api.js';
export { LlmUpstream, UpstreamFailed, type UpstreamComplaint, type UpstreamFailureKind } from './llm-upstream.js';
export {
  ChatCompletions,
  COMPLETION_ACTION,
  OUTPUT_LIMIT_HEADER,
  type ChatCompletionEvent,
  type ChatUsage,
  type CompletionContext,
} from './chat-completions.service.js';
export { type ChatCompletionBody, ChatRequestPipe, choicesOf, requestedOutputOf, upstreamRequestOf } from './chat-request.js';
export { answerTexts, chunkTexts, contentTexts, countedMessagesOf, promptExtrasOf } from './chat-texts.js';
export { CHAT_ROLES, chatMessageProblem } from './dto/chat-messages.validator.js';
export { UpstreamRejected, relayedUpstreamError } from './upstream-rejected.js';
export { LOCAL_MODEL_ID, LOCAL_MODEL_OPTIONS, LOCAL_REPLY_TOKENS, LocalModel, type LocalModelOptions } from './local-model.js';
export { ModelRouter, type ModelRoute } from './model-router.js';
export { EmbeddingsRouter, EmbeddingsUpstream, inputsOf, type EmbeddingsRequest, type EmbeddingsResult } from './embeddings-upstream.js';
export { EMBEDDING_ACTION, Embeddings } from './embeddings.service.js';
export { LOCAL_EMBEDDING_DIMENSIONS, LocalEmbeddings, localVectorOf, MAX_LOCAL_EMBEDDING_VALUES } from './local-embeddings.js';
export { OpenAiEmbeddings } from './openai-embeddings.js';
export { DEFAULT_UPSTREAM_TIMEOUT_MS, OpenAiUpstream, type OpenAiUpstreamOptions } from './openai.upstream.js';
export {
  OpenAiErrorBodyDto,
  OpenAiErrorFilter,
  OpenAiErrors,
  openAiErrorType,
  toOpenAiErrorBody,
  type OpenAiErrorBody,
} from './openai-error.filter.js';
export {
  affordableOutputOf,
  MAX_OUTPUT_TOKENS_LIMIT,
  MAX_PRICE_PER_1K,
  maxPriceOf,
  outputLimitOf,
  priceOf,
  type ModelPricing,
} from './pricing.js';
export {
  countTokens,
  countTextsInSlices,
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
export { MAX_EMBEDDING_DIMENSIONS, MAX_EMBEDDING_INPUT_LENGTH, MAX_EMBEDDING_INPUTS, MAX_TOKEN_ID } from './dto/embeddings.dto.js';
