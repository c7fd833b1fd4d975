/**
 * Five processes started at the same moment on one new, empty database: three of the compiled app
 * (node main.js, migrations at start) and two of `node migrate.js` (npm run migration:run). The
 * migrations run once, in one of them; the others wait for it and go on. MIGRATION_LOCK_DATABASE_URL
 * (server URLs separated by spaces, e.g. the nodes of a Galera cluster) runs it there: the database
 * is created on the first server and process i connects to the i-th, round-robin.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { MIGRATIONS } from '../../src/database/migrations/index.js';
import { migrationLockServers } from '../support/test-database.js';
import { appDir, REPO_ROOT } from './support/app-build.js';
import { AppProcess, JWT_SECRET, killAllApps } from './support/app-process.js';
import { databaseUrl, MARIADB_SERVER, ReliabilityDatabase } from './support/database.js';
import { note, registerUser } from './support/load.js';

const SERVERS = migrationLockServers();
const servers = SERVERS.length > 0 ? SERVERS : [MARIADB_SERVER];
const MIGRATION_NAMES = MIGRATIONS.map((migration) => migration.name);

/** Runs `node migrate.js` until it exits (at most 60 s). */
function runMigrate(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(appDir(), 'migrate.js')], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'test', JWT_SECRET, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`migrate.js did not exit within 60 s:\n${output}`));
    }, 60000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** The migration lock's log lines of an app process (JSON lines of context "Migrations"). */
function lockLines(app: AppProcess): string[] {
  return app
    .lastOutput(200)
    .split('\n')
    .filter((line) => line.includes('"context":"Migrations"'))
    .map((line) => String((JSON.parse(line) as { msg: unknown }).msg));
}

describe(`five processes starting at once on an empty database (${SERVERS.length > 0 ? `${SERVERS.length} servers of MIGRATION_LOCK_DATABASE_URL` : 'MariaDB'})`, () => {
  let db: ReliabilityDatabase;

  beforeAll(async () => {
    db = await ReliabilityDatabase.create('lock', servers[0]);
  });
  afterAll(async () => {
    await killAllApps();
    await db?.drop();
  });

  test('run every migration once, none fails or retries, and the lock is gone after', async () => {
    const urlOf = (i: number) => databaseUrl(db.name, undefined, servers[i % servers.length]);
    const started = Date.now();
    const [apps, migrates] = await Promise.all([
      Promise.allSettled([0, 1, 2].map((i) => AppProcess.start(`app-${i}`, urlOf(i), { LOG_LEVEL: 'log' }))),
      Promise.all([3, 4].map((i) => runMigrate(urlOf(i)))),
    ]);
    note(`migration lock: 3 apps and 2 migrate.js on ${servers.length} server(s) ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    expect(apps.map((a) => (a.status === 'rejected' ? String(a.reason) : 'healthy'))).toEqual(['healthy', 'healthy', 'healthy']);
    expect(migrates.map((m) => ({ code: m.code, output: m.code === 0 ? '' : m.output }))).toEqual([
      { code: 0, output: '' },
      { code: 0, output: '' },
    ]);
    const running = apps.map((a) => (a as PromiseFulfilledResult<AppProcess>).value);
    const outputs = [...running.map((app) => app.lastOutput(200)), ...migrates.map((m) => m.output)];
    for (const output of outputs) expect(output).not.toMatch(/already exists|Duplicate|Unable to connect to the database|Retrying/);

    // One process ran them all, in order; the others waited for it (or came after) and ran none.
    const lines = [...running.map(lockLines), ...migrates.map((m) => m.output.split('\n'))];
    // The app logs `ran N migrations: ...`, migrate.js prints `Ran N migrations: ...`.
    const ran = lines.flat().filter((line) => /^ran \d+ migrations/i.test(line));
    expect(ran.map((line) => line.replace(/^Ran/, 'ran'))).toEqual([
      `ran ${MIGRATION_NAMES.length} migrations: ${MIGRATION_NAMES.join(', ')}`,
    ]);
    const waited = lines.filter((own) => own.some((line) => line.startsWith('waiting for the migrations run by ')));
    expect(waited.length).toBeGreaterThan(0);
    note(`migration lock: ${waited.length} of 4 waited for the one that ran them`);

    const recorded = await db.query<{ name: string }>('SELECT name FROM migrations ORDER BY id');
    expect(recorded.map((row) => row.name)).toEqual(MIGRATION_NAMES);
    expect(await db.query('SELECT * FROM migration_lock')).toEqual([]);
    // The schema serves: each instance signs a user up.
    for (const app of running) await registerUser(app.baseUrl, app.name);
  });
});
