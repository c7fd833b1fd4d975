import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** The built-in model, answered offline by the local model (src/completions/local-model.ts). */
const LOCAL_MODEL = { model: 'local', inputPer1k: 10, outputPer1k: 30, maxOutputTokens: 1024 };

/** 'YYYY-MM-DD HH:MM:SS.mmm' in UTC: a datetime(3) value both databases accept as a parameter. */
const utcDatetime = (date: Date): string => date.toISOString().slice(0, 23).replace('T', ' ');

/**
 * The models of the AI completions and their prices, in this service's tokens per 1,000 model tokens
 * of prompt (input) and of completion (output), with the most output tokens one request may ask for.
 */
export class AiModels1763700000007 implements MigrationInterface {
  name = 'AiModels1763700000007';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'ai_models',
        columns: [
          { name: 'model', type: 'varchar', length: '64', isPrimary: true },
          { name: 'input_per_1k', type: 'bigint' },
          { name: 'output_per_1k', type: 'bigint' },
          { name: 'max_output_tokens', type: 'integer' },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
      }),
    );
    await queryRunner.query(
      'INSERT INTO ai_models (model, input_per_1k, output_per_1k, max_output_tokens, updated_at) VALUES (?, ?, ?, ?, ?)',
      [LOCAL_MODEL.model, LOCAL_MODEL.inputPer1k, LOCAL_MODEL.outputPer1k, LOCAL_MODEL.maxOutputTokens, utcDatetime(new Date())],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('ai_models');
  }
}
