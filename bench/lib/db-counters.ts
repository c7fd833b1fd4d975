import type { Connection } from 'mysql2/promise';
import { queryRows } from './database.js';

/**
 * Statements and transactions of the application, from MariaDB's own counters (bench/README.md
 * has the experiments these rules come from).
 *
 * - Statements (= round trips: TypeORM sends one statement per COM_QUERY) come from
 *   information_schema.USER_STATISTICS of the MariaDB user only the app uses (`userstat=1`):
 *   SELECT_COMMANDS + UPDATE_COMMANDS (INSERT/UPDATE/DELETE/REPLACE) + OTHER_COMMANDS (SET,
 *   START TRANSACTION, COMMIT, ROLLBACK, ...). Exact, whatever else runs on the server.
 * - Every client's statements: the server-wide `Questions` delta minus the runner's own (its
 *   session's `Questions` delta, read in the same statement). Minus the app's, that leaves the
 *   statements of other clients during the phase.
 * - The app's transactions: USER_STATISTICS has no count of them. Its COMMIT_TRANSACTIONS (like
 *   the server-wide `Handler_commit`) counts the engine's commit calls: one per statement that
 *   touches an InnoDB table (autocommit or inside a transaction) plus one per COMMIT. So, as long
 *   as every read and write of the app touches a table and none fails (no rollback at all),
 *   COMMIT_TRANSACTIONS - reads - writes = the app's COMMITs, exactly. The derivation is used only
 *   under those conditions, and only if it is not above the server-wide `Com_commit` delta.
 * - Server-wide: `Com_begin` (START TRANSACTION and BEGIN), `Com_commit`, `Com_rollback` deltas;
 *   the runner never opens a transaction, so when no other client sent anything during the phase
 *   these are the app's alone. They are the fallback for the transaction count.
 * Without `userstat` (performance_schema is off on a default MariaDB and needs a restart) only the
 * server-wide counts are available, and other clients' statements cannot be told apart.
 */
export interface StatementCounting {
  /** 'per-user': the app's statements are counted exactly; 'server-wide': only global deltas. */
  mode: 'per-user' | 'server-wide';
  note: string;
  /** Puts `userstat` back the way it was. */
  restore(): Promise<void>;
}

export async function startStatementCounting(connection: Connection): Promise<StatementCounting> {
  const [{ on }] = await queryRows<{ on: number | string }>(connection, 'SELECT @@GLOBAL.userstat AS `on`');
  if (Number(on) === 1) return { mode: 'per-user', note: 'userstat was already on', restore: async () => undefined };
  try {
    await connection.query('SET GLOBAL userstat = 1');
  } catch (error) {
    return {
      mode: 'server-wide',
      note: `SET GLOBAL userstat = 1 failed (${(error as Error).message}): server-wide counters only`,
      restore: async () => undefined,
    };
  }
  return {
    mode: 'per-user',
    note: 'userstat switched on for the run, off again at the end',
    restore: async () => {
      await connection.query('SET GLOBAL userstat = 0');
    },
  };
}

export interface CounterSample {
  /** Server-wide counters (every client). */
  questions: number;
  begins: number;
  commits: number;
  rollbacks: number;
  handlerCommits: number;
  /** `Questions` of the runner's own connection (this sample's statement included). */
  runnerQuestions: number;
  /** Whether `userstat` was on when the sample was taken. */
  userstat: boolean;
  /** The app user's USER_STATISTICS row (zeros before its first statement). */
  app: { reads: number; writes: number; other: number; engineCommits: number; engineRollbacks: number };
}

const STATUS = (name: string, scope: 'GLOBAL' | 'SESSION' = 'GLOBAL'): string =>
  `(SELECT VARIABLE_VALUE FROM information_schema.${scope}_STATUS WHERE VARIABLE_NAME = '${name}')`;

/** One statement, so that the server-wide and the runner's own counts see the same runner statements. */
export async function sampleCounters(connection: Connection, appUser: string): Promise<CounterSample> {
  const [row] = await queryRows<Record<string, string | number | null>>(
    connection,
    `SELECT ${STATUS('QUESTIONS')} AS questions, ${STATUS('COM_BEGIN')} AS begins, ${STATUS('COM_COMMIT')} AS commits,
            ${STATUS('COM_ROLLBACK')} AS rollbacks, ${STATUS('HANDLER_COMMIT')} AS handler_commits,
            ${STATUS('QUESTIONS', 'SESSION')} AS runner_questions, @@GLOBAL.userstat AS userstat,
            u.SELECT_COMMANDS AS app_reads, u.UPDATE_COMMANDS AS app_writes, u.OTHER_COMMANDS AS app_other,
            u.COMMIT_TRANSACTIONS AS app_engine_commits, u.ROLLBACK_TRANSACTIONS AS app_engine_rollbacks
       FROM (SELECT 1) AS one LEFT JOIN information_schema.USER_STATISTICS u ON u.USER = ?`,
    [appUser],
  );
  const n = (key: string): number => Number(row[key] ?? 0);
  return {
    questions: n('questions'),
    begins: n('begins'),
    commits: n('commits'),
    rollbacks: n('rollbacks'),
    handlerCommits: n('handler_commits'),
    runnerQuestions: n('runner_questions'),
    userstat: n('userstat') === 1,
    app: {
      reads: n('app_reads'),
      writes: n('app_writes'),
      other: n('app_other'),
      engineCommits: n('app_engine_commits'),
      engineRollbacks: n('app_engine_rollbacks'),
    },
  };
}

export interface StatementCounts {
  /** The app's statements were counted per user for the whole phase. */
  exact: boolean;
  /** The app's statements (null when not counted per user): reads, writes, transaction control and the rest. */
  app: { statements: number; reads: number; writes: number; other: number; engineCommits: number; engineRollbacks: number } | null;
  /** Statements of every client but the runner (server-wide `Questions` delta minus the runner's). */
  allClients: number;
  /** Statements of clients other than the app and the runner (null when not counted per user). */
  otherClients: number | null;
  /** The app's COMMITs, derived from its engine commit calls (null when the derivation does not hold). */
  appCommits: number | null;
  /** The transaction count the goals use: the app's COMMITs, else the server-wide transactions begun. */
  transactions: number;
  transactionsSource: 'app' | 'server-wide';
  /** Server-wide deltas (every client): transactions begun, COMMITs, ROLLBACKs, engine commit calls. */
  serverWide: { begins: number; commits: number; rollbacks: number; handlerCommits: number };
}

export function countStatements(before: CounterSample, after: CounterSample, counting: StatementCounting): StatementCounts {
  const reads = after.app.reads - before.app.reads;
  const writes = after.app.writes - before.app.writes;
  const other = after.app.other - before.app.other;
  // userstat switched off, or the statistics flushed (FLUSH USER_STATISTICS), during the phase: not exact.
  const exact = counting.mode === 'per-user' && before.userstat && after.userstat && reads >= 0 && writes >= 0 && other >= 0;
  const allClients = after.questions - before.questions - (after.runnerQuestions - before.runnerQuestions);
  const engineCommits = after.app.engineCommits - before.app.engineCommits;
  const engineRollbacks = after.app.engineRollbacks - before.app.engineRollbacks;
  const app = exact ? { statements: reads + writes + other, reads, writes, other, engineCommits, engineRollbacks } : null;
  const serverWide = {
    begins: after.begins - before.begins,
    commits: after.commits - before.commits,
    rollbacks: after.rollbacks - before.rollbacks,
    handlerCommits: after.handlerCommits - before.handlerCommits,
  };
  const derived = engineCommits - reads - writes;
  const appCommits = app && engineRollbacks === 0 && derived >= 0 && derived <= serverWide.commits ? derived : null;
  return {
    exact,
    app,
    allClients,
    otherClients: app ? allClients - app.statements : null,
    appCommits,
    transactions: appCommits ?? serverWide.begins,
    transactionsSource: appCommits === null ? 'server-wide' : 'app',
    serverWide,
  };
}
