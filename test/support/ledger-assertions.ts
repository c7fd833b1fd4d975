import { ledgerProblems, type LedgerState } from '@token-metering/tokens/testing';

export {
  bucketState,
  type BucketState,
  grantState,
  ledgerState,
  type LedgerState,
  NO_INTEGRITY_PROBLEMS,
  owedState,
} from '@token-metering/tokens/testing';

/** A TypeORM DataSource, or any other client that answers SQL with rows. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

/** The ledger invariants for one account (see ledgerProblems): none broken. */
export async function expectLedgerConsistent(dataSource: Queryable, userId: string): Promise<LedgerState> {
  const { state, problems } = await ledgerProblems(dataSource, userId);
  expect(problems).toEqual([]);
  return state;
}
