import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  CommitUnconfirmed,
  DatabaseBusy,
  DatabaseUnavailable,
  failoverOf,
  isConflict,
  isConnectionError,
  isLostConnection,
  type ServerFailover,
} from './database-errors.js';
import { again, done, retrying } from './retrying.js';

/** Attempts of a transaction that conflicts with others (deadlocks; on Galera, certification failures), with growing pauses between them. */
const CONFLICT_ATTEMPTS = 8;
/** Times one transaction may run again after its connection or node failed (on another node when the driver has a failover). */
const RECONNECTS = 3;

/** 10, 20, 40, 80, 160, then 200 ms, each between half and one and a half times that: conflicting transactions drift apart. */
function pause(attempt: number): Promise<void> {
  const ms = Math.min(200, 5 * 2 ** attempt) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
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

  private async runMysql<T>(work: (em: EntityManager) => Promise<T>, options: RunOptions<T>): Promise<T> {
    const failover = failoverOf(this.dataSource);
    let conflicts = 0;
    let reconnects = 0;
    for (;;) {
      // Set once the work is done: a failure after it happened while COMMIT was on its way.
      let committing = false;
      try {
        return await this.dataSource.transaction('READ COMMITTED', async (em) => {
          const result = await work(em);
          committing = true;
          return result;
        });
      } catch (error) {
        if (committing && isConnectionError(error)) {
          const check = await this.checkCommit(options, error, failover);
          if (check.committed) return check.result;
          // It did not commit: running it again is safe.
          if (++reconnects <= RECONNECTS) continue;
          throw error;
        }
        if (isConflict(error)) {
          if (++conflicts >= CONFLICT_ATTEMPTS) throw new DatabaseBusy(error);
          await pause(conflicts);
          continue;
        }
        // Nothing was committed. With several nodes, the next attempt goes to the writer the check finds.
        if (isConnectionError(error) && ++reconnects <= RECONNECTS) {
          if (failover ? await failover.recover() : isLostConnection(error)) {
            if (!failover) await pause(reconnects);
            continue;
          }
        }
        throw error;
      }
    }
  }

  /** Settles a COMMIT whose answer was lost, with the caller's check (retried on a stale connection), on the writer a failover finds. */
  private async checkCommit<T>(options: RunOptions<T>, lost: unknown, failover: ServerFailover | undefined): Promise<CommitCheck<T>> {
    const { verifyCommit } = options;
    if (!verifyCommit) throw new CommitOutcomeUnknown(lost);
    return retrying(async () => {
      if (failover) await failover.recover();
      try {
        const check = await this.dataSource.transaction('READ COMMITTED', verifyCommit);
        this.logger.warn(`connection lost during COMMIT; the transaction ${check.committed ? 'committed' : 'did not commit'}`);
        return done(check);
      } catch (error) {
        const giveUp = () => {
          this.logger.error(`connection lost during COMMIT and the outcome could not be checked: ${(error as Error).message}`);
          return new CommitOutcomeUnknown(lost);
        };
        if (isLostConnection(error) || (failover && isConnectionError(error))) return again(giveUp, { pause: true });
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
