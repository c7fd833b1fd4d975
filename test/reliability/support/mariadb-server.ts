import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { freePort, sleep } from './ports.js';

const MARIADBD = process.env.MARIADBD ?? '/usr/sbin/mariadbd';
const INSTALL_DB = process.env.MARIADB_INSTALL_DB ?? 'mariadb-install-db';
const live = new Set<MariadbServer>();
/** mariadbd runs as whoever runs the tests (it refuses to run as root unless told to). */
const OS_USER = userInfo().username;

/**
 * A MariaDB server of the suite's own: a data directory made by mariadb-install-db under the
 * system's temporary directory and a `mariadbd` on a free local port. The suite can shut it down,
 * crash it with SIGKILL and start it again (InnoDB then recovers from its redo log) without
 * touching the server everything else uses. Durable commits as in production:
 * innodb_flush_log_at_trx_commit=1.
 */
export class MariadbServer {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    private readonly dataDir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<MariadbServer> {
    const root = mkdtempSync(join(tmpdir(), 'tokens-rel-mariadb-'));
    const server = new MariadbServer(root, await freePort());
    live.add(server);
    try {
      await promisify(execFile)(
        INSTALL_DB,
        [
          '--no-defaults',
          `--datadir=${join(root, 'data')}`,
          `--user=${OS_USER}`,
          '--auth-root-authentication-method=normal',
          '--skip-test-db',
        ],
        {
          timeout: 60_000,
        },
      );
      await server.start();
    } catch (error) {
      await server.destroy();
      throw new Error(`could not set up a MariaDB server of the suite's own (${INSTALL_DB}, ${MARIADBD}): ${(error as Error).message}`, {
        cause: error,
      });
    }
    return server;
  }

  /** mariadb://root@127.0.0.1:<port>, for ReliabilityDatabase.create(). */
  get url(): string {
    return `mariadb://root@127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts mariadbd on its port and waits until it accepts connections. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.running) throw new Error('the suite’s MariaDB server is already running');
    const child = spawn(
      MARIADBD,
      [
        '--no-defaults',
        `--datadir=${join(this.dataDir, 'data')}`,
        `--socket=${join(this.dataDir, 'mariadb.sock')}`,
        `--pid-file=${join(this.dataDir, 'mariadb.pid')}`,
        `--log-error=${join(this.dataDir, 'error.log')}`,
        '--bind-address=127.0.0.1',
        `--port=${this.port}`,
        `--user=${OS_USER}`,
        '--innodb-buffer-pool-size=64M',
        '--innodb-flush-log-at-trx-commit=1',
        '--max-connections=200',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    this.exited = new Promise((resolveExit) => child.once('exit', () => resolveExit()));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`mariadbd exited while starting:\n${this.errorLog()}`);
      try {
        const connection = await createConnection({ host: '127.0.0.1', port: this.port, user: 'root', connectTimeout: 1000 });
        await connection.end();
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`mariadbd did not accept connections within ${timeoutMs} ms (${(error as Error).message}):\n${this.errorLog()}`, {
            cause: error,
          });
        await sleep(100);
      }
    }
  }

  /** A clean shutdown (the SHUTDOWN statement): open transactions are rolled back, clients are disconnected. */
  async shutdown(): Promise<void> {
    const connection = await createConnection({ host: '127.0.0.1', port: this.port, user: 'root' });
    await connection.query('SHUTDOWN').catch(() => undefined);
    connection.destroy();
    await this.waitExit();
  }

  /** kill -9: the server stops at once, mid-write; the next start recovers from the redo log. */
  async crash(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.waitExit();
  }

  private async waitExit(timeoutMs = 30_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.exited,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('mariadbd did not exit')), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
  }

  /** The last lines of the server's error log, for failure messages. */
  errorLog(lines = 30): string {
    try {
      return readFileSync(join(this.dataDir, 'error.log'), 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no error log)';
    }
  }

  /** Synchronous last resort when the test process exits: SIGKILL and remove the data directory. */
  killNow(): void {
    this.child?.kill('SIGKILL');
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Stops the server (SIGKILL: nothing in it is kept) and removes its data directory. */
  async destroy(): Promise<void> {
    if (this.running) await this.crash().catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
    live.delete(this);
  }
}

// A test runner that dies must not leave servers behind.
process.once('exit', () => {
  for (const server of live) server.killNow();
});
