import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { Clock } from '@token-metering/database';
import { TokensRoutes } from '../http/tokens-routes.js';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ERROR_CASES, errorResponse } from '../http/error-body.dto.js';
import { TokensErrorCode } from '../tokens.errors.js';
import { Payer } from '../http/payer.decorator.js';
import { UuidParam } from '../http/uuid-param.js';
import { AdminRoutes } from './admin-routes.js';
import {
  AdjustTokensDto,
  AdminAccountDto,
  AdminLedgerEntryDto,
  AdminTransactionsPageDto,
  GrantTokensDto,
  promotionOf,
} from './admin-tokens.dto.js';
import { TransactionsQueryDto } from '../http/token-views.dto.js';
import { Idempotency, type IdempotencyContext, IdempotentApi, IdempotentWrites, requestIdsOf } from '../idempotency/idempotent-writes.js';
import { TokensService } from '../ledger/tokens.service.js';

@AdminRoutes()
@ApiResponse(errorResponse(404, 'NOT_FOUND: no such user', [TokensErrorCode.NOT_FOUND, 'User not found']))
@TokensRoutes()
@Controller('admin/users/:userId/tokens')
export class AdminTokensController {
  constructor(
    private readonly tokens: TokensService,
    private readonly idempotent: IdempotentWrites,
    private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({
    summary: "A user's balance, period and latest ledger entries",
    description:
      'Admin only. The balance with its allowance and credits, the current period, and the latest 20 ledger entries; 404 for an unknown user. Read-only.',
  })
  @ApiOkResponse({ type: AdminAccountDto })
  async account(@UuidParam('userId') userId: string): Promise<AdminAccountDto> {
    return AdminAccountDto.fromView(await this.tokens.account(userId));
  }

  @Get('transactions')
  @ApiOperation({
    summary: "A user's whole ledger, newest first, a page at a time",
    description:
      'Admin only. As GET /tokens/transactions answers the user (pages of at most `limit` entries, `nextCursor` as `cursor` for the next, filters by `type` and `action`), with the admin who made each entry; 404 for an unknown user. Read-only.',
  })
  @ApiOkResponse({
    type: AdminTransactionsPageDto,
    example: {
      items: [
        {
          id: '0b8f1f0e-3c1d-4a55-9e2b-5b8e7c1d2a3f',
          seq: 12,
          type: 'admin_grant',
          action: null,
          amount: 5000,
          allowanceAmount: 0,
          creditsAmount: 5000,
          balanceAfter: 14700,
          requestId: '5d0b7a3e-2f9c-4c1e-9a57-0c8e2b6f4d21',
          clientRequestId: null,
          createdAt: '2026-11-21T10:00:00.000Z',
          metadata: { reason: 'Compensation for the outage of 2026-11-20' },
          actorId: '9a0e7c1b-1f2d-4c3b-8a4e-5d6f7a8b9c0d',
        },
      ],
      nextCursor: '12',
    },
  })
  @ApiResponse(
    errorResponse(
      400,
      'VALIDATION_FAILED: a userId that is not a UUID, a `limit` outside 1..100, a `cursor` this list did not give or an unknown `type`',
      [
        TokensErrorCode.VALIDATION_FAILED,
        'Validation failed: limit',
        { details: [{ field: 'limit', errors: ['limit must not be greater than 100'] }] },
      ],
    ),
  )
  async transactions(@UuidParam('userId') userId: string, @Query() query: TransactionsQueryDto): Promise<AdminTransactionsPageDto> {
    const page = await this.tokens.userTransactions(userId, { ...query, cursor: query.cursor ? Number(query.cursor) : undefined });
    return { items: page.items.map(AdminLedgerEntryDto.fromEntry), nextCursor: page.nextCursor };
  }

  @Post('grant')
  @ApiOperation({
    summary: 'Add tokens to a user; the entry records the admin and the reason',
    description:
      "Admin only. Adds `amount` (1 to 1,000,000,000) to the user's credits with an `admin_grant` entry that records the admin and the reason. Without `expiresAt` they never expire. With `expiresAt` it is a promotional grant (its id is the entry's `metadata.grantId`): spent after the period allowance and before other credits, by `priority` (1 first, default 50), then the soonest to expire, then the oldest; what is left of it at `expiresAt` is removed by a `grant_expiry` entry, and from then on it is never spent. Send `Idempotency-Key` so a retry never grants twice.",
  })
  @ApiCreatedResponse({ type: AdminLedgerEntryDto, description: 'The admin_grant ledger entry' })
  @IdempotentApi()
  grant(
    @Payer() adminId: string,
    @UuidParam('userId') userId: string,
    @Body() body: GrantTokensDto,
    @Idempotency() idempotency: IdempotencyContext,
  ): Promise<AdminLedgerEntryDto> {
    const { expiresAt, priority, ...adjustment } = body;
    return this.adjust(
      'grant',
      adminId,
      userId,
      { ...adjustment, ...promotionOf({ expiresAt, priority, ...adjustment }, this.clock.now()) },
      idempotency,
    );
  }

  @Post('deduct')
  @ApiOperation({
    summary: 'Remove tokens from a user; refused with 402 (changing nothing) when the balance is short',
    description:
      'Admin only. Takes `amount` from the allowance first, then from credits, with an `admin_deduct` entry that records the admin and the reason. Send `Idempotency-Key` so a retry never deducts twice; a refused deduct leaves the key unused.',
  })
  @ApiCreatedResponse({ type: AdminLedgerEntryDto, description: 'The admin_deduct ledger entry' })
  @ApiResponse(errorResponse(402, 'INSUFFICIENT_TOKENS: the deduction would take the balance below 0', ERROR_CASES.insufficientTokens))
  @IdempotentApi()
  deduct(
    @Payer() adminId: string,
    @UuidParam('userId') userId: string,
    @Body() body: AdjustTokensDto,
    @Idempotency() idempotency: IdempotencyContext,
  ): Promise<AdminLedgerEntryDto> {
    return this.adjust('deduct', adminId, userId, body, idempotency);
  }

  private adjust(
    kind: 'grant' | 'deduct',
    adminId: string,
    userId: string,
    body: AdjustTokensDto & { expiresAt?: Date; priority?: number },
    idempotency: IdempotencyContext,
  ): Promise<AdminLedgerEntryDto> {
    return this.idempotent.answer(idempotency, adminId, async (em) =>
      AdminLedgerEntryDto.fromEntry(
        await this.tokens.adjust(em, userId, { kind, ...body }, { actorId: adminId, ...requestIdsOf(idempotency) }),
      ),
    );
  }
}
