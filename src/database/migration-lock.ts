import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { isMysql } from './data-source-options.js';

/**
 * Migrations run once however many instances start at the same moment, on one server or on the
 * nodes of a Galera cluster. TypeORM takes no lock of its own on MySQL/MariaDB, and GET_LOCK is
 * local to one Galera node, so the lock is a row of a table of its own: one fixed primary key,
 * the holder's name and an expiry a short time ahead (by the database's clock), which the holder
 * keeps moving while it migrates. Inserting that key is taking the lock; whoever finds it taken
 * (a duplicate key, or on Galera a certification failure, 1213, when two nodes insert it at once)
 * waits until the row is gone. A holder that died leaves a row that expires and is taken over.
 * Galera applies writes in commit order on every node, so a node that sees the row gone also sees
 * every migration its holder recorded. SQLite takes the same lock (one code path); it matters there
 * only when several processes share one database file.
 */
export const MIGRATION_LOCK_TABLE = 'migration_lock';
const LOCK_ID = 1;

export interface MigrationLockSettings {
  /** How far ahead the lock's expiry is set when taken or refreshed. */
  ttlMs: number;
  /** How often the holder moves the expiry ahead (well within ttlMs). */
  refreshEveryMs: number;
  /** How often an instance that waits looks at the lock again. */
  pollEveryMs: number;
  /** How long an instance waits in all before it gives up (MigrationLockTimeout). */
  maxWaitMs: number;
  /** This instance's name in the lock row and in messages. */
  holder: string;
  log: (line: string) => void;
}

const logger = new Logger('Migrations');

export const MIGRATION_LOCK_DEFAULTS: MigrationLockSettings = {
  ttlMs: 30_000,
  refreshEveryMs: 10_000,
  pollEveryMs: 500,
  maxWaitMs: 10 * 60_000,
  holder: `${hostname()} pid ${process.pid} ${randomBytes(3).toString('hex')}`.slice(0, 255),
  log: (line) => logger.log(line),
};

/** The lock as another instance holds it. */
export interface HeldLock {
  holder: string;
  /** Milliseconds until it expires (negative once expired), by the database's clock. */
  expiresInMs: number;
}

/** An instance waited maxWaitMs for the lock; the message names the holder. Start-up does not retry it. */
export class MigrationLockTimeout extends Error {
  override name = 'MigrationLockTimeout';
}

/** Errors that mean someone else took the row first (MySQL/MariaDB and Galera, SQLite). */
const TAKEN = new Set(['ER_DUP_ENTRY', 'ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_BUSY']);

function takenByAnother(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' && TAKEN.has(code);
}

/** The one lock row: take, refresh, read, release. */
export class MigrationLock {
  private readonly mysql: boolean;

  constructor(
    private readonly dataSource: DataSource,
    readonly holder: string,
    private readonly ttlMs: number,
  ) {
    this.mysql = isMysql(dataSource.options);
  }

  /** The database's clock in milliseconds since 1970 (UTC), so instances on machines whose clocks differ agree. */
  private get now(): string {
    return this.mysql
      ? "(TIMESTAMPDIFF(MICROSECOND, '1970-01-01', UTC_TIMESTAMP(6)) DIV 1000)"
      : "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
  }

  async createTable(): Promise<void> {
    await this.dataSource.query(
      `CREATE TABLE IF NOT EXISTS ${MIGRATION_LOCK_TABLE} (id INT NOT NULL PRIMARY KEY, holder VARCHAR(255) NOT NULL, expires_at BIGINT NOT NULL)` +
        (this.mysql ? ' ENGINE=InnoDB' : ''),
    );
  }

  /**
   * Takes the lock: inserts the row, or takes over the row of a holder whose lock expired. Returns
   * false when someone else holds it (or took it at the same moment), else whose expired lock it took.
   */
  async tryAcquire(): Promise<false | { tookOverFrom?: string }> {
    try {
      await this.dataSource.query(`INSERT INTO ${MIGRATION_LOCK_TABLE} (id, holder, expires_at) VALUES (?, ?, ${this.now} + ?)`, [
        LOCK_ID,
        this.holder,
        this.ttlMs,
      ]);
      return {};
    } catch (error) {
      if (!takenByAnother(error)) throw error;
    }
    const held = await this.current();
    if (held === undefined || held.expiresInMs >= 0) return false;
    try {
      const taken = await this.affected(
        `UPDATE ${MIGRATION_LOCK_TABLE} SET holder = ?, expires_at = ${this.now} + ? WHERE id = ? AND holder = ? AND expires_at < ${this.now}`,
        [this.holder, this.ttlMs, LOCK_ID, held.holder],
      );
      return taken === 1 ? { tookOverFrom: held.holder } : false;
    } catch (error) {
      if (takenByAnother(error)) return false;
      throw error;
    }
  }

  /** Who holds the lock, or undefined when nobody does. */
  async current(): Promise<HeldLock | undefined> {
    const rows: { holder: string; expires_in_ms: string | number }[] = await this.dataSource.query(
      `SELECT holder, expires_at - ${this.now} AS expires_in_ms FROM ${MIGRATION_LOCK_TABLE} WHERE id = ?`,
      [LOCK_ID],
    );
    return rows[0] && { holder: rows[0].holder, expiresInMs: Number(rows[0].expires_in_ms) };
  }

  /** Moves the expiry ahead; false when the lock is no longer this holder's. */
  async refresh(): Promise<boolean> {
    const updated = await this.affected(`UPDATE ${MIGRATION_LOCK_TABLE} SET expires_at = ${this.now} + ? WHERE id = ? AND holder = ?`, [
      this.ttlMs,
      LOCK_ID,
      this.holder,
    ]);
    return updated === 1;
  }

  /** Refreshes every `everyMs` until the returned function is called (and has waited for a refresh under way). */
  keepAlive(everyMs: number, log: (line: string) => void): () => Promise<void> {
    let stopped = false;
    let wake: () => void = () => undefined;
    const loop = (async () => {
      while (!stopped) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, everyMs).unref();
        });
        if (stopped) return;
        try {
          if (!(await this.refresh()))
            log(`the migration lock is no longer held by ${this.holder}: it expired and another instance took it`);
        } catch (error) {
          log(`could not refresh the migration lock: ${(error as Error).message}`);
        }
      }
    })();
    return async () => {
      stopped = true;
      wake();
      await loop;
    };
  }

  async release(): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${MIGRATION_LOCK_TABLE} WHERE id = ? AND holder = ?`, [LOCK_ID, this.holder]);
  }

  private async affected(sql: string, parameters: unknown[]): Promise<number | undefined> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return (await runner.query(sql, parameters, true)).affected;
    } finally {
      await runner.release();
    }
  }
}

/** True when a migration is not recorded yet, or when that cannot be read (then the lock's holder finds out). */
async function anythingPending(dataSource: DataSource): Promise<boolean> {
  return dataSource.showMigrations().catch(() => true);
}

/**
 * Runs the pending migrations of `dataSource` unless another instance is running them: then waits
 * until it is done and checks that nothing is pending. If its holder stopped before finishing (it
 * failed, or died and its lock expired), this instance takes the lock and runs what is left.
 * Returns the names of the migrations this instance ran.
 */
export async function runMigrationsOnce(dataSource: DataSource, settings: Partial<MigrationLockSettings> = {}): Promise<string[]> {
  const s = { ...MIGRATION_LOCK_DEFAULTS, ...settings };
  const lock = new MigrationLock(dataSource, s.holder, s.ttlMs);
  await lock.createTable();
  const deadline = Date.now() + s.maxWaitMs;
  for (;;) {
    const taken = await lock.tryAcquire();
    if (taken) {
      if (taken.tookOverFrom !== undefined) s.log(`took over the migration lock of ${taken.tookOverFrom}, which expired`);
      return runHoldingTheLock(dataSource, lock, s);
    }
    const awaited = await waitWhileHeld(lock, deadline, s);
    if (awaited !== undefined && !(await anythingPending(dataSource))) {
      s.log(`migrations done by ${awaited}; nothing pending`);
      return [];
    }
    // Its lock expired, or it stopped before finishing: take the lock and run what is left.
    if (awaited !== undefined) continue;
    if (Date.now() >= deadline) {
      throw new MigrationLockTimeout(
        `Could not take the migration lock within ${Math.round(s.maxWaitMs / 1000)} s: every attempt met another's`,
      );
    }
    await sleep(s.pollEveryMs);
  }
}

/**
 * Polls until the lock is released or expired. Returns who held it when released, undefined when
 * it expired (or was not held any more at the first look).
 */
async function waitWhileHeld(lock: MigrationLock, deadline: number, s: MigrationLockSettings): Promise<string | undefined> {
  let awaited: string | undefined;
  for (;;) {
    const held = await lock.current();
    if (held === undefined) return awaited;
    if (held.holder !== awaited && held.expiresInMs >= 0) {
      awaited = held.holder;
      s.log(`waiting for the migrations run by ${held.holder}`);
    }
    if (Date.now() >= deadline) {
      const state =
        held.expiresInMs >= 0 ? `expires in ${Math.round(held.expiresInMs / 1000)} s unless refreshed` : 'expired, not taken over yet';
      throw new MigrationLockTimeout(
        `Gave up waiting for the migration lock after ${Math.round(s.maxWaitMs / 1000)} s: it is held by ${held.holder} (${state}). ` +
          `If that instance is still migrating, let it finish; if it is gone, its lock expires within ${Math.round(s.ttlMs / 1000)} s ` +
          `(the row is in table ${MIGRATION_LOCK_TABLE}). Then start again.`,
      );
    }
    if (held.expiresInMs < 0) return undefined;
    await sleep(s.pollEveryMs);
  }
}

async function runHoldingTheLock(dataSource: DataSource, lock: MigrationLock, s: MigrationLockSettings): Promise<string[]> {
  const stopRefreshing = lock.keepAlive(s.refreshEveryMs, s.log);
  try {
    const ran = await dataSource.runMigrations({ transaction: dataSource.options.migrationsTransactionMode ?? 'all' });
    return ran.map((m) => m.name);
  } finally {
    await stopRefreshing();
    // Not released (the database went away): the lock expires within ttlMs and is taken over.
    await lock.release().catch((error: Error) => s.log(`could not release the migration lock: ${error.message}`));
  }
}

/**
 * Connects a data source of `options` and, when they say `migrationsRun`, runs the migrations once
 * across instances (runMigrationsOnce) instead of TypeORM's own run at initialize. The app's start
 * and the migration command both connect through this. On failure the connection is closed.
 */
export async function initializeDataSource(options: DataSourceOptions, settings?: Partial<MigrationLockSettings>): Promise<DataSource> {
  const dataSource = await new DataSource({ ...options, migrationsRun: false }).initialize();
  if (!options.migrationsRun) return dataSource;
  try {
    const ran = await runMigrationsOnce(dataSource, settings);
    if (ran.length > 0) (settings?.log ?? MIGRATION_LOCK_DEFAULTS.log)(`ran ${ran.length} migrations: ${ran.join(', ')}`);
    return dataSource;
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
}
