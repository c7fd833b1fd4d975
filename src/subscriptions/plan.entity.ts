import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '@token-metering/database';

@Entity('plans')
export class Plan {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ name: 'monthly_tokens', type: 'bigint', transformer: bigintTransformer })
  monthlyTokens: number;

  @Column({ name: 'price_cents', type: 'int' })
  priceCents: number;

  /** Most tokens carried into the next period; the rest expires at the period's end. */
  @Column({ name: 'rollover_cap', type: 'bigint', transformer: bigintTransformer })
  rolloverCap: number;

  /** Balance below which a low-balance event fires; null means 10% of the monthly tokens. */
  @Column({ name: 'low_balance_threshold', type: 'bigint', nullable: true, transformer: bigintTransformer })
  lowBalanceThreshold: number | null;

  @Column({ name: 'is_default', type: 'boolean', default: false })
  isDefault: boolean;

  /** The balance under which the plan's users are warned: the set threshold, else 10% of the monthly tokens. */
  static lowBalanceThresholdOf(plan: Pick<Plan, 'lowBalanceThreshold' | 'monthlyTokens'>): number {
    return plan.lowBalanceThreshold ?? Math.floor(plan.monthlyTokens / 10);
  }
}
