import { Injectable, OnModuleInit } from '@nestjs/common';
import { TokenPrices } from '@token-metering/tokens';
import { AiModels } from './ai-models.service.js';
import { COMPLETION_ACTION } from './chat-completions.service.js';
import { ModelRouter } from './model-router.js';

/**
 * Shows the completion models in every caller's price list (GET /tokens/costs): two lines per model
 * this instance serves, its price per 1,000 prompt tokens and per 1,000 completion tokens.
 */
@Injectable()
export class ModelPriceLines implements OnModuleInit {
  constructor(
    private readonly prices: TokenPrices,
    private readonly models: AiModels,
    private readonly router: ModelRouter,
  ) {}

  onModuleInit(): void {
    this.prices.addPriceLines(async () =>
      (await this.models.list())
        .filter((model) => this.router.serves(model))
        .flatMap((model) => [
          {
            action: `${COMPLETION_ACTION}:${model.model}:input`,
            cost: model.inputPer1k,
            description: `POST /v1/chat/completions with model ${model.model}: tokens per 1,000 prompt tokens`,
          },
          {
            action: `${COMPLETION_ACTION}:${model.model}:output`,
            cost: model.outputPer1k,
            description: `POST /v1/chat/completions with model ${model.model}: tokens per 1,000 completion tokens (at most ${model.maxOutputTokens} per request)`,
          },
        ]),
    );
  }
}
