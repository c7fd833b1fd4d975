import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { cpuUse, databaseServerPids, sampleCpu, type CpuUse } from './cpu.js';
import { createBenchDatabase, MARIADB_SERVER, serverPorts, type BenchDatabase, type DatabaseServer } from './database.js';
import { countStatements, sampleCounters, startStatementCounting, type StatementCounting, type StatementCounts } from './db-counters.js';
import { cleanUpOnInterrupt } from './interrupt.js';
import { accountPhase, checkAccounts, snapshot, type AccountChecks, type ChargeAccounting, type Charging } from './ledger-checks.js';
import type { Pool } from 'undici';
import { createClientPool, runLoad, type LoadResult } from './load.js';
import { startBareServer, startServer, type BenchServer, type BenchUser, type HttpTarget } from './server.js';

export const RESULTS_DIR = fileURLToPath(new URL('../../../results/', import.meta.url));

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got '${raw}'`);
  return value;
}

/** Settings, from the environment so a run can be repeated with other values. */
export const settings = {
  connections: envNumber('BENCH_CONNECTIONS', 64),
  seconds: envNumber('BENCH_SECONDS', 10),
  warmupSeconds: envNumber('BENCH_WARMUP_SECONDS', 3),
  users: envNumber('BENCH_USERS', 1000),
  /** Tokens granted to every benchmark user (the admin grant maximum): no run can exhaust it. */
  grant: 1_000_000_000,
  /** The application's LOG_LEVEL; `log` is its default (one JSON line per request and per charge). */
  logLevel: process.env.BENCH_LOG_LEVEL ?? 'log',
};

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  mariadb: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
  /** The code measured: commit, and the files under src/ that differed from it. */
  commit: string;
  uncommittedSourceFiles: string[];
  /** How the app's statements are counted (see db-counters.ts). */
  statementCounting?: string;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

export interface PhaseSpec {
  key: string;
  label: string;
  path: string;
  users: BenchUser[];
  charging: Charging;
  /** The process the phase drives: the application (default) or the bare NestJS + Fastify app. */
  target?: 'app' | 'bare';
  /** The JSON body of every request; none by default. */
  body?: unknown;
}

export interface PhaseResult {
  key: string;
  label: string;
  path: string;
  warmup: boolean;
  users: number;
  connections: number;
  seconds: number;
  target: 'app' | 'bare';
  /**
   * When the load ran, in microseconds of the monotonic clock (process.hrtime), the clock of the
   * timestamps in a V8 .cpuprofile of the app: bench/profile-summary.mjs cuts a profile to one phase with it.
   */
  monotonicUs: { start: number; end: number };
  load: LoadResult;
  cpu: CpuUse;
  accounting: ChargeAccounting;
  /** The app's statements and transactions during the phase (null when the run does not count them). */
  statements: StatementCounts | null;
}

export interface BenchContext {
  db: BenchDatabase;
  server: BenchServer;
  /** The load generator's connections, kept for the whole run. */
  pool: Pool;
  machine: Machine;
  adminToken: string;
  withBaselineTable: boolean;
  /** The bare NestJS + Fastify app and its own connections, when the run has a bare scenario. */
  bare?: { server: HttpTarget; pool: Pool };
  counting?: StatementCounting;
  /** The database server's processes on this machine (every node of a cluster), for their CPU time. */
  databasePids: number[];
}

/**
 * Runs a benchmark on a fresh database (on `options.database`, the standalone server by default) and
 * a fresh server process, and always cleans up: the server is stopped and the database dropped, also
 * on failure or Ctrl-C. Resolves to the body's verdict (also the exit status); calls may be nested
 * to hold two targets in one run.
 */
export async function withBench(
  name: string,
  options: { baselineTable: boolean; bare?: boolean; countStatements?: boolean; database?: DatabaseServer },
  body: (ctx: BenchContext) => Promise<boolean>,
): Promise<boolean> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const logFile = `${RESULTS_DIR}${name}-${stamp}-server.log`;
  const bareLogFile = `${RESULTS_DIR}${name}-${stamp}-bare.log`;
  let db: BenchDatabase | undefined;
  let server: BenchServer | undefined;
  let pool: Pool | undefined;
  let bare: BenchContext['bare'];
  let counting: StatementCounting | undefined;
  let cleaning: Promise<void> | undefined;
  // Once, whether Ctrl-C or the end of the run comes first.
  const cleanup = (): Promise<void> =>
    (cleaning ??= (async () => {
      await pool?.destroy().catch(() => undefined);
      await bare?.pool.destroy().catch(() => undefined);
      await server?.close().catch((error: Error) => console.error(`stopping the server failed: ${error.message}`));
      await bare?.server.close().catch((error: Error) => console.error(`stopping the bare app failed: ${error.message}`));
      await counting?.restore().catch((error: Error) => console.error(`switching userstat back off failed: ${error.message}`));
      await db?.drop().catch((error: Error) => console.error(`dropping database ${db?.name} failed: ${error.message}`));
    })());
  const forgetCleanup = cleanUpOnInterrupt(cleanup);
  const database = options.database ?? MARIADB_SERVER;

  let ok: boolean;
  try {
    const loadAverageAtStart = loadavg().map((l) => Number(l.toFixed(2)));
    db = await createBenchDatabase(`bench_${name.replace(/\W/g, '_')}`, database);
    if (options.countStatements) counting = await startStatementCounting(db.connection);
    console.log(
      `database ${db.name} on MariaDB ${db.serverVersion} (${database.admin}); starting the app (LOG_LEVEL=${settings.logLevel})`,
    );
    server = await startServer({ databaseUrl: db.url, logLevel: settings.logLevel, logFile });
    if (options.baselineTable) await server.createBaselineTable();
    if (options.bare) {
      const bareServer = await startBareServer({ logFile: bareLogFile });
      bare = { server: bareServer, pool: createClientPool(bareServer.origin, settings.connections) };
    }
    const machine: Machine = {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      kernel: release(),
      node: process.version,
      mariadb: db.serverVersion,
      loadAverageAtStart,
      // BENCH_SOURCE names the code when it is not a git checkout (e.g. a `git archive` export).
      commit: process.env.BENCH_SOURCE ?? (git(['rev-parse', '--short', 'HEAD']).trim() || 'unknown'),
      uncommittedSourceFiles: git(['status', '--porcelain', '--', 'src'])
        .split('\n')
        .filter(Boolean)
        .map((line) => line.slice(3)),
      statementCounting: counting && `${counting.mode} (${counting.note})`,
    };
    const adminToken = await server.adminAccessToken();
    pool = createClientPool(server.origin, settings.connections);
    const databasePids = databaseServerPids(serverPorts(database));
    ok = await body({ db, server, pool, machine, adminToken, withBaselineTable: options.baselineTable, bare, counting, databasePids });
  } catch (error) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    ok = false;
  } finally {
    await cleanup();
    forgetCleanup();
  }
  if (ok && !process.env.BENCH_KEEP_SERVER_LOG) {
    rmSync(logFile, { force: true });
    rmSync(bareLogFile, { force: true });
  } else console.error(`server log: ${logFile}${bare ? `, bare app log: ${bareLogFile}` : ''}`);
  process.exitCode = ok ? 0 : 1;
  return ok;
}

export async function createUsers(ctx: BenchContext, count: number, label: string): Promise<BenchUser[]> {
  const started = Date.now();
  const users = await ctx.server.createUsers(count, settings.grant, label);
  console.log(
    `created ${count} ${label} user${count === 1 ? '' : 's'} with ${settings.grant.toLocaleString('en-US')} tokens each in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return users;
}

function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** One phase: snapshot, load for `seconds`, snapshot, and the exact accounting of what changed. */
export async function runPhase(ctx: BenchContext, spec: PhaseSpec, seconds: number, warmup: boolean): Promise<PhaseResult> {
  const targets = spec.users.map((u) => u.id);
  const target = spec.target ?? 'app';
  if (target === 'bare' && !ctx.bare) throw new Error(`${spec.label}: the run was started without the bare app`);
  const { server, pool } = target === 'bare' ? ctx.bare! : { server: ctx.server, pool: ctx.pool };
  const before = await snapshot(ctx.db.connection, targets, ctx.withBaselineTable);
  const countersBefore = ctx.counting ? await sampleCounters(ctx.db.connection, ctx.db.appUser) : null;
  const cpuBefore = sampleCpu(server.pid, ctx.databasePids);
  const start = monotonicUs();
  const load = await runLoad({
    pool,
    origin: server.origin,
    method: 'POST',
    path: spec.path,
    connections: settings.connections,
    durationMs: seconds * 1000,
    headers: spec.users.map((u) => ({ authorization: `Bearer ${u.accessToken}` })),
    body: spec.body,
  });
  const end = monotonicUs();
  const cpu = cpuUse(cpuBefore, sampleCpu(server.pid, ctx.databasePids), load.ok, load.elapsedMs, ctx.machine.cpus);
  const statements =
    ctx.counting && countersBefore
      ? countStatements(countersBefore, await sampleCounters(ctx.db.connection, ctx.db.appUser), ctx.counting)
      : null;
  const after = await snapshot(ctx.db.connection, targets, ctx.withBaselineTable);
  const accounting = accountPhase(spec.charging, load.ok, load.errors, before, after);
  const result: PhaseResult = {
    key: spec.key,
    label: spec.label,
    path: spec.path,
    warmup,
    users: spec.users.length,
    connections: settings.connections,
    seconds,
    target,
    monotonicUs: { start, end },
    load,
    cpu,
    accounting,
    statements,
  };
  const other = load.requests - load.ok;
  console.log(
    `${warmup ? 'warm-up ' : ''}${spec.label}: ${fmt(load.rps, 0)} req/s, p50 ${fmt(load.latencyMs.p50, 1)} ms, p99 ${fmt(load.latencyMs.p99, 1)} ms, ` +
      `${fmt(load.ok, 0)} 2xx, CPU ms/request: app ${fmt(cpu.serverMsPerRequest ?? NaN, 2)}, db ${fmt(cpu.databaseMsPerRequest ?? NaN, 2)}, ` +
      `load generator ${fmt(cpu.runnerMsPerRequest ?? NaN, 2)}; other processes ${fmt((cpu.otherProcessesShare ?? NaN) * 100, 0)}% of the machine, ` +
      `steal ${fmt((cpu.stealShare ?? NaN) * 100, 0)}%` +
      `${statements ? `; DB per 2xx: ${statementsLine(statements, load.ok)}` : ''}` +
      `${other ? `, ${other} other (${JSON.stringify(load.statuses)}, ${load.errors} errors${load.firstError ? `: ${load.firstError}` : ''})` : ''}`,
  );
  return result;
}

export async function runPhases(ctx: BenchContext, specs: PhaseSpec[]): Promise<PhaseResult[]> {
  const results: PhaseResult[] = [];
  for (const spec of specs) results.push(await runPhase(ctx, spec, settings.warmupSeconds, true));
  for (const spec of specs) results.push(await runPhase(ctx, spec, settings.seconds, false));
  return results;
}

export interface AppIntegrityReport {
  ok: boolean;
  counts: Record<string, number>;
  mismatches: { userId: string }[];
  negativeBalances: { userId: string }[];
  usersWithoutAccount: { userId: string }[];
  brokenChains: { userId: string }[];
}

/** The application's own report (GET /admin/tokens/integrity), as a second opinion. */
export async function appIntegrityReport(ctx: BenchContext): Promise<AppIntegrityReport> {
  const response = await request(`${ctx.server.origin}/admin/tokens/integrity?limit=1000`, {
    headers: { authorization: `Bearer ${ctx.adminToken}` },
  });
  const body = (await response.body.json()) as AppIntegrityReport;
  if (response.statusCode !== 200) throw new Error(`GET /admin/tokens/integrity answered ${response.statusCode}: ${JSON.stringify(body)}`);
  return body;
}

export async function finalChecks(ctx: BenchContext): Promise<{ accounts: AccountChecks; app: AppIntegrityReport }> {
  return { accounts: await checkAccounts(ctx.db.connection), app: await appIntegrityReport(ctx) };
}

/** Every phase's accounting problems (warm-ups included), each named after its phase. */
export function phaseProblems(phases: PhaseResult[]): string[] {
  return phases.flatMap((phase) => phase.accounting.problems.map((p) => `${phase.warmup ? 'warm-up ' : ''}${phase.label}: ${p}`));
}

/**
 * Ends a benchmark: writes its results with the problems found, prints where, and prints the problems
 * as drift (of `what`, e.g. "every request"). True when there was none.
 */
export function finishRun(name: string, results: Record<string, unknown>, problems: string[], what: string): boolean {
  const file = writeResults(name, { benchmark: name, ...results, problems, ok: problems.length === 0 });
  console.log(`results: ${file}`);
  if (problems.length === 0) return true;
  console.error(`\nDRIFT: the ledger does not account for ${what} (${problems.length} problems):\n  ${problems.slice(0, 20).join('\n  ')}`);
  return false;
}

export function writeResults(name: string, results: unknown): string {
  const file = `${RESULTS_DIR}${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

export function fmt(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-';
}

export function ratio(value: number, reference: number): string {
  return Number.isFinite(value) && reference > 0 ? `${(value / reference).toFixed(2)}x` : '-';
}

/** A plain text table: first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function describeMachine(machine: Machine): string {
  return (
    `${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node ${machine.node}, MariaDB ${machine.mariadb}; ` +
    `load average ${machine.loadAverageAtStart.join(' ')} at start, ${machine.loadAverageAtEnd?.join(' ') ?? '?'} at end; ` +
    `${settings.connections} connections, ${settings.seconds} s per scenario after ${settings.warmupSeconds} s warm-up, LOG_LEVEL=${settings.logLevel}; ` +
    `code ${machine.commit}${machine.uncommittedSourceFiles.length ? ` with uncommitted changes in ${machine.uncommittedSourceFiles.join(', ')}` : ''}`
  );
}

export function endMachine(machine: Machine): void {
  machine.loadAverageAtEnd = loadavg().map((l) => Number(l.toFixed(2)));
}

/** Per phase: what the ledger shows against what the clients saw, and where the CPU went. */
export function accountingTable(phases: PhaseResult[]): string {
  const ms = (v: number | null): string => fmt(v ?? NaN, 2);
  return table(
    [
      'scenario',
      '2xx',
      'other',
      'usage rows',
      'tokens removed',
      'lost charges',
      'row lock waits',
      'avg wait ms',
      'app CPU ms/req',
      'db CPU ms/req',
      'other load',
      'steal',
    ],
    phases.map((p) => [
      p.label,
      fmt(p.load.ok, 0),
      fmt(p.load.requests - p.load.ok, 0),
      fmt(p.accounting.usageRows, 0),
      fmt(p.accounting.tokensRemoved, 0),
      p.path === '/bench/unmetered' ? '-' : fmt(p.accounting.lostCharges, 0),
      fmt(p.accounting.rowLockWaits, 0),
      p.accounting.rowLockWaitAvgMs === null ? '-' : fmt(p.accounting.rowLockWaitAvgMs, 1),
      ms(p.cpu.serverMsPerRequest),
      ms(p.cpu.databaseMsPerRequest),
      p.cpu.otherProcessesShare === null ? '-' : `${fmt(p.cpu.otherProcessesShare * 100, 0)}%`,
      p.cpu.stealShare === null ? '-' : `${fmt(p.cpu.stealShare * 100, 0)}%`,
    ]),
  );
}

function perAnswer(count: number | null, answers: number): string {
  return count === null || answers === 0 ? '-' : fmt(count / answers, 2);
}

function statementsLine(s: StatementCounts, answers: number): string {
  return (
    `${perAnswer(s.app?.statements ?? s.allClients, answers)} statements, ${perAnswer(s.transactions, answers)} transactions` +
    `${s.transactionsSource === 'app' ? '' : ' (server-wide)'}` +
    `${s.otherClients ? ` (other clients: ${fmt(s.otherClients, 0)} statements)` : ''}${s.exact ? '' : ' (server-wide counts)'}`
  );
}

/**
 * Per phase: the app's statements (round trips) and transactions, in total and per 2xx answer
 * (per charge on a metered route), the server-wide transaction counters, and what other clients
 * sent meanwhile (see db-counters.ts).
 */
export function statementsTable(phases: PhaseResult[]): string {
  const count = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : fmt(v, 0));
  return table(
    [
      'scenario',
      '2xx',
      'app statements',
      'per 2xx',
      'reads',
      'writes',
      'other',
      'app COMMITs',
      'per 2xx',
      'all: START TRANSACTION',
      'COMMIT',
      'ROLLBACK',
      'other clients stmts',
    ],
    phases.map((p) => {
      const s = p.statements;
      return [
        p.label,
        fmt(p.load.ok, 0),
        // Without per-user statistics: every client's statements, marked.
        s && !s.app ? `${fmt(s.allClients, 0)} (all clients)` : count(s?.app?.statements),
        perAnswer(s?.app?.statements ?? s?.allClients ?? null, p.load.ok),
        count(s?.app?.reads),
        count(s?.app?.writes),
        count(s?.app?.other),
        count(s?.appCommits),
        perAnswer(s?.appCommits ?? null, p.load.ok),
        count(s?.serverWide.begins),
        count(s?.serverWide.commits),
        count(s?.serverWide.rollbacks),
        s === null || s.otherClients === null ? 'unknown' : fmt(s.otherClients, 0),
      ];
    }),
  );
}

/** Problems of the final account checks, summarized (one line per kind, a few examples). */
export function accountProblems(checks: AccountChecks, skipUserId?: string): string[] {
  const mismatches = checks.mismatches.filter((m) => m.userId !== skipUserId);
  const problems: string[] = [];
  if (mismatches.length) {
    const examples = mismatches.slice(0, 3).map((m) => `${m.userId}: balance ${m.balance}, ledger sum ${m.ledgerSum}`);
    problems.push(`${mismatches.length} accounts where balance != SUM(ledger), e.g. ${examples.join('; ')}`);
  }
  for (const n of checks.negativeBalances) problems.push(`account ${n.userId}: negative balance ${n.balance}`);
  if (checks.orphanEntries) problems.push(`${checks.orphanEntries} ledger rows without an account`);
  return problems;
}
