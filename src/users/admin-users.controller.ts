import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminApi } from '../common/api-auth.decorator.js';
import { CurrentPrincipal } from '../common/auth.decorators.js';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import type { Principal } from '../common/principal.js';
import { UuidParam } from '../common/uuid-param.js';
import { ChangePlanDto, SubscriptionDto } from '../subscriptions/dto/subscription.dto.js';
import { Idempotency, type IdempotencyContext, IdempotentApi, IdempotentWrites, requestIdsOf } from '@token-metering/tokens';
import { PlanChanges } from '../subscriptions/plan-changes.service.js';
import { AdminUsersService } from './admin-users.service.js';
import { AdminUserDto, AdminUsersPageDto, AdminUsersQueryDto } from './dto/admin-users.dto.js';

@AdminApi()
@Controller('admin/users')
export class AdminUsersController {
  constructor(
    private readonly planChanges: PlanChanges,
    private readonly idempotent: IdempotentWrites,
    private readonly adminUsers: AdminUsersService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Find users by the start of their email, newest first',
    description:
      'Pages of at most `limit` users (default 20); pass `nextCursor` as `cursor`, with the same `email`, for the next page (null on the last). ' +
      '`email` is normalized like addresses (NFKC, trimmed, lower case) and matches the start of the stored address; `%`, `_` and `\\` match themselves.',
  })
  @ApiOkResponse({
    type: AdminUsersPageDto,
    example: {
      items: [
        {
          id: '4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10',
          email: 'ada@example.com',
          name: 'Ada',
          role: 'user',
          plan: 'pro',
          balance: 182500,
          createdAt: '2026-11-21T10:00:00.000Z',
        },
      ],
      nextCursor: 'MjAyNi0xMS0yMSAxMDowMDowMC4wMDB8NGY3YzJhNGUtNmE3ZS00ZDdiLTlkMWEtMGY2ZDNjMWMyYjEw',
    },
  })
  @ApiBadRequestResponse({
    description: 'VALIDATION_FAILED: a `limit` outside 1..100 or a `cursor` this list did not give',
    type: ErrorBodyDto,
  })
  search(@Query() query: AdminUsersQueryDto): Promise<AdminUsersPageDto> {
    return this.adminUsers.search(query);
  }

  @Get(':userId')
  @ApiOperation({
    summary: 'One user, with subscription and balance',
    description: 'The subscription as GET /subscriptions/me answers it and the balance as GET /tokens/balance does, for the user.',
  })
  @ApiOkResponse({ type: AdminUserDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no user has this id', type: ErrorBodyDto })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: userId is not a UUID', type: ErrorBodyDto })
  profile(@UuidParam('userId') userId: string): Promise<AdminUserDto> {
    return this.adminUsers.profile(userId);
  }

  @Put(':userId/subscription')
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
