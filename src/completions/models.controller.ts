import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../common/api-auth.decorator.js';
import { AiModels } from './ai-models.service.js';
import { ModelDto, ModelListDto } from './dto/ai-model.dto.js';
import { ModelRouter } from './model-router.js';
import { OpenAiErrors } from './openai-error.filter.js';

@ApiTags('ai completions')
@OpenAiErrors()
@ApiAuth()
@Controller('v1/models')
export class ModelsController {
  constructor(
    private readonly models: AiModels,
    private readonly router: ModelRouter,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The models the completions can use, with their prices',
    description:
      "OpenAI's model list (what `client.models.list()` of an OpenAI SDK reads, with an API key as the bearer token), with each " +
      "model's price in this service's tokens per 1,000 prompt and completion tokens and its output limit. A completion costs " +
      '`ceil((promptTokens * inputPer1k + completionTokens * outputPer1k) / 1000)`. Lists the priced models this instance can ' +
      'serve: the built-in `local` model always, the others only when the upstream that serves them is configured. Never metered; ' +
      "a price change shows from the next request on. Errors have OpenAI's shape `{ error: { message, type, code } }` beside the usual fields.",
  })
  @ApiOkResponse({ type: ModelListDto })
  async list(): Promise<ModelListDto> {
    const models = await this.models.list();
    return { object: 'list', data: models.filter((model) => this.router.serves(model)).map(ModelDto.from) };
  }
}
