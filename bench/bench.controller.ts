import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { type ChatCompletionBody, ChatRequestPipe, requestedOutputOf, upstreamRequestOf } from '../src/completions/chat-request.js';
import { LlmUpstream } from '../src/completions/llm-upstream.js';
import { outputLimitOf } from '../src/completions/pricing.js';
import { AiModels } from '../src/completions/ai-models.service.js';
import { SkipTokens, TokenPrice } from '@token-metering/tokens';

export const METERED_ACTION = 'bench_echo';

/**
 * Two identical trivial handlers. Both go through the same global guards (the caller must
 * authenticate); only the second one is metered, so the difference between them is the cost
 * of metering: price lookup, the charge transaction, the settlement interceptor, event logs.
 */
@Controller('bench')
export class BenchController {
  constructor(
    private readonly upstream: LlmUpstream,
    private readonly models: AiModels,
  ) {}

  /** POST /v1/chat/completions without its metering: the same model call and answer, no hold and no settlement. */
  @Post('completions-unmetered')
  @SkipTokens()
  @HttpCode(200)
  async completionsUnmetered(@Body(ChatRequestPipe) body: ChatCompletionBody): Promise<unknown> {
    const model = await this.models.require(body.model);
    return this.upstream.complete(upstreamRequestOf(body, model.model, outputLimitOf(model, requestedOutputOf(body)), body.n ?? 1));
  }

  @Post('unmetered')
  @SkipTokens()
  unmetered(): { ok: true } {
    return { ok: true };
  }

  @Post('metered')
  @TokenPrice(METERED_ACTION, 1)
  metered(): { ok: true } {
    return { ok: true };
  }
}
