/** For a host's tests: a ledger in memory, with the TokenLedger port, to test guards and routes without a database. */
export { InMemoryTokenLedger, type InMemoryEntry } from './in-memory-token-ledger.js';
