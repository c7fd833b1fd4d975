import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PAYMENT_EVENT_TYPES, PAYMENT_WEBHOOK_PATH, type CheckoutSession, type PaymentEventType } from '../payment-provider.js';
import { Purchase, PurchaseStatus } from '../purchase.entity.js';
import type { TokenPackage } from '../token-package.entity.js';

const UUID_EXAMPLE = '3f0c5b1e-8d2a-4c6f-9b7e-1a2d3c4e5f60';
const TIME_EXAMPLE = '2026-11-21T10:00:00.000Z';

/** The outcome of one webhook delivery. */
export enum WebhookOutcome {
  /** The purchase was pending or failed and is now paid; its tokens were credited. */
  Credited = 'credited',
  /** The purchase was pending and is now failed. */
  Failed = 'failed',
  /** Nothing changed: the purchase was already paid (or already failed, for a failure), or the event is not about a payment. */
  Ignored = 'ignored',
  /** The checkout is complete but the payment is still on its way; a later event settles it. */
  AwaitingPayment = 'awaiting_payment',
  /** No purchase has this id; the event is recorded so the provider stops retrying. */
  UnknownPurchase = 'unknown_purchase',
  /** This event id was processed before: nothing changed. */
  Duplicate = 'duplicate',
}

export class TokenPackageDto {
  @ApiProperty({ example: 'tokens_10k' })
  code: string;

  @ApiProperty({ example: '10,000 tokens' })
  name: string;

  @ApiProperty({ example: 10000, description: 'Tokens credited once the payment succeeds' })
  tokens: number;

  @ApiProperty({ example: 2900 })
  priceCents: number;

  static from(pkg: TokenPackage): TokenPackageDto {
    const { code, name, tokens, priceCents } = pkg;
    return { code, name, tokens, priceCents };
  }
}

export class CheckoutDto {
  @ApiProperty({ example: 'tokens_10k', description: 'code of an active package (GET /billing/packages)' })
  @IsString()
  @MaxLength(32)
  @Matches(/\S/, { message: 'packageCode must not be blank' })
  packageCode: string;
}

export class PaymentEventDataDto {
  @ApiProperty({ example: UUID_EXAMPLE, description: 'purchaseId of the checkout' })
  @IsUUID()
  purchaseId: string;
}

/** The signed event a payment provider posts to the webhook. */
export class PaymentEventDto {
  @ApiProperty({
    example: 'evt_1Q2w3E4r',
    description: "The provider's event id (1 to 255 visible ASCII characters); each id is processed once",
  })
  @IsString()
  @Matches(/^[\x21-\x7e]{1,255}$/, { message: 'id must be 1 to 255 visible ASCII characters' })
  id: string;

  @ApiProperty({ enum: PAYMENT_EVENT_TYPES, example: 'payment.succeeded' })
  @IsIn(PAYMENT_EVENT_TYPES)
  type: PaymentEventType;

  @ApiProperty({ type: PaymentEventDataDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PaymentEventDataDto)
  data: PaymentEventDataDto;
}

export class StripeEventObjectDto {
  @ApiProperty({ example: 'checkout.session' })
  object: string;

  @ApiPropertyOptional({ example: 'paid', description: 'Checkout Session: paid, unpaid or no_payment_required' })
  payment_status?: string;

  @ApiPropertyOptional({ example: UUID_EXAMPLE, description: 'Checkout Session: the purchaseId' })
  client_reference_id?: string;

  @ApiPropertyOptional({ example: { purchaseId: UUID_EXAMPLE }, description: 'Checkout Session: `purchaseId` names the purchase' })
  metadata?: Record<string, string>;
}

export class StripeEventDataDto {
  @ApiProperty({ type: StripeEventObjectDto })
  object: StripeEventObjectDto;
}

/** The parts of a Stripe event this API reads (documentation only: the SDK verifies and parses the raw body). */
export class StripeEventDto {
  @ApiProperty({ example: 'evt_1Q2w3E4r5T6y', description: "Stripe's event id; each is processed once" })
  id: string;

  @ApiProperty({ example: 'event' })
  object: string;

  @ApiProperty({ example: 'checkout.session.completed' })
  type: string;

  @ApiProperty({ type: StripeEventDataDto })
  data: StripeEventDataDto;
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

  @ApiProperty({ enum: PurchaseStatus, example: PurchaseStatus.Paid })
  status: PurchaseStatus;

  @ApiProperty({ example: 'local' })
  provider: string;

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
    const { id, packageCode, tokens, priceCents, status, provider, createdAt, completedAt, ledgerEntryId } = purchase;
    return {
      id,
      packageCode,
      tokens,
      priceCents,
      status,
      provider,
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

export class WebhookResultDto {
  @ApiProperty({ example: true })
  received: true;

  @ApiProperty({ enum: WebhookOutcome, example: WebhookOutcome.Credited })
  outcome: WebhookOutcome;
}
