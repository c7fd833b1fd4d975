import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../database/bigint.transformer.js';

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

  @Column({ name: 'is_default', type: 'boolean', default: false })
  isDefault: boolean;
}
