import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '../common/app-error.js';

const DEADLOCK = 1213;
const LOCK_WAIT_TIMEOUT = 1205;
const MAX_ATTEMPTS = 4;

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

function errnoOf(error: unknown): number | undefined {
  const e = error as { errno?: number; driverError?: { errno?: number } };
  return e?.driverError?.errno ?? e?.errno;
}

export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string }; message?: string };
  const code = e?.driverError?.code ?? e?.code;
  return (code !== undefined && CONNECTION_ERRORS.has(code)) || /connection.*(closed|lost)|Pool is closed/i.test(e?.message ?? '');
}

/**
 * Runs a unit of work in one database transaction.
 * - MySQL/MariaDB: READ COMMITTED, retried a bounded number of times on deadlock or lock-wait timeout.
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

  async run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    let committed: Array<() => void> = [];
    const tracked = (em: EntityManager): Promise<T> => {
      committed = [];
      this.onCommit.set(em, committed);
      return work(em);
    };
    try {
      const result = this.mysql ? await this.runMysql(tracked) : await this.runSqlite(tracked);
      for (const callback of committed) this.runSafely(callback);
      return result;
    } catch (error) {
      if (isConnectionError(error)) {
        this.logger.error(`database unavailable: ${(error as Error).message}`);
        throw new AppError(ErrorCode.LEDGER_UNAVAILABLE, 'The token ledger is unavailable; nothing was charged and the request did not run');
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

  private async runMysql<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction('READ COMMITTED', work);
      } catch (error) {
        const errno = errnoOf(error);
        if ((errno === DEADLOCK || errno === LOCK_WAIT_TIMEOUT) && attempt < MAX_ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 10));
          continue;
        }
        throw error;
      }
    }
  }

  private runSqlite<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const result = this.sqliteQueue.then(() => this.dataSource.transaction(work));
    this.sqliteQueue = result.catch(() => undefined);
    return result;
  }
}
