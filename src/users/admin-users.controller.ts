import { Body, Controller, Put } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminApi } from '../common/api-auth.decorator.js';
import { CurrentPrincipal } from '../common/auth.decorators.js';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import type { Principal } from '../common/principal.js';
import { UuidParam } from '../common/uuid-param.js';
import { ChangePlanDto, SubscriptionDto } from '../subscriptions/dto/subscription.dto.js';
import { Idempotency, type IdempotencyContext, IdempotentApi, IdempotentWrites, requestIdsOf } from '@token-metering/tokens';
import { PlanChanges } from '../subscriptions/plan-changes.service.js';

@AdminApi()
@Controller('admin/users/:userId')
export class AdminUsersController {
  constructor(
    private readonly planChanges: PlanChanges,
    private readonly idempotent: IdempotentWrites,
  ) {}

  @Put('subscription')
  @ApiOperation({
    summary: "Change a user's plan",
    description:
      "An upgrade adds at once what the new plan's monthly tokens exceed the highest allowance already granted this period; a downgrade takes nothing back.",
  })
  @ApiOkResponse({ type: SubscriptionDto })
  @ApiNotFoundResponse({ description: 'Unknown user or plan', type: ErrorBodyDto })
  @IdempotentApi()
  changePlan(
    @CurrentPrincipal() admin: Principal,
    @UuidParam('userId') userId: string,
    @Body() body: ChangePlanDto,
    @Idempotency() idempotency: IdempotencyContext,
  ): Promise<SubscriptionDto> {
    return this.idempotent.answer(idempotency, admin.userId, async (em) => {
      const { subscription, plan } = await this.planChanges.change(em, userId, body.planCode, {
        actorId: admin.userId,
        ...requestIdsOf(idempotency),
      });
      return SubscriptionDto.from(subscription, plan);
    });
  }
}
