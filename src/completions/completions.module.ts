import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { DEFAULT_UPSTREAM } from '../config/llm-upstreams.js';
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

/** The OpenAI-compatible upstream at LLM_BASE_URL (named `default`); null when it is unset. */
function upstreamAtBaseUrl(config: AppConfig): OpenAiUpstream | null {
  const baseURL = config.get('LLM_BASE_URL');
  return baseURL ? new OpenAiUpstream({ baseURL, apiKey: config.get('LLM_API_KEY') }) : null;
}

/** Embeddings from the `default` upstream (LLM_BASE_URL, when set) and the named ones of LLM_UPSTREAMS, routed like the completions. */
function embeddingsRouterOf(local: LocalEmbeddings, config: AppConfig, routes: ModelRouter): EmbeddingsRouter {
  const baseURL = config.get('LLM_BASE_URL');
  const upstreams = new Map<string, EmbeddingsUpstream>(
    baseURL ? [[DEFAULT_UPSTREAM, new OpenAiEmbeddings({ baseURL, apiKey: config.get('LLM_API_KEY') })]] : [],
  );
  for (const { name, baseURL: url, apiKey } of config.get('llmUpstreams'))
    upstreams.set(name, new OpenAiEmbeddings({ baseURL: url, apiKey }));
  return new EmbeddingsRouter(local, upstreams, routes);
}

/** The router over the built-in model, the `default` upstream (when set) and the named upstreams of LLM_UPSTREAMS. */
function routerOf(local: LocalModel, byBaseUrl: OpenAiUpstream | null, config: AppConfig): ModelRouter {
  const upstreams = new Map<string, LlmUpstream>(byBaseUrl ? [[DEFAULT_UPSTREAM, byBaseUrl]] : []);
  for (const { name, baseURL, apiKey } of config.get('llmUpstreams')) upstreams.set(name, new OpenAiUpstream({ baseURL, apiKey }));
  return new ModelRouter(local, upstreams);
}

/**
 * The building blocks of the AI completions: the model table and its prices (AiModels, GET /v1/models,
 * /admin/models), and the upstreams behind ModelRouter (also bound to the `LlmUpstream` token): `local`
 * is always the built-in LocalModel, every other model the OpenAI-compatible upstream its row names, or
 * LLM_BASE_URL's. The pricing and tokenizer helpers are plain functions (pricing.ts, tokenizer.ts). A
 * test replaces the upstream of LLM_BASE_URL with overrideProvider(OpenAiUpstream), or the whole
 * routing with overrideProvider(ModelRouter). POST /v1/responses is served by the same chat completions;
 * embeddings (POST /v1/embeddings) have their own port, `EmbeddingsUpstream` (LocalEmbeddings, OpenAiEmbeddings).
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
    { provide: ModelRouter, inject: [LocalModel, OpenAiUpstream, AppConfig], useFactory: routerOf },
    { provide: LlmUpstream, useExisting: ModelRouter },
    Embeddings,
    LocalEmbeddings,
    { provide: EmbeddingsRouter, inject: [LocalEmbeddings, AppConfig, ModelRouter], useFactory: embeddingsRouterOf },
    { provide: EmbeddingsUpstream, useExisting: EmbeddingsRouter },
  ],
  exports: [AiModels, ModelRouter, LlmUpstream, ChatCompletions, CompletionSlots],
})
export class CompletionsModule {}
