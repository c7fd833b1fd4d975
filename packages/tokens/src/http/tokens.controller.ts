import { Controller, Get, Query } from '@nestjs/common';
import { TokensRoutes } from './tokens-routes.js';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Clock } from '@token-metering/database';
import { TokensErrorBodyDto as ErrorBodyDto } from './error-body.dto.js';
import { BalanceDto, LedgerEntryDto, PriceDto, TransactionsPageDto, TransactionsQueryDto } from './token-views.dto.js';
import { Payer } from './payer.decorator.js';
import { TokenPrices } from '../prices/token-prices.service.js';
import { TokensService } from '../ledger/tokens.service.js';
import { TokenUsage } from '../usage/token-usage.service.js';
import { dayOf } from '../usage/usage-days.js';
import { usageRangeOf } from '../usage/usage-range.js';
import { UsageQueryDto, UsageReportDto } from './usage-views.dto.js';

@ApiTags('tokens')
@ApiUnauthorizedResponse({
  description: "UNAUTHENTICATED: nobody pays for this request (the host's payerOf named no one)",
  type: ErrorBodyDto,
})
@TokensRoutes()
@Controller('tokens')
export class TokensController {
  constructor(
    private readonly tokens: TokensService,
    private readonly prices: TokenPrices,
    private readonly usage: TokenUsage,
    private readonly clock: Clock,
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

  @Get('usage')
  @ApiOperation({
    summary: "The caller's net spend per UTC day, per action or per AI model",
    description:
      'Never metered, with an access token or an API key. Net tokens spent (what `usage` entries took minus what `refund` entries gave back; ' +
      "a completion's `hold` and `hold_release` cancel out and its settled `usage` counts) and charged requests (usage entries minus refunds), " +
      'per UTC day from `from` to `to` (both included; default the last 30 days, at most 366) and per key: the action, or with ' +
      '`groupBy=model` the AI model (entries without a model under their action). Every series has a point for every day, zeros included.',
  })
  @ApiOkResponse({
    type: UsageReportDto,
    example: {
      interval: 'day',
      groupBy: 'model',
      from: '2026-12-05T00:00:00.000Z',
      to: '2026-12-06T00:00:00.000Z',
      series: [
        {
          key: 'gpt-4o-mini',
          points: [
            { start: '2026-12-05T00:00:00.000Z', tokens: 900, requests: 3 },
            { start: '2026-12-06T00:00:00.000Z', tokens: 350, requests: 1 },
          ],
          total: { tokens: 1250, requests: 4 },
        },
        {
          key: 'generate_seo_title',
          points: [
            { start: '2026-12-05T00:00:00.000Z', tokens: 0, requests: 0 },
            { start: '2026-12-06T00:00:00.000Z', tokens: 300, requests: 1 },
          ],
          total: { tokens: 300, requests: 1 },
        },
      ],
      totals: { tokens: 1550, requests: 5 },
    },
  })
  @ApiBadRequestResponse({
    description:
      'VALIDATION_FAILED: `from` or `to` is no date, `from` is after `to`, the range is longer than 366 days, or `interval` is not `day`',
    type: ErrorBodyDto,
  })
  async usageReport(@Payer() payerId: string, @Query() query: UsageQueryDto): Promise<UsageReportDto> {
    const range = usageRangeOf(query, dayOf(this.clock.now()));
    return UsageReportDto.from(await this.usage.report(payerId, { ...range, groupBy: query.groupBy }));
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
