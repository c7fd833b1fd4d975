import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';

const DATETIME = { type: 'datetime' } as ColumnMetadata;

/**
 * Runs a write statement inside the transaction of `em` and returns the number of rows it changed.
 * Dates are stored the way TypeORM stores datetime columns on the current driver.
 */
export async function execute(em: EntityManager, sql: string, parameters: unknown[]): Promise<number> {
  if (!em.queryRunner) throw new Error('execute() must run inside a transaction');
  const result = await em.queryRunner.query(sql, persistentValues(em, parameters), true);
  return result.affected ?? 0;
}

/** Runs a read statement (in the transaction of `em`, if any); dates are passed as on `execute`. */
export async function selectRows<T>(em: EntityManager, sql: string, parameters: unknown[]): Promise<T[]> {
  return em.query<T[]>(sql, persistentValues(em, parameters));
}

function persistentValues(em: EntityManager, parameters: unknown[]): unknown[] {
  const driver = em.connection.driver;
  return parameters.map((value): unknown => (value instanceof Date ? driver.preparePersistentValue(value, DATETIME) : value));
}

/**
 * One multi-row INSERT of entities inside the transaction of `em`, built from their metadata with the
 * driver's own conversions (transformers, dates, JSON). TypeORM's insert query builder does the same
 * with a cost that grows with the square of the parameters; this is for the ledger's batches.
 */
export async function insertEntities<T extends ObjectLiteral>(em: EntityManager, target: EntityTarget<T>, entities: T[]): Promise<void> {
  if (entities.length === 0) return;
  const { driver } = em.connection;
  const metadata = em.connection.getMetadata(target);
  const columns = metadata.columns;
  const row = `(${columns.map(() => '?').join(', ')})`;
  const parameters = entities.flatMap((entity) =>
    columns.map((column): unknown => driver.preparePersistentValue(column.getEntityValue(entity) ?? null, column)),
  );
  await execute(
    em,
    `INSERT INTO ${driver.escape(metadata.tableName)} (${columns.map((column) => driver.escape(column.databaseName)).join(', ')})
     VALUES ${entities.map(() => row).join(', ')}`,
    parameters,
  );
}

/** Whether `em` talks to MySQL or MariaDB (else SQLite). */
export function isMysql(em: EntityManager): boolean {
  return ['mysql', 'mariadb'].includes(em.connection.driver.options.type);
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
