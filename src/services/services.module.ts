import { Module } from '@nestjs/common';
import { CompletionsModule, LlmUpstream } from '../completions/index.js';
import { AppConfig } from '../config/app-config.js';
import { ContentProvider } from './content-provider.js';
import { LocalContentProvider } from './local-content.provider.js';
import { ServicesController } from './services.controller.js';
import { UpstreamContentProvider } from './upstream-content.provider.js';

/** The text services on the AI upstream when LLM_BASE_URL is set; otherwise every service is local and deterministic. */
function contentProviderFor(config: AppConfig, upstream: LlmUpstream): ContentProvider {
  return config.get('LLM_BASE_URL') ? new UpstreamContentProvider(upstream, config.get('LLM_SERVICES_MODEL')) : new LocalContentProvider();
}

@Module({
  imports: [CompletionsModule],
  controllers: [ServicesController],
  providers: [{ provide: ContentProvider, inject: [AppConfig, LlmUpstream], useFactory: contentProviderFor }],
})
export class ServicesModule {}
