import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsNumber,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  type ValidationArguments,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { AlertThreshold } from '../alert-setting.entity.js';

export const MAX_THRESHOLDS = 10;

/** Exactly one of `tokens` and `percentOfAllowance`. */
const OneKindOfThreshold = () =>
  ValidateBy({
    name: 'oneKindOfThreshold',
    validator: {
      validate: (_: unknown, args?: ValidationArguments) => {
        const threshold = args?.object as Partial<AlertThresholdDto>;
        return (threshold.tokens === undefined) !== (threshold.percentOfAllowance === undefined);
      },
      defaultMessage: () => 'a threshold has either tokens or percentOfAllowance, not both',
    },
  });

export class AlertThresholdDto {
  @ApiPropertyOptional({
    example: 500,
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'Fires when the balance goes below this many tokens',
  })
  @ValidateIf((threshold: AlertThresholdDto) => threshold.percentOfAllowance === undefined || threshold.tokens !== undefined)
  @OneKindOfThreshold()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  tokens?: number;

  @ApiPropertyOptional({
    example: 10,
    minimum: 0.01,
    maximum: 100,
    description: "Fires when the balance goes below this percentage of the plan's period allowance (rounded down to whole tokens)",
  })
  @ValidateIf((threshold: AlertThresholdDto) => threshold.percentOfAllowance !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0.01)
  @Max(100)
  percentOfAllowance?: number;
}

export class PutAlertsDto {
  @ApiProperty({ type: [AlertThresholdDto], maxItems: MAX_THRESHOLDS, example: [{ tokens: 500 }, { percentOfAllowance: 10 }] })
  @IsArray()
  @ArrayMaxSize(MAX_THRESHOLDS)
  @ValidateNested({ each: true })
  @Type(() => AlertThresholdDto)
  thresholds: AlertThresholdDto[];

  @ApiProperty({
    example: 'https://example.com/hooks/tokens',
    maxLength: 2048,
    description: 'Receives each event as a POST. With NODE_ENV=production: https, and not a loopback, private or link-local address',
  })
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  webhookUrl: string;
}

export class AlertThresholdViewDto {
  @ApiPropertyOptional({ example: 500 })
  tokens?: number;

  @ApiPropertyOptional({ example: 10 })
  percentOfAllowance?: number;

  static from(threshold: AlertThreshold): AlertThresholdViewDto {
    return 'tokens' in threshold ? { tokens: threshold.tokens } : { percentOfAllowance: threshold.percentOfAllowance };
  }
}

export class AlertDeliveryDto {
  @ApiProperty({ example: '7d1f3a52-6c1e-4f0a-9a55-2b8e4c7d9e10', description: 'The event id, also `id` in the posted body' })
  id: string;

  @ApiProperty({ example: 'balance.below_threshold' })
  event: string;

  @ApiProperty({
    example: 500,
    nullable: true,
    type: Number,
    description: 'The threshold in tokens that was crossed; null for other events',
  })
  threshold: number | null;

  @ApiProperty({ enum: ['pending', 'delivered', 'failed'], example: 'delivered' })
  status: string;

  @ApiProperty({ example: 1 })
  attempts: number;

  @ApiProperty({ example: '2026-12-06T10:00:00.000Z', nullable: true, type: String, format: 'date-time' })
  lastAttemptAt: string | null;

  @ApiProperty({ example: null, nullable: true, type: String, description: 'What went wrong at the last failed attempt' })
  lastError: string | null;
}

export class AlertSettingDto {
  @ApiProperty({ type: [AlertThresholdViewDto] })
  thresholds: AlertThresholdViewDto[];

  @ApiProperty({
    example: 'https://example.com/hooks/tokens',
    nullable: true,
    type: String,
    description: 'null when alerts were never set',
  })
  webhookUrl: string | null;

  @ApiProperty({ example: '2026-12-06T10:00:00.000Z', nullable: true, type: String, format: 'date-time' })
  updatedAt: string | null;
}

export class SavedAlertSettingDto extends AlertSettingDto {
  @ApiProperty({
    example: 'whsec_0f3c9d1e...',
    description: 'Key of the `X-Signature` HMAC-SHA256 of each event; shown only in this answer, a new one at each PUT',
  })
  signingSecret: string;
}

export class AlertsDto extends AlertSettingDto {
  @ApiProperty({ type: [AlertDeliveryDto], description: 'The last 20 events to the webhook, newest first' })
  deliveries: AlertDeliveryDto[];
}
