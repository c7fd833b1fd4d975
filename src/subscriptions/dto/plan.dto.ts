import { ApiProperty } from '@nestjs/swagger';
import { Plan } from '../plan.entity.js';

export class PlanDto {
  @ApiProperty({ example: 'pro' })
  code: string;

  @ApiProperty({ example: 'Pro' })
  name: string;

  @ApiProperty({ example: 200000, description: 'Tokens granted each monthly period' })
  monthlyTokens: number;

  @ApiProperty({ example: 9900 })
  priceCents: number;

  @ApiProperty({ example: 200000, description: 'Most unused tokens carried into the next period' })
  rolloverCap: number;

  @ApiProperty({ example: 20000, description: 'A low-balance event fires when a charge takes the balance below this' })
  lowBalanceThreshold: number;

  static from(plan: Plan): PlanDto {
    const { code, name, monthlyTokens, priceCents, rolloverCap } = plan;
    return { code, name, monthlyTokens, priceCents, rolloverCap, lowBalanceThreshold: Plan.lowBalanceThresholdOf(plan) };
  }
}
