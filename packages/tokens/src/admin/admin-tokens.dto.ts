import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { PriceScope, TokenPriceOverride } from '../entities/token-price-override.entity.js';
import { DEFAULT_GRANT_PRIORITY, MAX_ADMIN_ADJUSTMENT, type AccountView } from '../ledger/tokens.service.js';
import { BalanceDto, LedgerEntryDto } from '../http/token-views.dto.js';
import type { OverrideTarget } from '../prices/token-prices.service.js';
import { TokensError, TokensErrorCode } from '../tokens.errors.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class AdjustTokensDto {
  @ApiProperty({ example: 5000, minimum: 1, maximum: MAX_ADMIN_ADJUSTMENT })
  @IsInt()
  @Min(1)
  @Max(MAX_ADMIN_ADJUSTMENT)
  amount: number;

  @ApiProperty({ example: 'Compensation for the outage of 2026-11-20', minLength: 1, maxLength: 500 })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason: string;
}

/** The latest `expiresAt` a promotional grant may have: within the range every database stores. */
export const MAX_GRANT_EXPIRY = '2999-12-31T23:59:59.999Z';

export class GrantTokensDto extends AdjustTokensDto {
  @ApiPropertyOptional({
    example: '2027-01-31T23:59:59.000Z',
    description:
      'Makes it a promotional grant: what is left of it at this time (ISO 8601, in the future) is removed by a `grant_expiry` entry. Without it, the tokens never expire.',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'expiresAt must be an ISO 8601 date and time' })
  expiresAt?: string;

  @ApiPropertyOptional({
    example: 10,
    minimum: 1,
    maximum: 100,
    default: DEFAULT_GRANT_PRIORITY,
    description: 'Of a promotional grant: spent before grants of a higher number (then the soonest to expire, then the oldest)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  priority?: number;
}

/** The terms of a promotional grant, checked against the clock: 400 for an `expiresAt` not in the future, or a priority without one. */
export function promotionOf(body: GrantTokensDto, now: Date): { expiresAt?: Date; priority?: number } {
  const invalid = (field: string, error: string) =>
    new TokensError(TokensErrorCode.VALIDATION_FAILED, `${field}: ${error}`, { details: [{ field, errors: [error] }] });
  if (body.expiresAt === undefined) {
    if (body.priority !== undefined) throw invalid('priority', 'priority is for a promotional grant: give expiresAt too');
    return {};
  }
  const expiresAt = new Date(body.expiresAt);
  if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= now.getTime())
    throw invalid('expiresAt', 'expiresAt must be in the future');
  if (expiresAt.getTime() > Date.parse(MAX_GRANT_EXPIRY)) throw invalid('expiresAt', `expiresAt must be before ${MAX_GRANT_EXPIRY}`);
  return { expiresAt, priority: body.priority };
}

/** A ledger entry as admins see it: with the actor who caused it. */
export class AdminLedgerEntryDto extends LedgerEntryDto {
  @ApiProperty({
    example: '9a0e7c1b-1f2d-4c3b-8a4e-5d6f7a8b9c0d',
    nullable: true,
    type: String,
    description: 'The admin who made the entry',
  })
  actorId: string | null;

  static fromEntry(entry: Parameters<typeof LedgerEntryDto.from>[0]): AdminLedgerEntryDto {
    return { ...LedgerEntryDto.from(entry), actorId: entry.actorId };
  }
}

export class AdminTransactionsPageDto {
  @ApiProperty({ type: [AdminLedgerEntryDto] })
  items: AdminLedgerEntryDto[];

  @ApiProperty({ example: '11', nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page' })
  nextCursor: string | null;
}

export class AdminAccountDto extends BalanceDto {
  @ApiProperty({ example: '4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10' })
  userId: string;

  @ApiProperty({ type: [AdminLedgerEntryDto], description: 'Latest entries, newest first' })
  recentEntries: AdminLedgerEntryDto[];

  static fromView(view: AccountView): AdminAccountDto {
    return { ...BalanceDto.from(view), userId: view.payerId, recentEntries: view.recentEntries.map(AdminLedgerEntryDto.fromEntry) };
  }
}

const ACTION = /^[a-z][a-z0-9_]{0,63}$/;
const PLAN_CODE = /^[a-z0-9_-]{1,32}$/;

export class ActionParamDto {
  @Matches(ACTION, { message: 'action must be a metered action name (lowercase letters, digits and _)' })
  action: string;
}

/** The override target an admin route names (the contract's `planCode` is the module's price tier); 400 when both are given. */
export function overrideTargetOf({ planCode, userId }: { planCode?: string; userId?: string }): OverrideTarget {
  if (planCode && userId) {
    throw new TokensError(TokensErrorCode.VALIDATION_FAILED, 'An override is for a plan or for a user, not both', {
      details: [{ field: 'planCode', errors: ['give planCode or userId, not both'] }],
    });
  }
  return { tier: planCode, payerId: userId };
}

/** Omitted is fine; null is no plan and no user (IsOptional would let it through, meaning the global price). */
const unlessOmitted = ValidateIf((_body: unknown, value: unknown) => value !== undefined);

export class OverrideTargetQueryDto {
  @ApiPropertyOptional({ example: 'pro', description: 'The plan whose override to remove' })
  @unlessOmitted
  @Matches(PLAN_CODE, { message: 'planCode must be a plan code' })
  planCode?: string;

  @ApiPropertyOptional({ description: 'The user whose override to remove' })
  @unlessOmitted
  @IsUUID()
  userId?: string;
}

export class SetPriceOverrideDto extends OverrideTargetQueryDto {
  @ApiProperty({ example: 250, minimum: 0, maximum: MAX_ADMIN_ADJUSTMENT, description: 'Tokens per unit; 0 makes the action free' })
  @IsInt()
  @Min(0)
  @Max(MAX_ADMIN_ADJUSTMENT)
  cost: number;
}

export class PriceOverrideDto {
  @ApiProperty({ example: 'generate_seo_title' })
  action: string;

  @ApiProperty({ example: 250 })
  cost: number;

  @ApiProperty({ enum: PriceScope, example: PriceScope.Plan })
  scope: PriceScope;

  @ApiProperty({ example: 'pro', nullable: true, type: String })
  planCode: string | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  userId: string | null;

  @ApiProperty({ example: '9a0e7c1b-1f2d-4c3b-8a4e-5d6f7a8b9c0d', nullable: true, type: String })
  updatedBy: string | null;

  @ApiProperty({ example: '2026-11-21T10:00:00.000Z' })
  updatedAt: string;

  static from(override: TokenPriceOverride): PriceOverrideDto {
    return {
      action: override.action,
      cost: override.cost,
      scope: override.scope,
      planCode: override.scope === PriceScope.Plan ? override.scopeRef : null,
      userId: override.scope === PriceScope.User ? override.scopeRef : null,
      updatedBy: override.updatedBy,
      updatedAt: override.updatedAt.toISOString(),
    };
  }
}
