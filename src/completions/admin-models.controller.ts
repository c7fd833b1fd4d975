import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { AdminApi } from '../common/api-auth.decorator.js';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import { AiModels } from './ai-models.service.js';
import { AdminModelDto, MODEL_PARAM_DOCS, ModelParamDto, SetModelPricingDto } from './dto/ai-model.dto.js';

@AdminApi()
@Controller('admin/models')
export class AdminModelsController {
  constructor(private readonly models: AiModels) {}

  @Get()
  @ApiOperation({
    summary: 'Every model of the AI completions, with its prices',
    description:
      'Admin only. Every row of the model table, also those this instance cannot serve now (a model other than `local` without LLM_BASE_URL), which GET /v1/models leaves out. Read-only.',
  })
  @ApiOkResponse({ type: [AdminModelDto] })
  async list(): Promise<AdminModelDto[]> {
    return (await this.models.list()).map(AdminModelDto.from);
  }

  @Put(':model')
  @ApiOperation({
    summary: 'Add a model, or change its prices and output limit',
    description:
      "Admin only. Prices are this service's tokens per 1,000 prompt (`inputPer1k`) and completion (`outputPer1k`) tokens; " +
      '`maxOutputTokens` caps (and is the default of) the output limit of a request, and with it what a request holds. ' +
      'Takes effect on the next request, on every instance; requests already running keep the price they held at. ' +
      'The model id is sent to the upstream as it is, so it must be a name LLM_BASE_URL knows (or `local`).',
  })
  @ApiParam(MODEL_PARAM_DOCS)
  @ApiOkResponse({ type: AdminModelDto, description: 'The model as stored' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: a bad model id, price or limit', type: ErrorBodyDto })
  async set(@Param() { model }: ModelParamDto, @Body() body: SetModelPricingDto): Promise<AdminModelDto> {
    return AdminModelDto.from(await this.models.upsert(model, body));
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
