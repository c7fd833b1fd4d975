import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { BalanceDto } from '@token-metering/tokens';
import { toNormalEmail } from '../../common/email-address.js';
import { SubscriptionDto } from '../../subscriptions/dto/subscription.dto.js';
import { UserRole } from '../user.entity.js';

export class AdminUsersQueryDto {
  @ApiPropertyOptional({
    example: 'ada@',
    description:
      'The start of the address (normalized like addresses: NFKC, trimmed, lower case); `%`, `_` and `\\` are matched as they are. Without it, every user.',
  })
  @IsOptional()
  @Transform(toNormalEmail)
  @IsString()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a nextCursor value' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;
}

export class AdminUserSummaryDto {
  @ApiProperty({ example: '4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10' })
  id: string;

  @ApiProperty({ example: 'ada@example.com' })
  email: string;

  @ApiProperty({ example: 'Ada', nullable: true, type: String })
  name: string | null;

  @ApiProperty({ enum: UserRole, example: UserRole.User })
  role: UserRole;

  @ApiProperty({ example: 'pro', nullable: true, type: String, description: "The subscription's plan code; null without a subscription" })
  plan: string | null;

  @ApiProperty({
    example: 182500,
    nullable: true,
    type: Number,
    description:
      "What the user's token account holds now (an ended period is rolled at the user's next request); null before the account is opened",
  })
  balance: number | null;

  @ApiProperty({ example: '2026-11-21T10:00:00.000Z' })
  createdAt: string;
}

export class AdminUsersPageDto {
  @ApiProperty({ type: [AdminUserSummaryDto], description: 'Newest first' })
  items: AdminUserSummaryDto[];

  @ApiProperty({
    example: 'MjAyNi0xMS0yMSAxMDowMDowMC4wMDB8NGY3YzJhNGUtNmE3ZS00ZDdiLTlkMWEtMGY2ZDNjMWMyYjEw',
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page (with the same `email`); null on the last page',
  })
  nextCursor: string | null;
}

export class AdminUserDto {
  @ApiProperty({ example: '4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10' })
  id: string;

  @ApiProperty({ example: 'ada@example.com' })
  email: string;

  @ApiProperty({ example: 'Ada', nullable: true, type: String })
  name: string | null;

  @ApiProperty({ enum: UserRole, example: UserRole.User })
  role: UserRole;

  @ApiProperty({ example: '2026-11-21T10:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ type: SubscriptionDto, nullable: true, description: 'As GET /subscriptions/me answers it; null without a subscription' })
  subscription: SubscriptionDto | null;

  @ApiProperty({
    type: BalanceDto,
    nullable: true,
    description: 'As GET /tokens/balance answers it; null for a user without a subscription (no terms to open a token account with)',
  })
  balance: BalanceDto | null;
}
