import type { QueryRunner } from 'typeorm';

/**
 * These tables were born in an app whose migrations created them beside its own tables. Where a
 * migration of that app did both, this package has its token half under a new name (TypeORM records
 * migrations by name): a database that recorded the original migration already has that work done,
 * so the half skips it (isRecorded). The halves keep the original timestamps. In a list that also holds the
 * originals, at the same timestamp, the halves come first (TypeORM keeps list order among equal
 * timestamps): on a new database a half must run before its original is recorded.
 */
export async function isRecorded(queryRunner: QueryRunner, migrationName: string): Promise<boolean> {
  const table = queryRunner.connection.driver.escape(queryRunner.connection.options.migrationsTableName ?? 'migrations');
  const rows = (await queryRunner.query(`SELECT name FROM ${table} WHERE name = ?`, [migrationName])) as unknown[];
  return rows.length > 0;
}
