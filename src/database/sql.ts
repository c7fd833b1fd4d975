import type { EntityManager } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';

const DATETIME = { type: 'datetime' } as ColumnMetadata;

/**
 * Runs a write statement inside the transaction of `em` and returns the number of rows it changed.
 * Dates are stored the way TypeORM stores datetime columns on the current driver.
 */
export async function execute(em: EntityManager, sql: string, parameters: unknown[]): Promise<number> {
  if (!em.queryRunner) throw new Error('execute() must run inside a transaction');
  const driver = em.connection.driver;
  const values = parameters.map((value): unknown => (value instanceof Date ? driver.preparePersistentValue(value, DATETIME) : value));
  const result = await em.queryRunner.query(sql, values, true);
  return result.affected ?? 0;
}

export function isUniqueViolation(error: unknown): boolean {
  const e = error as { driverError?: { code?: string; errno?: number } };
  const code = e?.driverError?.code ?? '';
  return (
    e?.driverError?.errno === 1062 ||
    code === 'ER_DUP_ENTRY' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}

export function isCheckViolation(error: unknown): boolean {
  const e = error as { driverError?: { code?: string; errno?: number } };
  return e?.driverError?.errno === 4025 || e?.driverError?.errno === 3819 || e?.driverError?.code === 'SQLITE_CONSTRAINT_CHECK';
}
