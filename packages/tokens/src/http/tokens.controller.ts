import { Controller, Get, Query } from '@nestjs/common';
import { TokensRoutes } from './tokens-routes.js';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { errorResponse } from './error-body.dto.js';
import { TokensErrorCode } from '../tokens.errors.js';
import { BalanceDto, LedgerEntryDto, PriceDto, TransactionsPageDto, TransactionsQueryDto } from './token-views.dto.js';
import { Payer } from './payer.decorator.js';
import { TokenPrices } from '../prices/token-prices.service.js';
import { TokensService } from '../ledger/tokens.service.js';

@ApiTags('tokens')
@ApiResponse(
  errorResponse(401, "UNAUTHENTICATED: nobody pays for this request (the host's payerOf named no one)", [
    TokensErrorCode.UNAUTHENTICATED,
    'This route needs an authenticated caller',
  ]),
)
@TokensRoutes()
@Controller('tokens')
export class TokensController {
  constructor(
    private readonly tokens: TokensService,
    private readonly prices: TokenPrices,
  ) {}

  @Get('balance')
  @ApiOperation({
    summary: "The caller's balance and period; works at balance 0",
    description:
      "Never metered, with an access token or an API key. `balance` is `allowance` (the plan's tokens of the period, of which what exceeds the plan's rollover cap expires at the period's end) plus `credits` (purchases and admin grants, which never expire).",
  })
  @ApiOkResponse({ type: BalanceDto })
  async balance(@Payer() payerId: string): Promise<BalanceDto> {
    return BalanceDto.from(await this.tokens.balance(payerId));
  }

  @Get('transactions')
  @ApiOperation({
    summary: "The caller's ledger, newest first",
    description:
      'Never metered. Pages of at most `limit` entries; pass `nextCursor` as `cursor` for the next page (null on the last). Filter by entry `type` or by metered `action`. Entries are never changed: a refund is a new entry.',
  })
  @ApiOkResponse({ type: TransactionsPageDto })
  async transactions(@Payer() payerId: string, @Query() query: TransactionsQueryDto): Promise<TransactionsPageDto> {
    const page = await this.tokens.transactions(payerId, { ...query, cursor: query.cursor ? Number(query.cursor) : undefined });
    return { items: page.items.map(LedgerEntryDto.from), nextCursor: page.nextCursor };
  }

  @Get('costs')
  @ApiOperation({
    summary: 'Effective price list for the caller',
    description:
      "Never metered. Every metered action with the price this caller pays now (`cost`), the endpoint's own `defaultCost`, and which override sets it (`overriddenBy`: user, plan, global, or null). A price change applies from the next request on.",
  })
  @ApiOkResponse({ type: [PriceDto] })
  async costs(@Payer() payerId: string): Promise<PriceDto[]> {
    return (await this.prices.pricesFor(payerId)).map(PriceDto.from);
  }
}
