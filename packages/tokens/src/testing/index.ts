/** For a host's tests: a ledger in memory, with the TokenLedger port, to test guards and routes without a database. */
export { InMemoryTokenLedger, type InMemoryEntry } from './in-memory-token-ledger.js';
/** For a host's tests: an account's ledger read straight from the database, and its invariants checked. */
export {
  bucketState,
  grantState,
  type GrantState,
  type BucketState,
  ledgerProblems,
  ledgerState,
  type LedgerState,
  NO_INTEGRITY_PROBLEMS,
  owedState,
  type OwedState,
  type Queryable,
} from './ledger-checks.js';
