import { resolve } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { Environment } from '../config/environment.js';
import { CONNECT_TIMEOUT_MS } from './connection-failure.js';
import { parseDatabaseUrl } from './database-url.js';
import { entities } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';
import { nodesDriver } from './nodes/nodes-driver.js';
import { WriterNodes } from './nodes/writer-nodes.js';

export type DatabaseEnvironment = Pick<Environment, 'DATABASE_URL' | 'SQLITE_PATH' | 'MIGRATIONS_RUN'>;

/**
 * MySQL/MariaDB when DATABASE_URL is set, otherwise an embedded SQLite file.
 * Schema changes only ever come from migrations.
 */
export function dataSourceOptions(env: DatabaseEnvironment): DataSourceOptions {
  const common = {
    entities: entities(Boolean(env.DATABASE_URL)),
    migrations: MIGRATIONS,
    migrationsRun: env.MIGRATIONS_RUN,
    migrationsTransactionMode: 'each',
    synchronize: false,
  } as const;
  if (env.DATABASE_URL) {
    const { dialect, user, password, database, nodes } = parseDatabaseUrl(env.DATABASE_URL);
    return {
      ...common,
      // The scheme picks TypeORM's dialect; both speak the MySQL protocol through mysql2, whose
      // connections go to the writer of the URL's nodes (one server, or a Galera cluster's nodes).
      type: dialect,
      driver: nodesDriver(new WriterNodes(nodes, { user, password })),
      host: nodes[0].host,
      port: nodes[0].port,
      username: user,
      password,
      database,
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      supportBigNumbers: true,
      bigNumberStrings: true,
      // A database host that does not answer fails a connection attempt after 5 s (503) instead of
      // mysql2's 10 s: requests queued behind the pool's 20 connections wait for those attempts.
      connectTimeout: CONNECT_TIMEOUT_MS,
      // trace: false: mysql2 would capture a stack trace for every query (~15 µs of CPU each), only to
      // put it on the driver's error, which TypeORM wraps in a QueryFailedError with its own stack.
      extra: { connectionLimit: 20, trace: false },
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: env.SQLITE_PATH === ':memory:' ? ':memory:' : resolve(env.SQLITE_PATH),
    // WAL lets readers run beside the single writer; busy_timeout waits for a lock instead of failing.
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
  };
}

export function isMysql(options: DataSourceOptions): boolean {
  return options.type === 'mysql' || options.type === 'mariadb';
}
