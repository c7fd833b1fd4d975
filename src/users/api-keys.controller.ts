import { Body, Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiSessionAuth } from '../common/api-auth.decorator.js';
import { CurrentPrincipal } from '../common/auth.decorators.js';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import type { Principal } from '../common/principal.js';
import { UuidParam } from '../common/uuid-param.js';
import { NullOrBodyPipe } from '../common/validation.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto, KeyLimitDto } from './dto/api-key.dto.js';

@ApiTags('api keys')
@ApiSessionAuth()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({
    summary: 'Create an API key; the key is shown only in this answer',
    description:
      'Needs an access token; an API key gets 403, so a leaked key cannot mint others. Only a hash of the key is stored: keep `key` from this answer, later lists show only its `prefix`. Send the key as `X-API-Key` or as the bearer token.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const { apiKey, key } = await this.apiKeys.create(principal.userId, body.name);
    const { id, name, prefix, createdAt } = ApiKeyDto.from({ apiKey, limit: null });
    return { id, name, key, prefix, createdAt };
  }

  @Get()
  @ApiOperation({
    summary: "The caller's live API keys",
    description:
      'Needs an access token (an API key gets 403). Keys that were not revoked, newest first, without the secret key itself: `prefix` tells them apart.',
  })
  @ApiOkResponse({ type: [ApiKeyDto] })
  async list(@CurrentPrincipal() principal: Principal): Promise<ApiKeyDto[]> {
    return (await this.apiKeys.listWithLimits(principal.userId)).map(ApiKeyDto.from);
  }

  @Put(':id/limit')
  @ApiOperation({
    summary: "Set or remove an API key's spending limit",
    description:
      'Needs an access token (an API key gets 403). `{ tokens, period }` sets the limit: a charge through the key that would pass it in its period (a UTC day, a calendar month UTC, or all time) is refused with 402 KEY_LIMIT_REACHED; JSON `null` removes it. Changing a limit keeps what the key spent in the current period. 404 when the caller has no live key with this id.',
  })
  @ApiBody({ schema: { nullable: true, allOf: [{ $ref: getSchemaPath(KeyLimitDto) }] } })
  @ApiExtraModels(KeyLimitDto)
  @ApiOkResponse({ type: ApiKeyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async setLimit(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body(new NullOrBodyPipe(KeyLimitDto)) body: KeyLimitDto | null,
  ): Promise<ApiKeyDto> {
    return ApiKeyDto.from(await this.apiKeys.setLimit(principal.userId, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke an API key; it stops working at once',
    description:
      "Needs an access token (an API key gets 403). 404 when the caller has no live key with this id (unknown, someone else's, or already revoked), so a repeat is 404 and changes nothing.",
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  revoke(@CurrentPrincipal() principal: Principal, @UuidParam('id') id: string): Promise<void> {
    return this.apiKeys.revoke(principal.userId, id);
  }
}
