import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { AdminModelsController } from './admin-models.controller.js';
import { AiModels } from './ai-models.service.js';
import { ChatCompletionsController } from './chat-completions.controller.js';
import { ChatCompletions } from './chat-completions.service.js';
import { CompletionSlots } from './completion-slots.js';
import { EmbeddingsController } from './embeddings.controller.js';
import { EmbeddingsRouter, EmbeddingsUpstream } from './embeddings-upstream.js';
import { Embeddings } from './embeddings.service.js';
import { LlmUpstream } from './llm-upstream.js';
import { LocalEmbeddings } from './local-embeddings.js';
import { LocalModel } from './local-model.js';
import { ModelPriceLines } from './model-price-lines.js';
import { ModelRouter } from './model-router.js';
import { ModelsController } from './models.controller.js';
import { OpenAiEmbeddings } from './openai-embeddings.js';
import { OpenAiUpstream } from './openai.upstream.js';
import { ResponsesController } from './responses/responses.controller.js';

/** The OpenAI-compatible upstream at LLM_BASE_URL; null when it is unset (only the local model answers). */
function upstreamAtBaseUrl(config: AppConfig): OpenAiUpstream | null {
  const baseURL = config.get('LLM_BASE_URL');
  return baseURL ? new OpenAiUpstream({ baseURL, apiKey: config.get('LLM_API_KEY') }) : null;
}

/** Embeddings from the OpenAI-compatible upstream at LLM_BASE_URL; null when it is unset. */
function embeddingsAtBaseUrl(config: AppConfig): OpenAiEmbeddings | null {
  const baseURL = config.get('LLM_BASE_URL');
  return baseURL ? new OpenAiEmbeddings({ baseURL, apiKey: config.get('LLM_API_KEY') }) : null;
}

/**
 * The building blocks of the AI completions (POST /v1/chat/completions, and POST /v1/responses
 * served by the same chat completions): the model table and its prices (AiModels, GET /v1/models,
 * /admin/models), and the upstreams behind the `LlmUpstream` token: `local` is always the built-in
 * LocalModel, every other model the OpenAI-compatible API at LLM_BASE_URL when it is set (ModelRouter).
 * The pricing and tokenizer helpers are plain functions (pricing.ts, tokenizer.ts). A test replaces
 * an upstream with overrideProvider(LlmUpstream) or overrideProvider(OpenAiUpstream). Embeddings (POST /v1/embeddings)
 * have their own port, `EmbeddingsUpstream`, routed the same way (LocalEmbeddings, OpenAiEmbeddings).
 */
@Module({
  controllers: [ModelsController, AdminModelsController, ChatCompletionsController, EmbeddingsController, ResponsesController],
  providers: [
    AiModels,
    ChatCompletions,
    CompletionSlots,
    ModelPriceLines,
    LocalModel,
    { provide: OpenAiUpstream, inject: [AppConfig], useFactory: upstreamAtBaseUrl },
    {
      provide: LlmUpstream,
      inject: [LocalModel, OpenAiUpstream],
      useFactory: (local: LocalModel, remote: OpenAiUpstream | null) => new ModelRouter(local, remote),
    },
    Embeddings,
    LocalEmbeddings,
    { provide: OpenAiEmbeddings, inject: [AppConfig], useFactory: embeddingsAtBaseUrl },
    {
      provide: EmbeddingsUpstream,
      inject: [LocalEmbeddings, OpenAiEmbeddings],
      useFactory: (local: LocalEmbeddings, remote: OpenAiEmbeddings | null) => new EmbeddingsRouter(local, remote),
    },
  ],
  exports: [AiModels, LlmUpstream, ChatCompletions, CompletionSlots],
})
export class CompletionsModule {}
