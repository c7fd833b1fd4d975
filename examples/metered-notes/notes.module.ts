import { Body, Controller, Injectable, Module, Post } from '@nestjs/common';
import { IsString, MaxLength } from 'class-validator';
import { AccountPolicy, TokenPrice, TokensModule } from '@token-metering/tokens';

/** Every customer gets 1,000 tokens a month, nothing rolls over, one price tier. */
@Injectable()
export class FlatMonthlyTokens extends AccountPolicy {
  private static readonly TOKENS = 1000;
  openingTerms = async () => ({ allowance: FlatMonthlyTokens.TOKENS, periodEnd: this.nextPeriodEnd(new Date()), tier: 'flat' });
  nextPeriodEnd = (start: Date) => new Date(start.getTime() + 30 * 24 * 3600 * 1000);
  periodTerms = async () => ({ grant: FlatMonthlyTokens.TOKENS, rolloverCap: 0, tier: 'flat' });
  periodRolled = async () => undefined;
  priceTierOf = async () => 'flat';
  tierExists = async (tier: string) => tier === 'flat';
  payerExists = async () => true;
  summary = async () => ({
    tier: 'flat',
    periodAllowance: FlatMonthlyTokens.TOKENS,
    periodStart: new Date(),
    periodEnd: this.nextPeriodEnd(new Date()),
  });
}

export class SummarizeDto {
  @IsString()
  @MaxLength(10_000)
  text: string;
}

// #region meter
@Controller('notes')
export class NotesController {
  /** 1 token per started 1,000 characters, charged before the handler runs and refunded if it throws. */
  @Post('summary')
  @TokenPrice('note_summary', { price: 1, units: (body: SummarizeDto) => Math.max(1, Math.ceil(body.text.length / 1000)) })
  summarize(@Body() body: SummarizeDto): { summary: string } {
    return { summary: body.text.split(/(?<=[.!?])\s/)[0] };
  }
}

/** The example's own module: metering in a few lines, with its own account policy and its own idea of who pays. */
@Module({
  imports: [
    TokensModule.forRoot({
      accountPolicy: FlatMonthlyTokens,
      // This example trusts a header set by its gateway; a real app names its authenticated user here.
      payerOf: (request) => {
        const customer = request.headers['x-customer-id'];
        return typeof customer === 'string' && /^[A-Za-z0-9_-]{1,36}$/.test(customer) ? customer : null;
      },
    }),
  ],
  controllers: [NotesController],
})
export class NotesModule {}
// #endregion
