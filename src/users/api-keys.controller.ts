import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiSessionAuth } from '../common/api-auth.decorator.js';
import { CurrentPrincipal } from '../common/auth.decorators.js';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import type { Principal } from '../common/principal.js';
import { UuidParam } from '../common/uuid-param.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto.js';

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
    const { id, name, prefix, createdAt } = ApiKeyDto.from(apiKey);
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
    return (await this.apiKeys.list(principal.userId)).map(ApiKeyDto.from);
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
