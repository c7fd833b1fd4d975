import type { TokenIntegrityService } from '../../src/index.js';
import { ledgerProblems, type LedgerState, NO_INTEGRITY_PROBLEMS, type Queryable } from '../../src/testing/index.js';

export { ledgerState, NO_INTEGRITY_PROBLEMS, owedState } from '../../src/testing/index.js';

/** The ledger invariants for one account (see ledgerProblems): none broken. */
export async function expectLedgerConsistent(dataSource: Queryable, payerId: string): Promise<LedgerState> {
  const { state, problems } = await ledgerProblems(dataSource, payerId);
  expect(problems).toEqual([]);
  return state;
}

/** The module's own integrity report over the whole database finds nothing. */
export async function expectIntegrityClean(integrity: TokenIntegrityService): Promise<void> {
  const report = await integrity.report();
  expect({ counts: report.counts, ok: report.ok }).toEqual({ counts: NO_INTEGRITY_PROBLEMS, ok: true });
}
