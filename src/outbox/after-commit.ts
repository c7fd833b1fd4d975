import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import type {
  DataSource,
  EntityManager,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';
import { APP_LOGGER } from '../observability/app-logger.js';

/**
 * Callbacks run once the transaction of an EntityManager has committed, whichever TransactionRunner
 * started it (the tokens package runs its ledger transactions on its own): it follows the
 * transaction's query runner through TypeORM's transaction events. A rolled-back transaction drops them.
 */
@Injectable()
export class AfterCommit implements EntitySubscriberInterface, OnModuleInit {
  private readonly waiting = new WeakMap<QueryRunner, Array<() => void>>();
  private readonly log: Logger;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'AfterCommit' });
  }

  onModuleInit(): void {
    this.dataSource.subscribers.push(this);
  }

  /** Runs `callback` after the commit of the transaction of `em`; outside a transaction, at once. */
  run(em: EntityManager, callback: () => void): void {
    const runner = em.queryRunner;
    if (!runner?.isTransactionActive) return this.safely(callback);
    const callbacks = this.waiting.get(runner) ?? [];
    callbacks.push(callback);
    this.waiting.set(runner, callbacks);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // A released savepoint also broadcasts a commit: only the outermost one counts.
    if (event.queryRunner.isTransactionActive) return;
    const callbacks = this.waiting.get(event.queryRunner) ?? [];
    this.waiting.delete(event.queryRunner);
    for (const callback of callbacks) this.safely(callback);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.waiting.delete(event.queryRunner);
  }

  private safely(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.log.error({ err: error }, 'after-commit callback failed');
    }
  }
}
