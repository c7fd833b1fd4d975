import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../common/api-auth.decorator.js';
import { BalanceDto, LedgerEntryDto, PriceDto, TransactionsPageDto, TransactionsQueryDto } from './dto/token-views.dto.js';
import { Payer } from './payer.decorator.js';
import { TokenPrices } from './token-prices.service.js';
import { TokensService } from './tokens.service.js';

@ApiTags('tokens')
@ApiAuth()
@Controller('tokens')
export class TokensController {
  constructor(
    private readonly tokens: TokensService,
    private readonly prices: TokenPrices,
  ) {}

  @Get('balance')
  @ApiOperation({ summary: "The caller's balance and period; works at balance 0" })
  @ApiOkResponse({ type: BalanceDto })
  async balance(@Payer() payerId: string): Promise<BalanceDto> {
    return BalanceDto.from(await this.tokens.balance(payerId));
  }

  @Get('transactions')
  @ApiOperation({ summary: "The caller's ledger, newest first" })
  @ApiOkResponse({ type: TransactionsPageDto })
  async transactions(@Payer() payerId: string, @Query() query: TransactionsQueryDto): Promise<TransactionsPageDto> {
    const page = await this.tokens.transactions(payerId, { ...query, cursor: query.cursor ? Number(query.cursor) : undefined });
    return { items: page.items.map(LedgerEntryDto.from), nextCursor: page.nextCursor };
  }

  @Get('costs')
  @ApiOperation({ summary: 'Effective price list for the caller' })
  @ApiOkResponse({ type: [PriceDto] })
  async costs(@Payer() payerId: string): Promise<PriceDto[]> {
    return (await this.prices.pricesFor(payerId)).map(PriceDto.from);
  }
}
