import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '@token-metering/database';

/** A pack of tokens sold once, on top of the plan's monthly tokens. */
@Entity('token_packages')
export class TokenPackage {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  tokens: number;

  /** In the smallest unit of `currency` (cents for usd). */
  @Column({ name: 'price_cents', type: 'int' })
  priceCents: number;

  /** ISO 4217 code in lower case, as Stripe writes it. */
  @Column({ type: 'varchar', length: 3, default: 'usd' })
  currency: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;
}
