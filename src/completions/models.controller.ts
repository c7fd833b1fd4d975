import { Controller, Get, Param } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AppError } from '../common/app-error.js';
import { ApiAuth } from '../common/api-auth.decorator.js';
import { AiModels } from './ai-models.service.js';
import { MODEL_PARAM_DOCS, ModelDto, ModelListDto, ModelParamDto } from './dto/ai-model.dto.js';
import { ModelRouter } from './model-router.js';
import { OpenAiErrorBodyDto, OpenAiErrors } from './openai-error.filter.js';

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

  @Get(':model')
  @ApiOperation({
    summary: 'One model the completions can use, with its prices',
    description:
      "OpenAI's model object (what `client.models.retrieve(id)` of an OpenAI SDK reads), exactly as GET /v1/models lists it. " +
      "A model that is not in the list (no such model, or one this instance cannot serve) is 404 NOT_FOUND in OpenAI's error shape.",
  })
  @ApiParam(MODEL_PARAM_DOCS)
  @ApiOkResponse({ type: ModelDto })
  @ApiBadRequestResponse({ type: OpenAiErrorBodyDto, description: 'VALIDATION_FAILED: not a model id' })
  @ApiNotFoundResponse({ type: OpenAiErrorBodyDto, description: 'NOT_FOUND: no such model, or none this instance serves' })
  async retrieve(@Param() { model }: ModelParamDto): Promise<ModelDto> {
    const found = await this.models.get(model);
    if (!found || !this.router.serves(found)) throw AppError.notFound(`Model '${model}'`);
    return ModelDto.from(found);
  }
}
