import { ledgerProblems, type LedgerState, type Queryable } from '@token-metering/tokens/testing';

export {
  bucketState,
  type BucketState,
  ledgerState,
  type LedgerState,
  NO_INTEGRITY_PROBLEMS,
  owedState,
  type Queryable,
} from '@token-metering/tokens/testing';

/** The ledger invariants for one account (see ledgerProblems): none broken. */
export async function expectLedgerConsistent(dataSource: Queryable, userId: string): Promise<LedgerState> {
  const { state, problems } = await ledgerProblems(dataSource, userId);
  expect(problems).toEqual([]);
  return state;
}
