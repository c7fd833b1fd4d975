import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { AdminApi } from '../common/api-auth.decorator.js';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import { AppError, ErrorCode } from '../common/app-error.js';
import { AiModels } from './ai-models.service.js';
import { AdminModelDto, MODEL_PARAM_DOCS, ModelParamDto, SetModelPricingDto } from './dto/ai-model.dto.js';
import { ModelRouter } from './model-router.js';

@AdminApi()
@Controller('admin/models')
export class AdminModelsController {
  constructor(
    private readonly models: AiModels,
    private readonly router: ModelRouter,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Every model of the AI completions, with its prices and its upstream',
    description:
      'Admin only. Every row of the model table, with the upstream that serves it (`upstream`), also those this instance cannot serve now ' +
      '(`served: false`: their upstream is not configured here), which GET /v1/models leaves out. Read-only. ' +
      'The upstreams are named here only: GET /v1/models does not show them.',
  })
  @ApiOkResponse({ type: [AdminModelDto] })
  async list(): Promise<AdminModelDto[]> {
    return (await this.models.list()).map((model) => AdminModelDto.from(model, this.router));
  }

  @Put(':model')
  @ApiOperation({
    summary: 'Add a model, or change its prices, output limit and upstream',
    description:
      "Admin only. Prices are this service's tokens per 1,000 prompt (`inputPer1k`) and completion (`outputPer1k`) tokens; " +
      '`maxOutputTokens` caps (and is the default of) the output limit of a request, and with it what a request holds. ' +
      'Takes effect on the next request, on every instance; requests already running keep the price they held at. ' +
      'The model id is sent to its upstream as it is, so it must be a name that upstream knows (or `local`). ' +
      '`upstream` (optional) picks the upstream: a name of LLM_UPSTREAMS, `default` (LLM_BASE_URL), or `local` for the built-in model; ' +
      'omitted, the model keeps the one it has (a new model gets `default`). The next request goes there. ' +
      'A name this instance has not configured is 400, listing the configured ones, and changes nothing.',
  })
  @ApiParam(MODEL_PARAM_DOCS)
  @ApiOkResponse({ type: AdminModelDto, description: 'The model as stored' })
  @ApiBadRequestResponse({
    description:
      'VALIDATION_FAILED: a bad model id, price or limit, or an upstream that is not configured here (the message lists those that are)',
    type: ErrorBodyDto,
  })
  async set(@Param() { model }: ModelParamDto, @Body() body: SetModelPricingDto): Promise<AdminModelDto> {
    const refusal = body.upstream === undefined ? null : this.router.refusalToMap(model, body.upstream);
    if (refusal) throw new AppError(ErrorCode.VALIDATION_FAILED, refusal, { details: [{ field: 'upstream', errors: [refusal] }] });
    return AdminModelDto.from(await this.models.upsert(model, body), this.router);
  }

  @Delete(':model')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove a model',
    description:
      'Admin only. From the next request on, completions for it are 404 and GET /v1/models leaves it out; requests already running settle at the price they held at. 404 when there is no such model, so a repeat changes nothing.',
  })
  @ApiParam(MODEL_PARAM_DOCS)
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: not a model id', type: ErrorBodyDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such model', type: ErrorBodyDto })
  async remove(@Param() { model }: ModelParamDto): Promise<void> {
    await this.models.remove(model);
  }
}
