import { Body, Controller, Get, Post } from '@nestjs/common';
import { TokensRoutes } from '../http/tokens-routes.js';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ERROR_CASES, errorResponse } from '../http/error-body.dto.js';
import { TokensErrorCode } from '../tokens.errors.js';
import { Payer } from '../http/payer.decorator.js';
import { UuidParam } from '../http/uuid-param.js';
import { AdminRoutes } from './admin-routes.js';
import { AdjustTokensDto, AdminAccountDto, AdminLedgerEntryDto } from './admin-tokens.dto.js';
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

  @Post('grant')
  @ApiOperation({
    summary: 'Add tokens to a user; the entry records the admin and the reason',
    description:
      "Admin only. Adds `amount` (1 to 1,000,000,000) to the user's credits, which never expire, with an `admin_grant` entry that records the admin and the reason. Send `Idempotency-Key` so a retry never grants twice.",
  })
  @ApiCreatedResponse({ type: AdminLedgerEntryDto, description: 'The admin_grant ledger entry' })
  @IdempotentApi()
  grant(
    @Payer() adminId: string,
    @UuidParam('userId') userId: string,
    @Body() body: AdjustTokensDto,
    @Idempotency() idempotency: IdempotencyContext,
  ): Promise<AdminLedgerEntryDto> {
    return this.adjust('grant', adminId, userId, body, idempotency);
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
    body: AdjustTokensDto,
    idempotency: IdempotencyContext,
  ): Promise<AdminLedgerEntryDto> {
    return this.idempotent.answer(idempotency, adminId, async (em) =>
      AdminLedgerEntryDto.fromEntry(
        await this.tokens.adjust(em, userId, { kind, ...body }, { actorId: adminId, ...requestIdsOf(idempotency) }),
      ),
    );
  }
}
