import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Which upstream serves a model: a name of LLM_UPSTREAMS, `default` (LLM_BASE_URL) or `local` (the
 * built-in model). Existing rows keep null: routed as before, `local` to the built-in model and every
 * other model to LLM_BASE_URL.
 */
export class AiModelUpstreams1763700000013 implements MigrationInterface {
  name = 'AiModelUpstreams1763700000013';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('ai_models', new TableColumn({ name: 'upstream', type: 'varchar', length: '32', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('ai_models', 'upstream');
  }
}
