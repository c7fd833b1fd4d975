import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../common/api-auth.decorator.js';
import { CurrentPrincipal, Public } from '../common/auth.decorators.js';
import type { Principal } from '../common/principal.js';
import { PlanDto } from './dto/plan.dto.js';
import { SubscriptionDto } from './dto/subscription.dto.js';
import { SubscriptionsService } from './subscriptions.service.js';

@ApiTags('plans and subscriptions')
@Controller()
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Public()
  @Get('plans')
  @ApiOperation({
    summary: 'The plan catalog',
    description:
      'Public, no credentials needed. Each plan with its monthly tokens and the `rolloverCap` of the allowance kept when a period ends. Plans are changed by an admin (PUT /admin/users/{userId}/subscription).',
  })
  @ApiOkResponse({ type: [PlanDto] })
  async plans(): Promise<PlanDto[]> {
    return (await this.subscriptions.listPlans()).map(PlanDto.from);
  }

  @ApiAuth()
  @Get('subscriptions/me')
  @ApiOperation({
    summary: "The caller's subscription",
    description:
      "Works with an access token or an API key, at any balance. The plan and the current billing period (`periodStart`, `periodEnd`); the period rolls over at its end, granting the plan's monthly tokens again.",
  })
  @ApiOkResponse({ type: SubscriptionDto })
  async mine(@CurrentPrincipal() principal: Principal): Promise<SubscriptionDto> {
    const { subscription, plan } = await this.subscriptions.getForUser(principal.userId);
    return SubscriptionDto.from(subscription, plan);
  }
}
