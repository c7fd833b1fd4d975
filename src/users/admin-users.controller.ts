import { Body, Controller, Put } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminApi } from '../common/api-auth.decorator.js';
import { CurrentPrincipal } from '../common/auth.decorators.js';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import type { Principal } from '../common/principal.js';
import { UuidParam } from '../common/uuid-param.js';
import { ChangePlanDto, SubscriptionDto } from '../subscriptions/dto/subscription.dto.js';
import { SubscriptionsService } from '../subscriptions/subscriptions.service.js';
import { TokensService } from '../tokens/tokens.service.js';

@AdminApi()
@Controller('admin/users/:userId')
export class AdminUsersController {
  constructor(
    private readonly tokens: TokensService,
    private readonly subscriptions: SubscriptionsService,
  ) {}

  @Put('subscription')
  @ApiOperation({ summary: "Change a user's plan; an upgrade adds the difference in monthly tokens at once" })
  @ApiOkResponse({ type: SubscriptionDto })
  @ApiNotFoundResponse({ description: 'Unknown user or plan', type: ErrorBodyDto })
  async changePlan(@CurrentPrincipal() admin: Principal, @UuidParam('userId') userId: string, @Body() body: ChangePlanDto): Promise<SubscriptionDto> {
    const { subscription } = await this.tokens.changePlan(userId, body.planCode, admin.userId);
    return SubscriptionDto.from(subscription, await this.subscriptions.getPlan(subscription.planCode));
  }
}
