import { Body, Controller, Get, HttpCode, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../common/api-auth.decorator.js';
import { CurrentPrincipal } from '../common/auth.decorators.js';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import type { Principal } from '../common/principal.js';
import { AlertsService } from './alerts.service.js';
import { AlertsDto, PutAlertsDto, SavedAlertSettingDto } from './dto/alerts.dto.js';

/** Balance alerts. Never metered: they work at balance 0. */
@ApiTags('alerts')
@ApiAuth()
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Put()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set balance alerts: thresholds and the webhook that receives them',
    description:
      "Replaces the caller's setting. Each threshold (`tokens`, or `percentOfAllowance` of the plan's period allowance; at most 10) fires one `balance.below_threshold` event each time the balance goes from at or above it to below it. " +
      'Events are posted to `webhookUrl` as `{ id, type, createdAt, data }` with `X-Signature`, the hex HMAC-SHA256 of the raw body keyed with `signingSecret`: a new secret at each PUT, shown only in this answer. ' +
      'Delivered at least once (de-duplicate by `id`), in order, retried with backoff for 24 hours.',
  })
  @ApiOkResponse({ type: SavedAlertSettingDto })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: a bad threshold or webhookUrl; nothing was changed', type: ErrorBodyDto })
  put(@CurrentPrincipal() principal: Principal, @Body() body: PutAlertsDto): Promise<SavedAlertSettingDto> {
    return this.alerts.put(principal.userId, body);
  }

  @Get()
  @ApiOperation({
    summary: "The caller's balance alerts and their last deliveries",
    description:
      'The setting without its signing secret, and the last 20 events sent to the webhook (newest first) with their delivery status.',
  })
  @ApiOkResponse({ type: AlertsDto })
  get(@CurrentPrincipal() principal: Principal): Promise<AlertsDto> {
    return this.alerts.get(principal.userId);
  }
}
