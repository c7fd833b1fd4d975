import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '@token-metering/database';

export enum PriceScope {
  Global = 'global',
  Plan = 'plan',
  User = 'user',
}

/**
 * An admin's price for an action, replacing the decorator's default. The most specific scope
 * wins: user > plan > global. `scopeRef` is the plan code or user id ('' for global).
 */
@Entity('token_price_overrides')
@Index('uq_token_price_overrides_target', ['action', 'scope', 'scopeRef'], { unique: true })
export class TokenPriceOverride {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ type: 'varchar', length: 8 })
  scope: PriceScope;

  @Column({ name: 'scope_ref', type: 'varchar', length: 36 })
  scopeRef: string;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  cost: number;

  @Column({ name: 'updated_by', type: 'varchar', length: 36, nullable: true })
  updatedBy: string | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

/**
 * One row whose revision goes up with every override change, in the same transaction. App
 * instances compare it with the revision of their cached price list before pricing a request.
 */
@Entity('token_price_revision')
export class TokenPriceRevision {
  @PrimaryColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  revision: number;
}
