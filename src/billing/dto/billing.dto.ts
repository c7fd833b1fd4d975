import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { PAYMENT_WEBHOOK_PATH, type CheckoutSession } from '../payment-provider.js';
import { Purchase, PurchaseStatus } from '../purchase.entity.js';
import type { TokenPackage } from '../token-package.entity.js';
import { PaymentEventDto } from './webhooks.dto.js';

const UUID_EXAMPLE = '3f0c5b1e-8d2a-4c6f-9b7e-1a2d3c4e5f60';
const TIME_EXAMPLE = '2026-11-21T10:00:00.000Z';

export class TokenPackageDto {
  @ApiProperty({ example: 'tokens_10k' })
  code: string;

  @ApiProperty({ example: '10,000 tokens' })
  name: string;

  @ApiProperty({ example: 10000, description: 'Tokens credited once the payment succeeds' })
  tokens: number;

  @ApiProperty({ example: 2900, description: 'Price in the smallest unit of `currency` (cents for usd)' })
  priceCents: number;

  @ApiProperty({ example: 'usd', description: 'ISO 4217 currency code, lower case; usd unless the package names another' })
  currency: string;

  static from(pkg: TokenPackage): TokenPackageDto {
    const { code, name, tokens, priceCents, currency } = pkg;
    return { code, name, tokens, priceCents, currency };
  }
}

export class CheckoutDto {
  @ApiProperty({ example: 'tokens_10k', description: 'code of an active package (GET /billing/packages)' })
  @IsString()
  @MaxLength(32)
  @Matches(/\S/, { message: 'packageCode must not be blank' })
  packageCode: string;

  @ApiPropertyOptional({
    example: true,
    description:
      "Stripe only (default false): also save the card for automatic top-up (PUT /billing/auto-top-up). The payment is made as the user's Stripe customer with `setup_future_usage: off_session`; " +
      'the card is saved when Stripe reports it (`payment_intent.succeeded`). Ignored by the local provider.',
  })
  // Omitted or a boolean: null is refused like any other non-boolean.
  @ValidateIf((_body: unknown, value: unknown) => value !== undefined)
  @IsBoolean()
  saveCard?: boolean;
}

export class CheckoutCompletionDto {
  @ApiProperty({ example: 'POST', enum: ['POST'] })
  method: 'POST';

  @ApiProperty({ example: PAYMENT_WEBHOOK_PATH })
  webhookPath: string;

  @ApiProperty({
    example: `{"id":"evt_local_8c1d...","type":"payment.succeeded","data":{"purchaseId":"${UUID_EXAMPLE}"}}`,
    description: 'The exact request body to send: the signature covers these bytes',
  })
  body: string;

  @ApiProperty({ type: PaymentEventDto, description: '`body`, parsed' })
  event: PaymentEventDto;

  @ApiProperty({ example: '5d41402abc4b2a76b9719d911017c592...', description: 'Value of the X-Signature header' })
  signature: string;
}

export class CheckoutResultDto {
  @ApiProperty({ example: UUID_EXAMPLE })
  purchaseId: string;

  @ApiProperty({ enum: PurchaseStatus, example: PurchaseStatus.Pending })
  status: PurchaseStatus;

  @ApiProperty({ example: 'tokens_10k' })
  packageCode: string;

  @ApiProperty({ example: 10000 })
  tokens: number;

  @ApiProperty({ example: 2900 })
  priceCents: number;

  @ApiProperty({ example: 'usd', description: 'Currency of priceCents (ISO 4217, lower case)' })
  currency: string;

  @ApiProperty({ example: 'stripe', description: 'The payment provider that takes the payment: stripe or local' })
  provider: string;

  @ApiProperty({ example: 'cs_test_a1b2c3', description: "The provider's id of this payment (Stripe: the Checkout Session id)" })
  providerReference: string;

  @ApiProperty({ example: TIME_EXAMPLE })
  createdAt: string;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'https://checkout.stripe.com/c/pay/cs_test_a1b2c3',
    description: 'The hosted payment page to send the buyer to (Stripe Checkout); null for the local provider',
  })
  redirectUrl: string | null;

  @ApiProperty({
    nullable: true,
    type: CheckoutCompletionDto,
    description:
      'Local provider (demo, never in production): POST `body` to `webhookPath` with the header `X-Signature: <signature>` to complete the payment. Null otherwise.',
  })
  completion: CheckoutCompletionDto | null;

  static from(purchase: Purchase, session: CheckoutSession): CheckoutResultDto {
    return {
      purchaseId: purchase.id,
      status: purchase.status,
      packageCode: purchase.packageCode,
      tokens: purchase.tokens,
      priceCents: purchase.priceCents,
      currency: purchase.currency,
      provider: purchase.provider,
      providerReference: session.providerReference,
      createdAt: purchase.createdAt.toISOString(),
      redirectUrl: session.redirectUrl ?? null,
      completion: session.completion ?? null,
    };
  }
}

export class PurchaseDto {
  @ApiProperty({ example: UUID_EXAMPLE })
  id: string;

  @ApiProperty({ example: 'tokens_10k' })
  packageCode: string;

  @ApiProperty({ example: 10000 })
  tokens: number;

  @ApiProperty({ example: 2900 })
  priceCents: number;

  @ApiProperty({ example: 'usd', description: 'Currency of priceCents (ISO 4217, lower case)' })
  currency: string;

  @ApiProperty({
    enum: PurchaseStatus,
    example: PurchaseStatus.Paid,
    description:
      'pending (checkout started), paid (credited), failed, partially_refunded or refunded (that share of the tokens taken back), ' +
      'disputed (every token taken back while the dispute is open or after it was lost; a won dispute gives them back)',
  })
  status: PurchaseStatus;

  @ApiProperty({
    example: 0,
    description: 'Tokens taken back by refunds and disputes (less what a won dispute gave back); what was already spent is owed instead',
  })
  tokensReversed: number;

  @ApiProperty({ example: 'local' })
  provider: string;

  @ApiProperty({ example: false, description: 'Bought by automatic top-up (an off-session payment), not at a checkout' })
  automatic: boolean;

  @ApiProperty({ example: TIME_EXAMPLE })
  createdAt: string;

  @ApiProperty({ nullable: true, type: String, example: TIME_EXAMPLE, description: 'When the purchase became paid or failed' })
  completedAt: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '0b8f1f0e-3c1d-4a55-9e2b-5b8e7c1d2a3f',
    description: 'The `purchase` ledger entry that credited the tokens',
  })
  ledgerEntryId: string | null;

  static from(purchase: Purchase): PurchaseDto {
    const {
      id,
      packageCode,
      tokens,
      priceCents,
      currency,
      status,
      tokensReversed,
      provider,
      automatic,
      createdAt,
      completedAt,
      ledgerEntryId,
    } = purchase;
    return {
      id,
      packageCode,
      tokens,
      priceCents,
      currency,
      status,
      tokensReversed,
      provider,
      automatic,
      createdAt: createdAt.toISOString(),
      completedAt: completedAt?.toISOString() ?? null,
      ledgerEntryId,
    };
  }
}

export class PurchasesQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50, description: 'How many of the newest purchases to return' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 50;
}
