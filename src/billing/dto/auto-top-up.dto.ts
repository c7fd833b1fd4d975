import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { AttemptStatus, type AutoTopUpSetting } from '../auto-top-up/auto-top-up.entity.js';

const UUID_EXAMPLE = '3f0c5b1e-8d2a-4c6f-9b7e-1a2d3c4e5f60';
/** Far above any real balance, well within what a bigint and a JavaScript number hold exactly. */
const MAX_THRESHOLD = 1_000_000_000_000;
/** One million in the currency's main unit. */
const MAX_MONTHLY_LIMIT_CENTS = 100_000_000;

export class AutoTopUpDto {
  @ApiProperty({ example: true, description: 'false keeps the setting but buys nothing' })
  @IsBoolean()
  enabled: boolean;

  @ApiProperty({
    example: 500,
    minimum: 1,
    maximum: MAX_THRESHOLD,
    description: 'A debit that leaves the balance below this buys the package',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_THRESHOLD)
  thresholdTokens: number;

  @ApiProperty({ example: 'tokens_10k', description: 'code of an active package (GET /billing/packages): what each top-up buys' })
  @IsString()
  @MaxLength(32)
  @Matches(/\S/, { message: 'packageCode must not be blank' })
  packageCode: string;

  @ApiProperty({
    example: 10000,
    minimum: 1,
    maximum: MAX_MONTHLY_LIMIT_CENTS,
    description:
      "Most automatic top-ups may spend in a calendar month (UTC), in the package's currency's smallest unit; at least the package's price",
  })
  @IsInt()
  @Min(1)
  @Max(MAX_MONTHLY_LIMIT_CENTS)
  monthlyLimitCents: number;
}

export class AutoTopUpAttemptDto {
  @ApiProperty({ example: '2026-12-06T10:00:00.000Z', description: 'When the debit that crossed the threshold started it' })
  at: string;

  @ApiProperty({
    enum: AttemptStatus,
    example: AttemptStatus.Paid,
    description:
      'pending (not sent to Stripe yet), processing (sent, waiting for its webhook), paid (credited) or failed (automatic top-up was disabled)',
  })
  status: AttemptStatus;

  @ApiProperty({ example: UUID_EXAMPLE, description: 'The purchase it made (GET /billing/purchases)' })
  purchaseId: string;
}

export class AutoTopUpSettingDto {
  @ApiProperty({ example: true, description: 'false until set, and after a payment failed' })
  enabled: boolean;

  @ApiProperty({ example: 500, nullable: true, type: Number, description: 'null until set' })
  thresholdTokens: number | null;

  @ApiProperty({ example: 'tokens_10k', nullable: true, type: String, description: 'null until set' })
  packageCode: string | null;

  @ApiProperty({ example: 10000, nullable: true, type: Number, description: 'null until set' })
  monthlyLimitCents: number | null;

  @ApiProperty({ example: 2900, description: 'What automatic top-ups paid or have in flight this calendar month (UTC)' })
  spentThisMonthCents: number;

  @ApiProperty({ type: AutoTopUpAttemptDto, nullable: true, description: 'The last attempt; null when none was made' })
  lastAttempt: AutoTopUpAttemptDto | null;

  @ApiProperty({ example: true, description: 'Whether a card is saved (a checkout with saveCard: true); PUT needs one' })
  paymentMethodSaved: boolean;

  static from(setting: AutoTopUpSetting | null, month: string, paymentMethodSaved: boolean): AutoTopUpSettingDto {
    const attempt = setting?.lastAttemptPurchaseId && setting.lastAttemptAt && setting.lastAttemptStatus;
    return {
      enabled: setting?.enabled ?? false,
      thresholdTokens: setting?.thresholdTokens ?? null,
      packageCode: setting?.packageCode ?? null,
      monthlyLimitCents: setting?.monthlyLimitCents ?? null,
      spentThisMonthCents: setting && setting.spentMonth === month ? setting.spentCents : 0,
      lastAttempt: attempt
        ? { at: setting.lastAttemptAt!.toISOString(), status: setting.lastAttemptStatus!, purchaseId: setting.lastAttemptPurchaseId! }
        : null,
      paymentMethodSaved,
    };
  }
}
