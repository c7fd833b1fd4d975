import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '@token-metering/database';

/**
 * A model the AI completions can use, with its prices in this service's tokens per 1,000 model
 * tokens and the most completion tokens one request may ask for. Admins add, reprice and remove
 * rows and map them to upstreams (PUT/DELETE /admin/models/:model); every request reads the row it needs, so a change
 * applies to the next request on every instance.
 */
@Entity('ai_models')
export class AiModel {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  model: string;

  @Column({ name: 'input_per_1k', type: 'bigint', transformer: bigintTransformer })
  inputPer1k: number;

  @Column({ name: 'output_per_1k', type: 'bigint', transformer: bigintTransformer })
  outputPer1k: number;

  @Column({ name: 'max_output_tokens', type: 'int' })
  maxOutputTokens: number;

  /** The upstream that serves the model (a configured name, `default` or `local`); null: `local` for the built-in model, else `default`. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  upstream: string | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
