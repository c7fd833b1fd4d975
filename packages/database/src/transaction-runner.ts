import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { again, done, retrying } from './retrying.js';

const DEADLOCK = 1213;
const LOCK_WAIT_TIMEOUT = 1205;
/** MariaDB's answer on a connection that KILL ended (mysql2 has no code name for it). */
const CONNECTION_KILLED = 1927;

/** Errors meaning the database could not be reached at all (as opposed to a refused statement). */
const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'POOL_CLOSED',
]);

/**
 * The subset of connection errors that end an established connection (killed, reset, closed by
 * the server). A transaction that loses its connection before COMMIT was sent is rolled back by
 * the server, so it can run again on another connection; a failure to connect is not retried.
 */
const LOST_CONNECTION_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'PROTOCOL_CONNECTION_LOST', 'ER_SERVER_SHUTDOWN']);

function errnoOf(error: unknown): number | undefined {
  const e = error as { errno?: number; driverError?: { errno?: number } };
  return e?.driverError?.errno ?? e?.errno;
}

function codeOf(error: unknown): string | undefined {
  const e = error as { code?: string; driverError?: { code?: string } };
  return e?.driverError?.code ?? e?.code;
}

export function isConnectionError(error: unknown): boolean {
  const code = codeOf(error);
  return (
    (code !== undefined && CONNECTION_ERRORS.has(code)) ||
    errnoOf(error) === CONNECTION_KILLED ||
    /connection.*(closed|lost|not open|not established)|Pool is closed/i.test((error as { message?: string })?.message ?? '')
  );
}

function isLostConnection(error: unknown): boolean {
  const code = codeOf(error);
  return (code !== undefined && LOST_CONNECTION_ERRORS.has(code)) || errnoOf(error) === CONNECTION_KILLED;
}

/** What a commit check found: the transaction's result when it committed. */
export type CommitCheck<T> = { committed: true; result: T } | { committed: false };

export interface RunOptions<T> {
  /**
   * MySQL/MariaDB: called (on another connection) when the connection was lost while COMMIT was on
   * its way, so the transaction may or may not have committed. It must wait until the transaction
   * is settled (e.g. a locking read of a row the work locked) and then look for what the work
   * wrote. Committed: run() returns the result (and runs the after-commit callbacks); not
   * committed: the work runs again. Without it, such a failure is 503 LEDGER_UNAVAILABLE.
   */
  verifyCommit?: (em: EntityManager) => Promise<CommitCheck<T>>;
}

/** Raised when a lost connection left a COMMIT unanswered and nothing could tell whether it committed. */
class CommitOutcomeUnknown extends Error {
  constructor(lost: unknown) {
    super(`connection lost during COMMIT, outcome unknown: ${(lost as Error)?.message ?? String(lost)}`, { cause: lost });
  }
}

/** The database could not be reached: nothing of the unit of work was written. The edge answers 503 LEDGER_UNAVAILABLE. */
export class DatabaseUnavailable extends Error {
  constructor(message = 'The token ledger is unavailable; nothing was charged and the request did not run') {
    super(message);
    this.name = 'DatabaseUnavailable';
  }
}

/**
 * A transaction whose COMMIT went unanswered and could not be checked: unlike every other
 * DatabaseUnavailable, it may have committed. A caller that must know resolves it later.
 */
export class CommitUnconfirmed extends DatabaseUnavailable {
  constructor() {
    super('The token ledger became unavailable while recording; the request did not run');
    this.name = 'CommitUnconfirmed';
  }
}

/**
 * For batches of database work: the error the requests still waiting get when a batch found the
 * database unreachable (they never ran, so a COMMIT of the batch that went unanswered is not theirs);
 * undefined for any other error.
 */
export function unreachableForWaiting(error: unknown): unknown {
  if (error instanceof CommitUnconfirmed) return new DatabaseUnavailable();
  return error instanceof DatabaseUnavailable || isConnectionError(error) ? error : undefined;
}

/**
 * Returned by a unit of work to roll its transaction back and hand `value` to the caller: for an
 * expected outcome that must leave nothing behind (a refused charge), not an error.
 */
export class Rollback<R> {
  constructor(readonly value: R) {}
}

export function rollback<R>(value: R): Rollback<R> {
  return new Rollback(value);
}

/** Carries a Rollback's value through TypeORM, which rolls a transaction back only when its callback throws. */
class RolledBack extends Error {
  constructor(readonly value: unknown) {
    super('rolled back by its unit of work');
  }
}

/**
 * Runs a unit of work in one database transaction.
 * - MySQL/MariaDB: READ COMMITTED, retried a bounded number of times on deadlock, lock-wait timeout,
 *   or a connection lost before COMMIT (a killed or stale pooled connection). A connection lost
 *   during COMMIT is settled with `verifyCommit` when the caller gives one.
 * - SQLite: TypeORM shares one connection between all callers, so transactions are queued here
 *   one after another; without the queue, concurrent callers would nest inside each other.
 * A database that cannot be reached surfaces as 503 LEDGER_UNAVAILABLE.
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);
  private readonly mysql: boolean;
  private sqliteQueue: Promise<unknown> = Promise.resolve();
  /** Callbacks waiting for the commit of the transaction that owns the EntityManager. */
  private readonly onCommit = new WeakMap<EntityManager, Array<() => void>>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.mysql = dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb';
  }

  /** For reads outside a transaction. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  get isMysql(): boolean {
    return this.mysql;
  }

  /**
   * Runs `callback` once the transaction of `em` has committed; never if it rolls back (or is
   * retried: the retry registers its own). Outside a transaction it runs at once. For side
   * effects that must only describe committed data: events, logs, metrics.
   */
  afterCommit(em: EntityManager, callback: () => void): void {
    const callbacks = this.onCommit.get(em);
    if (callbacks) callbacks.push(callback);
    else this.runSafely(callback);
  }

  /** Commits what `work` returns, or rolls back and returns the value of the Rollback it returns. */
  async run<T, R = never>(work: (em: EntityManager) => Promise<T | Rollback<R>>, options: RunOptions<T> = {}): Promise<T | R> {
    let committed: Array<() => void> = [];
    const tracked = async (em: EntityManager): Promise<T> => {
      committed = [];
      this.onCommit.set(em, committed);
      const result = await work(em);
      if (result instanceof Rollback) throw new RolledBack(result.value);
      return result;
    };
    try {
      const result = this.mysql ? await this.runMysql(tracked, options) : await this.runSqlite(tracked);
      for (const callback of committed) this.runSafely(callback);
      return result;
    } catch (error) {
      if (error instanceof RolledBack) return error.value as R;
      if (error instanceof CommitOutcomeUnknown) {
        this.logger.error(`database unavailable: ${error.message}`);
        throw new CommitUnconfirmed();
      }
      if (isConnectionError(error)) {
        this.logger.error(`database unavailable: ${(error as Error).message}`);
        throw new DatabaseUnavailable();
      }
      throw error;
    }
  }

  private runSafely(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.logger.error(`after-commit callback failed: ${(error as Error).message}`);
    }
  }

  private runMysql<T>(work: (em: EntityManager) => Promise<T>, options: RunOptions<T>): Promise<T> {
    return retrying(async () => {
      // Set once the work is done: a failure after it happened while COMMIT was on its way.
      let committing = false;
      try {
        return done(
          await this.dataSource.transaction('READ COMMITTED', async (em) => {
            const result = await work(em);
            committing = true;
            return result;
          }),
        );
      } catch (error) {
        if (committing && isConnectionError(error)) {
          const check = await this.checkCommit(options, error);
          // It did not commit: running it again is safe.
          return check.committed ? done(check.result) : again(() => error);
        }
        const errno = errnoOf(error);
        if (errno === DEADLOCK || errno === LOCK_WAIT_TIMEOUT || (!committing && isLostConnection(error))) {
          return again(() => error, { pause: true });
        }
        throw error;
      }
    });
  }

  /** Settles a COMMIT whose answer was lost, with the caller's check (retried on a stale connection). */
  private async checkCommit<T>(options: RunOptions<T>, lost: unknown): Promise<CommitCheck<T>> {
    const { verifyCommit } = options;
    if (!verifyCommit) throw new CommitOutcomeUnknown(lost);
    return retrying(async () => {
      try {
        const check = await this.dataSource.transaction('READ COMMITTED', verifyCommit);
        this.logger.warn(`connection lost during COMMIT; the transaction ${check.committed ? 'committed' : 'did not commit'}`);
        return done(check);
      } catch (error) {
        const giveUp = () => {
          this.logger.error(`connection lost during COMMIT and the outcome could not be checked: ${(error as Error).message}`);
          return new CommitOutcomeUnknown(lost);
        };
        if (isLostConnection(error)) return again(giveUp);
        throw giveUp();
      }
    });
  }

  private runSqlite<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const result = this.sqliteQueue.then(() => this.dataSource.transaction(work));
    this.sqliteQueue = result.catch(() => undefined);
    return result;
  }
}
