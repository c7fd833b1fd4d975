import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { SPEND_LIMIT_PERIODS, type SpendLimitPeriod, type SpendLimitView } from '@token-metering/tokens';
import type { ApiKey } from '../api-key.entity.js';

/** The largest spending limit a key can have. */
export const MAX_KEY_LIMIT_TOKENS = 1_000_000_000_000;

export class KeyLimitDto {
  @ApiProperty({ example: 5000, minimum: 1, maximum: MAX_KEY_LIMIT_TOKENS, description: 'Most tokens the key may spend in a period' })
  @IsInt()
  @Min(1)
  @Max(MAX_KEY_LIMIT_TOKENS)
  tokens: number;

  @ApiProperty({ enum: SPEND_LIMIT_PERIODS, example: 'day', description: 'A UTC day, a calendar month (UTC), or all time' })
  @IsIn(SPEND_LIMIT_PERIODS)
  period: SpendLimitPeriod;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'production server' })
  @IsString()
  @MaxLength(100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;
}

export class ApiKeyDto {
  @ApiProperty({ example: '9b2d4c1e-0a3f-4d5e-8f7a-6b5c4d3e2f1a' })
  id: string;

  @ApiProperty({ example: 'production server' })
  name: string;

  @ApiProperty({ example: 'tk_Xa81bQ', description: 'First characters of the key, to recognise it' })
  prefix: string;

  @ApiProperty({ example: '2026-11-21T10:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ example: null, nullable: true, type: String })
  lastUsedAt: string | null;

  @ApiProperty({ type: KeyLimitDto, nullable: true, description: "The key's spending limit; null when it has none" })
  limit: KeyLimitDto | null;

  @ApiProperty({
    example: 120,
    description: "Tokens spent through the key in its limit's current period (usage minus refunds, open holds included); 0 without a limit",
  })
  spent: number;

  static from({ apiKey, limit }: { apiKey: ApiKey; limit: SpendLimitView | null }): ApiKeyDto {
    const { id, name, prefix, createdAt, lastUsedAt } = apiKey;
    return {
      id,
      name,
      prefix,
      createdAt: createdAt.toISOString(),
      lastUsedAt: lastUsedAt?.toISOString() ?? null,
      limit: limit && { tokens: limit.tokens, period: limit.period },
      spent: limit?.spent ?? 0,
    };
  }
}

export class CreatedApiKeyDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'tk_Xa81bQ...', description: 'The key itself: shown only in this answer' }) key: string;
  @ApiProperty() prefix: string;
  @ApiProperty() createdAt: string;
}
