import { isMysql } from '@token-metering/database';
import type { QueryRunner } from 'typeorm';

const OPERATIONS = ['UPDATE', 'DELETE'] as const;
const MESSAGE = 'token_ledger_entries is append-only';

export function isMysqlRunner(queryRunner: QueryRunner): boolean {
  return isMysql(queryRunner.manager);
}

/** Triggers make "ledger rows are never updated or deleted" a property of the database, not of the code. */
export async function makeLedgerAppendOnly(queryRunner: QueryRunner): Promise<void> {
  for (const operation of OPERATIONS) {
    const name = `token_ledger_no_${operation.toLowerCase()}`;
    if (isMysqlRunner(queryRunner)) {
      await queryRunner.query(
        `CREATE TRIGGER ${name} BEFORE ${operation} ON token_ledger_entries FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${MESSAGE}'`,
      );
    } else {
      await queryRunner.query(
        `CREATE TRIGGER ${name} BEFORE ${operation} ON token_ledger_entries BEGIN SELECT RAISE(ABORT, '${MESSAGE}'); END`,
      );
    }
  }
}

/** For a migration that fills a new column of existing ledger rows; makeLedgerAppendOnly puts them back. */
export async function dropLedgerTriggers(queryRunner: QueryRunner): Promise<void> {
  for (const operation of OPERATIONS) await queryRunner.query(`DROP TRIGGER IF EXISTS token_ledger_no_${operation.toLowerCase()}`);
}
