import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { TokensRoutes } from '../http/tokens-routes.js';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import { errorResponse } from '../http/error-body.dto.js';
import { TokensErrorCode } from '../tokens.errors.js';
import { Payer } from '../http/payer.decorator.js';
import { AdminRoutes } from './admin-routes.js';
import { ActionParamDto, OverrideTargetQueryDto, overrideTargetOf, PriceOverrideDto, SetPriceOverrideDto } from './admin-tokens.dto.js';
import { TokenPrices } from '../prices/token-prices.service.js';

@AdminRoutes()
@TokensRoutes()
@Controller('admin/costs')
export class AdminPricesController {
  constructor(private readonly prices: TokenPrices) {}

  @Get()
  @ApiOperation({
    summary: 'Every price override',
    description:
      "Admin only. Global, plan and user overrides with who set them and when; actions without an override cost their endpoint's default. Read-only.",
  })
  @ApiOkResponse({ type: [PriceOverrideDto] })
  async list(): Promise<PriceOverrideDto[]> {
    return (await this.prices.listOverrides()).map(PriceOverrideDto.from);
  }

  @Put(':action')
  @ApiOperation({
    summary: 'Set the price of a metered action: for everyone, for a plan (planCode) or for a user (userId)',
    description:
      'The most specific override wins (user > plan > global > the default). It applies from the next request on, on every instance.',
  })
  @ApiParam({ name: 'action', example: 'generate_seo_title' })
  @ApiOkResponse({ type: PriceOverrideDto })
  @ApiResponse(
    errorResponse(404, 'NOT_FOUND: unknown action, plan or user', [TokensErrorCode.NOT_FOUND, "Metered action 'seo_titles' not found"]),
  )
  async set(@Payer() adminId: string, @Param() { action }: ActionParamDto, @Body() body: SetPriceOverrideDto): Promise<PriceOverrideDto> {
    return PriceOverrideDto.from(await this.prices.setOverride(action, body.cost, overrideTargetOf(body), adminId));
  }

  @Delete(':action')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove an override (global without query parameters); the next request pays the next most specific price',
    description:
      'Admin only. Pass the same `planCode` or `userId` as when the override was set; 404 for an unknown action or when there is no such override, so a repeat is 404 and changes nothing.',
  })
  @ApiParam({ name: 'action', example: 'generate_seo_title' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiResponse(
    errorResponse(404, 'NOT_FOUND: unknown action, or no such override', [
      TokensErrorCode.NOT_FOUND,
      "Price override of 'generate_seo_title' for this plan not found",
    ]),
  )
  async remove(@Param() { action }: ActionParamDto, @Query() target: OverrideTargetQueryDto): Promise<void> {
    await this.prices.removeOverride(action, overrideTargetOf(target));
  }
}
