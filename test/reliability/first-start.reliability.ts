/**
 * What a newcomer sees when starting the compiled app (`node main.js`) as a process: once it
 * listens, one line naming where it listens, the web console and the API docs, and no Fastify
 * warning; with a MariaDB database it cannot use (no server on the port, no such database, a wrong
 * password), one line naming the problem within 5 s, and an exit status other than 0.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appDir, REPO_ROOT } from './support/app-build.js';
import { databaseUrl, MARIADB_SERVER } from './support/database.js';
import { freePort } from './support/ports.js';

const LISTENING = /^Listening on http:\/\/(\S+?):(\d+); web console (\S+), API docs (\S+)$/;

interface Started {
  /** The `msg` of every JSON log line on stdout, in order. */
  messages: string[];
  stdout: string;
  stderr: string;
  listening: RegExpExecArray;
  stop(): Promise<void>;
}

/** Starts `node main.js` on embedded SQLite and waits (at most 30 s) for the line saying where it listens. */
function startUntilListening(dataDir: string, env: Record<string, string>): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(appDir(), 'main.js')], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PORT: '0', SQLITE_PATH: join(dataDir, 'tokens.sqlite'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    };
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`no listening line within 30 s; stdout:\n${stdout}\nstderr:\n${stderr}`));
    }, 30000);
    const messages = () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => String((JSON.parse(line) as { msg?: unknown }).msg));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!stdout.endsWith('\n')) return;
      const listening = messages()
        .map((message) => LISTENING.exec(message))
        .find((match) => match !== null);
      if (!listening) return;
      clearTimeout(timer);
      // A warning is printed as the server starts: give one that would follow the line a moment to arrive.
      setTimeout(() => resolve({ messages: messages(), stdout, stderr, listening, stop }), 300);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited (code ${code}, signal ${signal}) before listening; stdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  });
}

describe('starting the compiled app', () => {
  let dataDir: string;
  const running: Started[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tokens-first-start-'));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((app) => app.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('prints where it listens, the web console and the API docs, on every interface by default, without FSTWRN004', async () => {
    const app = await startUntilListening(dataDir, { NODE_ENV: 'development' });
    running.push(app);
    const [line, host, port, webConsole, docs] = app.listening;
    expect(host).toBe('0.0.0.0');
    expect(webConsole).toBe(`http://localhost:${port}/`);
    expect(docs).toBe(`http://localhost:${port}/docs`);
    expect(app.messages.filter((message) => message === line)).toHaveLength(1);
    // The port printed is the one it serves: PORT=0 picked a free one.
    expect((await fetch(docs)).status).toBe(200);
    expect(app.stdout + app.stderr).not.toContain('FSTWRN004');
    expect(app.stderr).not.toMatch(/Warning/);
  });

  test('listens on the interface HOST names, and prints that address', async () => {
    const app = await startUntilListening(dataDir, { NODE_ENV: 'development', HOST: '127.0.0.1' });
    running.push(app);
    const [, host, port, webConsole, docs] = app.listening;
    expect([host, webConsole, docs]).toEqual(['127.0.0.1', `http://127.0.0.1:${port}/`, `http://127.0.0.1:${port}/docs`]);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect(app.stdout + app.stderr).not.toContain('FSTWRN004');
  });
});

/** Runs `node main.js` until it exits by itself (at most 30 s), timing it. */
function runUntilExit(env: Record<string, string>): Promise<{ code: number | null; output: string; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [join(appDir(), 'main.js')], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'development', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the app did not exit within 30 s; output:\n${output}`));
    }, 30000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, elapsedMs: Date.now() - started });
    });
  });
}

describe('starting the compiled app on a MariaDB database it cannot use', () => {
  const server = new URL(MARIADB_SERVER);
  const where = `${server.hostname}:${server.port || '3306'}`;

  async function expectOneLine(url: string, line: string): Promise<void> {
    const { code, output, elapsedMs } = await runUntilExit({ DATABASE_URL: url });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output.split('\n').filter((printed) => printed.trim() !== '')).toEqual([line]);
    expect(elapsedMs).toBeLessThan(5000);
  }

  test('no server on the port: connection refused, after a few quick attempts', async () => {
    const port = await freePort();
    await expectOneLine(
      `mariadb://root@127.0.0.1:${port}/tokens`,
      `Cannot connect to the database at 127.0.0.1:${port}: connection refused (is MySQL/MariaDB running there?)`,
    );
  });

  test('a database that does not exist: its name, and the statement that creates it', async () => {
    await expectOneLine(
      databaseUrl('tokens_never_created'),
      `database "tokens_never_created" does not exist on ${where} ` +
        '(create it: CREATE DATABASE `tokens_never_created` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci)',
    );
  });

  test('a wrong password: access denied for the user, and the password is not shown', async () => {
    const url = new URL(databaseUrl('mysql'));
    url.password = 'not-the-password';
    await expectOneLine(
      url.toString(),
      `Cannot connect to the database at ${where}: access denied for user "${decodeURIComponent(url.username)}" ` +
        '(check the user name and password in DATABASE_URL)',
    );
  });
});
