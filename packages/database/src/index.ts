/** TypeORM helpers the tokens package and its host share: transactions that retry and confirm their commit, SQL helpers, a batcher and a clock. */
export { Batcher, type BatcherOptions, ItemFailure, splitOnConflict } from './batcher.js';
export { bigintTransformer } from './bigint.transformer.js';
export { Clock } from './clock.js';
export { again, done, MAX_ATTEMPTS, retrying, type Attempt } from './retrying.js';
export { execute, insertEntities, isCheckViolation, isMysql, isUniqueViolation, selectRows } from './sql.js';
export {
  CommitUnconfirmed,
  DatabaseBusy,
  DatabaseUnavailable,
  failoverOf,
  isConflict,
  isConnectionError,
  isDatabaseUnavailable,
  unreachableForWaiting,
  type ServerFailover,
} from './database-errors.js';
export { rollback, Rollback, TransactionRunner, type CommitCheck, type RunOptions } from './transaction-runner.js';
