import { setTimeout as sleep } from 'node:timers/promises';
import { nodeName, parseDatabaseUrl } from './database-url.js';
import { MigrationRefused } from './migrations/migration-refused.js';

/** How long a connection attempt waits for the server to answer (mysql2's default is 10 s). */
export const CONNECT_TIMEOUT_MS = 5000;

/** The driver's error code (mysql2 puts it on the error; TypeORM wraps some errors with the driver's one inside). */
function codeOf(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Failures to connect that a moment can end: a server that is starting, restarting or full. Start-up
 * tries again a few times; anything else (a wrong address, password or database name, data a
 * migration refuses to change) will not fix itself and stops the start at once.
 */
const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'PROTOCOL_CONNECTION_LOST', 'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR']);

/**
 * Start-up connection attempts: 3, half a second apart. A server that is down is reported about 1 s
 * after the first attempt, a few seconds after the process started.
 */
export const START_UP_CONNECTION_RETRIES = { retryAttempts: 3, retryDelay: 500 } as const;

export function isTransientConnectionFailure(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && TRANSIENT.has(code);
}

/** Failures to connect that no wait will end: a wrong host, password or database name (serve.ts names them in one line). */
const PERMANENT = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ER_ACCESS_DENIED_ERROR',
  'ER_ACCESS_DENIED_NO_PASSWORD_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
]);

/**
 * The app's own start (after the check of serve.ts) tries again for 5 s on anything but a permanent
 * failure and data a migration refuses to change: a server that went away a moment, or another
 * instance starting at once and creating the same tables (its migrations are done a moment later).
 */
export const APP_START_RETRIES = { retryAttempts: 10, retryDelay: 500 } as const;

export function worthRetryingAtStart(error: unknown): boolean {
  const code = codeOf(error);
  return !(error instanceof MigrationRefused) && !(code !== undefined && PERMANENT.has(code));
}

/**
 * One line naming why the app could not use the MySQL/MariaDB database of `databaseUrl` (never its
 * password), or undefined when `error` is not a connection failure.
 */
export function connectionFailureLine(error: unknown, databaseUrl: string): string | undefined {
  const { nodes, user, database } = parseDatabaseUrl(databaseUrl);
  const where = nodes.map(nodeName).join(', ');
  const hostname = nodes.map(({ host }) => host).join(', ');
  const cannot = `Cannot connect to the database at ${where}`;
  switch (codeOf(error)) {
    case 'ECONNREFUSED':
      return `${cannot}: connection refused (is MySQL/MariaDB running there?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${cannot}: the host name ${hostname} is not known`;
    case 'ETIMEDOUT':
      return `${cannot}: no answer within 5 s (a firewall, or the wrong host?)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${cannot}: the host cannot be reached`;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'PROTOCOL_CONNECTION_LOST':
    case 'ER_SERVER_SHUTDOWN':
      return `${cannot}: the server closed the connection`;
    case 'ER_CON_COUNT_ERROR':
      return `${cannot}: the server has too many connections`;
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return `${cannot}: access denied for user "${user}" (check the user name and password in DATABASE_URL)`;
    case 'ER_DBACCESS_DENIED_ERROR':
      return `${cannot}: user "${user}" may not use database "${database}" (GRANT ALL ON \`${database}\`.* TO '${user}')`;
    case 'ER_BAD_DB_ERROR':
      return (
        `database "${database}" does not exist on ${where} ` +
        `(create it: CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci)`
      );
    default:
      return undefined;
  }
}

/**
 * Connects once to the MySQL/MariaDB database of `databaseUrl` with the app's driver, as the app
 * will (trying again like it when the failure may be transient), and closes the connection; with
 * several nodes, each in turn until one answers. Returns the line naming why the app could not use
 * it, or undefined when it can (or when the failure is not one this knows: the app's own start then
 * reports it).
 */
export async function databaseConnectionProblem(databaseUrl: string): Promise<string | undefined> {
  const { createConnection } = await import('mysql2/promise');
  const { nodes, user, password, database } = parseDatabaseUrl(databaseUrl);
  for (let attempt = 1; ; attempt++) {
    let failure: unknown;
    for (const { host, port } of nodes) {
      try {
        const connection = await createConnection({ host, port, user, password, database, connectTimeout: CONNECT_TIMEOUT_MS });
        await connection.end();
        return undefined;
      } catch (error) {
        failure ??= error;
      }
    }
    if (!isTransientConnectionFailure(failure) || attempt >= START_UP_CONNECTION_RETRIES.retryAttempts) {
      return connectionFailureLine(failure, databaseUrl);
    }
    await sleep(START_UP_CONNECTION_RETRIES.retryDelay);
  }
}
