import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEnum, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { LedgerEntryType, LedgerMetadata, TokenLedgerEntry } from '../entities/token-ledger-entry.entity.js';
import { PriceScope } from '../entities/token-price-override.entity.js';
import type { PriceView } from '../prices/token-prices.service.js';
import type { BalanceView } from '../ledger/tokens.service.js';

export class PromotionalGrantDto {
  @ApiProperty({ example: '3c6f2b7e-0a59-4d1c-9b8e-2f1a7c5d9e04', description: "The grant's id (`metadata.grantId` of its entries)" })
  id: string;

  @ApiProperty({ example: 5000, description: 'Tokens granted' })
  amount: number;

  @ApiProperty({ example: 3200, description: 'What is left of it (0 when spent); part of `credits`' })
  remaining: number;

  @ApiProperty({ example: 50, description: '1 is spent first' })
  priority: number;

  @ApiProperty({ example: '2027-01-31T23:59:59.000Z', description: 'When what is left of it is removed (a `grant_expiry` entry)' })
  expiresAt: string;

  @ApiProperty({ example: 'Launch promotion' })
  reason: string;
}

export class BalanceDto {
  @ApiProperty({ example: 1087, description: 'allowance + credits: what metered requests can spend' })
  balance: number;

  @ApiProperty({
    example: 87,
    description: "The plan's tokens of the current period, spent first; what exceeds the plan's rolloverCap expires when the period ends",
  })
  allowance: number;

  @ApiProperty({ example: 1000, description: 'Purchased and admin-granted tokens; they never expire' })
  credits: number;

  @ApiProperty({
    example: 0,
    description: 'Reserved by requests still running (AI completions): already out of the balance, given back when they settle',
  })
  held: number;

  @ApiProperty({
    example: 0,
    description:
      'Tokens the account owes: what a refunded or disputed purchase or a completion priced above its hold found already spent ' +
      '(the balance never goes below 0). Any tokens the account receives repay it first (`owed_repayment` entries).',
  })
  owed: number;

  @ApiProperty({ example: 100, description: "Tokens per period from the subscription's plan" })
  tokensLimit: number;

  @ApiProperty({ example: 13 })
  usedThisPeriod: number;

  @ApiProperty({ example: 'free' })
  plan: string;

  @ApiProperty({ example: '2026-11-01T00:00:00.000Z' })
  periodStart: string;

  @ApiProperty({ example: '2026-12-01T00:00:00.000Z' })
  periodEnd: string;

  @ApiProperty({ example: false, description: 'True when the balance cannot pay for any metered action; billing still works' })
  featuresDisabled: boolean;

  @ApiProperty({
    example: 12.5,
    nullable: true,
    type: Number,
    description:
      'How many days the balance lasts at the net spend rate of the last 7 days (their net spend, usage minus refunds, over 7), ' +
      'to one decimal; null when nothing was spent in them',
  })
  runwayDays: number | null;

  @ApiProperty({
    type: [PromotionalGrantDto],
    description:
      'Promotional grants not yet expired, in the order they are spent (after the allowance, before other credits); what is left of them is part of `credits`',
  })
  grants: PromotionalGrantDto[];

  static from(view: BalanceView): BalanceDto {
    return {
      ...view,
      periodStart: view.periodStart.toISOString(),
      periodEnd: view.periodEnd.toISOString(),
      grants: view.grants.map((grant) => ({ ...grant, expiresAt: grant.expiresAt.toISOString() })),
    };
  }
}

export class LedgerEntryDto {
  @ApiProperty({ example: '0b8f1f0e-3c1d-4a55-9e2b-5b8e7c1d2a3f' })
  id: string;

  @ApiProperty({ example: 12, description: "Position in the account's ledger (1 = first entry)" })
  seq: number;

  @ApiProperty({ enum: LedgerEntryType, example: LedgerEntryType.Usage })
  type: LedgerEntryType;

  @ApiProperty({ example: 'generate_seo_title', nullable: true, type: String })
  action: string | null;

  @ApiProperty({ example: -300, description: 'Signed: negative for usage and deductions, positive for grants and refunds' })
  amount: number;

  @ApiProperty({ example: -300, description: 'What the entry moved in the allowance (signed)' })
  allowanceAmount: number;

  @ApiProperty({ example: 0, description: 'What the entry moved in the credits (signed); amount = allowanceAmount + creditsAmount' })
  creditsAmount: number;

  @ApiProperty({ example: 9700 })
  balanceAfter: number;

  @ApiProperty({
    example: '5d0b7a3e-2f9c-4c1e-9a57-0c8e2b6f4d21',
    nullable: true,
    type: String,
    description: "The server's id of the request that made the entry (its X-Request-Id answer header)",
  })
  requestId: string | null;

  @ApiProperty({
    example: 'checkout-2f9c',
    nullable: true,
    type: String,
    description: 'The X-Request-Id the client sent with that request, if any',
  })
  clientRequestId: string | null;

  @ApiProperty({ example: '2026-11-21T10:00:00.000Z' })
  createdAt: string;

  @ApiProperty({
    example: null,
    nullable: true,
    type: Object,
    description:
      'Details by type: `uncollected` (tokens this entry could not take and the account now owes), `reason` of a refund ' +
      '(a stable code) or of a hold_release (settled, released, expired), `holdId`, `model`, `promptTokens`, `completionTokens`, ' +
      '`purchaseId`, `repaidFrom` (the entry whose tokens an owed_repayment used), `heldExpired` (allowance of open holds an expiry removed), ' +
      '`grantId`, `expiresAt` and `priority` of a promotional grant (its admin_grant and its grant_expiry)',
  })
  metadata: LedgerMetadata | null;

  static from(entry: TokenLedgerEntry): LedgerEntryDto {
    const { id, seq, type, action, amount, allowanceAmount, creditsAmount, balanceAfter, requestId, clientRequestId, metadata, createdAt } =
      entry;
    return {
      id,
      seq,
      type,
      action,
      amount,
      allowanceAmount,
      creditsAmount,
      balanceAfter,
      requestId,
      clientRequestId,
      metadata,
      createdAt: createdAt.toISOString(),
    };
  }
}

export class TransactionsPageDto {
  @ApiProperty({ type: [LedgerEntryDto] })
  items: LedgerEntryDto[];

  @ApiProperty({ example: '11', nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page' })
  nextCursor: string | null;
}

export class TransactionsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,14}$/, { message: 'cursor must be a nextCursor value' })
  cursor?: string;

  @ApiPropertyOptional({ enum: LedgerEntryType })
  @IsOptional()
  @IsEnum(LedgerEntryType)
  type?: LedgerEntryType;

  @ApiPropertyOptional({ example: 'ai_chat_message' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;
}

export class PriceDto {
  @ApiProperty({ example: 'ai_rewrite' })
  action: string;

  @ApiProperty({ example: 500, description: 'Effective price per unit for the caller' })
  cost: number;

  @ApiProperty({ example: 500, description: 'Price per unit declared by the endpoint, before overrides' })
  defaultCost: number;

  @ApiProperty({
    enum: [...Object.values(PriceScope), null],
    nullable: true,
    example: null,
    description: 'The override that sets `cost` (user > plan > global); null for the default',
  })
  overriddenBy: PriceScope | null;

  @ApiProperty({ example: '500 per started 1,000 characters, at most 2,000' })
  description: string;

  static from(view: PriceView): PriceDto {
    const { action, cost, defaultCost, overriddenBy, description } = view;
    return { action, cost, defaultCost, overriddenBy, description };
  }
}
