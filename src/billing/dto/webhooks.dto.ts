import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsObject, IsString, IsUUID, Matches, ValidateNested } from 'class-validator';
import { PAYMENT_EVENT_TYPES, type PaymentEventType } from '../payment-provider.js';

const UUID_EXAMPLE = '3f0c5b1e-8d2a-4c6f-9b7e-1a2d3c4e5f60';

/** The outcome of one webhook delivery. */
export enum WebhookOutcome {
  /** The purchase was pending or failed and is now paid; its tokens were credited. */
  Credited = 'credited',
  /** The purchase was pending and is now failed. */
  Failed = 'failed',
  /**
   * No tokens moved: the purchase was already paid (or already failed, for a failure), a refund or
   * dispute found nothing left to take (an older refund, a lost dispute), or the event is not about a payment.
   */
  Ignored = 'ignored',
  /** The checkout is complete but the payment is still on its way; a later event settles it. */
  AwaitingPayment = 'awaiting_payment',
  /** No purchase has this id; the event is recorded so the provider stops retrying. */
  UnknownPurchase = 'unknown_purchase',
  /** This event id was processed before: nothing changed. */
  Duplicate = 'duplicate',
  /**
   * The event does not match the purchase it names (another Checkout Session, not paid, another
   * amount or currency; a refund of another amount or currency): nothing changed, and it was
   * logged as an error and counted (`payment_events_total{outcome="mismatch"}`).
   */
  Mismatch = 'mismatch',
  /** A refund or dispute took tokens back (a `purchase_reversal` entry). */
  Reversed = 'reversed',
  /** A won dispute gave back what the dispute took (a `purchase_reinstated` entry). */
  Reinstated = 'reinstated',
  /** A checkout made with `saveCard` was paid: its card is saved for automatic top-up. */
  CardSaved = 'card_saved',
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
  @ApiProperty({ example: 'checkout.session', description: 'checkout.session, charge or dispute' })
  object: string;

  @ApiPropertyOptional({
    example: 'cs_test_a1b2c3',
    description: 'Checkout Session: must be the session created for the purchase at checkout (its providerReference)',
  })
  id?: string;

  @ApiPropertyOptional({
    example: 'paid',
    description: 'Checkout Session: paid, unpaid or no_payment_required; only paid credits (unpaid on completion: awaiting_payment)',
  })
  payment_status?: string;

  @ApiPropertyOptional({ example: 2900, description: "Checkout Session: must equal the purchase's priceCents" })
  amount_total?: number;

  @ApiPropertyOptional({ example: 'usd', description: "Checkout Session and charge: must equal the purchase's currency" })
  currency?: string;

  @ApiPropertyOptional({
    example: 'pi_3Q2w3E4r5T6y',
    description: 'Checkout Session: the payment, recorded on the purchase when credited. Charge and dispute: finds the purchase',
  })
  payment_intent?: string;

  @ApiPropertyOptional({
    example: 2900,
    description: "Charge: the amount paid (must equal the purchase's priceCents). Dispute: the amount disputed",
  })
  amount?: number;

  @ApiPropertyOptional({
    example: 1000,
    description: 'Charge (charge.refunded): everything refunded so far, cumulative over partial refunds',
  })
  amount_refunded?: number;

  @ApiPropertyOptional({
    example: 'won',
    description: 'Dispute (charge.dispute.closed): won or warning_closed give the tokens back; lost keeps them taken',
  })
  status?: string;

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

export class WebhookResultDto {
  @ApiProperty({ example: true })
  received: true;

  @ApiProperty({ enum: WebhookOutcome, example: WebhookOutcome.Credited })
  outcome: WebhookOutcome;
}
