import type { DataSource } from 'typeorm';

/** InnoDB deadlock, and on Galera a certification failure (a write set that conflicted with another node's). */
const DEADLOCK = 1213;
const LOCK_WAIT_TIMEOUT = 1205;
/** Galera: "WSREP has not yet prepared node for application use" (a node joining, or outside the primary component). */
const NODE_NOT_READY = 1047;
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

export function errnoOf(error: unknown): number | undefined {
  const e = error as { errno?: number; driverError?: { errno?: number } };
  return e?.driverError?.errno ?? e?.errno;
}

function codeOf(error: unknown): string | undefined {
  const e = error as { code?: string; driverError?: { code?: string } };
  return e?.driverError?.code ?? e?.code;
}

/** The database could not be reached, or the node reached cannot serve yet (Galera, 1047). */
export function isConnectionError(error: unknown): boolean {
  const code = codeOf(error);
  return (
    (code !== undefined && CONNECTION_ERRORS.has(code)) ||
    errnoOf(error) === CONNECTION_KILLED ||
    errnoOf(error) === NODE_NOT_READY ||
    /connection.*(closed|lost|not open|not established)|Pool is closed/i.test((error as { message?: string })?.message ?? '')
  );
}

/** An established connection ended, or its node stopped serving: what the transaction sent is not committed (but for COMMIT itself). */
export function isLostConnection(error: unknown): boolean {
  const code = codeOf(error);
  const errno = errnoOf(error);
  return (code !== undefined && LOST_CONNECTION_ERRORS.has(code)) || errno === CONNECTION_KILLED || errno === NODE_NOT_READY;
}

/** A transaction another one conflicted with (deadlock, lock wait, Galera certification failure): running it again can succeed. */
export function isConflict(error: unknown): boolean {
  const errno = errnoOf(error);
  return errno === DEADLOCK || errno === LOCK_WAIT_TIMEOUT;
}

/**
 * Whether the error means the database could not serve the request for now (unreachable, not ready,
 * or conflicts that outlasted their retries): 503 LEDGER_UNAVAILABLE, never 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return error instanceof DatabaseUnavailable || isConnectionError(error) || isConflict(error);
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

/** A transaction that kept conflicting with others (deadlocks, Galera certification failures) until its retries ran out: nothing was written. */
export class DatabaseBusy extends DatabaseUnavailable {
  constructor(readonly conflict: unknown) {
    super('The token ledger is busy; nothing was charged and the request did not run. Try again');
    this.name = 'DatabaseBusy';
  }
}

/**
 * For batches of database work: the error the requests still waiting get when a batch found the
 * database unreachable (they never ran, so a COMMIT of the batch that went unanswered is not theirs);
 * undefined for any other error, conflicts included (the next batch may well commit).
 */
export function unreachableForWaiting(error: unknown): unknown {
  if (error instanceof DatabaseBusy) return undefined;
  if (error instanceof CommitUnconfirmed) return new DatabaseUnavailable();
  return error instanceof DatabaseUnavailable || isConnectionError(error) ? error : undefined;
}

/** What a DataSource's driver offers when the database it uses fails: another node to use (see the host's multi-node DATABASE_URL). */
export interface ServerFailover {
  /** Checks the servers again at once and moves to a usable one; resolves whether there is one. */
  recover(): Promise<boolean>;
}

/** The failover of the DataSource's driver (TypeORM's `driver` option carrying a `failover`), if it has one. */
export function failoverOf(dataSource: DataSource): ServerFailover | undefined {
  return (dataSource.options as { driver?: { failover?: ServerFailover } }).driver?.failover;
}
