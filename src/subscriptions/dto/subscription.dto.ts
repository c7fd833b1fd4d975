import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import type { Plan } from '../plan.entity.js';
import { Subscription, SubscriptionStatus } from '../subscription.entity.js';
import { PlanDto } from './plan.dto.js';

export class SubscriptionDto {
  @ApiProperty({ example: '4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10' })
  userId: string;

  @ApiProperty({ type: PlanDto })
  plan: PlanDto;

  @ApiProperty({ example: 200000, description: 'Tokens per period from the plan' })
  tokensLimit: number;

  @ApiProperty({ enum: SubscriptionStatus, example: SubscriptionStatus.Active })
  status: SubscriptionStatus;

  @ApiProperty({ example: '2026-11-01T00:00:00.000Z' })
  periodStart: string;

  @ApiProperty({ example: '2026-12-01T00:00:00.000Z' })
  periodEnd: string;

  static from(subscription: Subscription, plan: Plan): SubscriptionDto {
    return {
      userId: subscription.userId,
      plan: PlanDto.from(plan),
      tokensLimit: subscription.tokensLimit,
      status: subscription.status,
      periodStart: subscription.periodStart.toISOString(),
      periodEnd: subscription.periodEnd.toISOString(),
    };
  }
}

export class ChangePlanDto {
  @ApiProperty({ example: 'professional' })
  @IsString()
  @MaxLength(32)
  @Matches(/^[a-z0-9_-]+$/, { message: 'planCode must be a plan code such as pro' })
  planCode: string;
}
