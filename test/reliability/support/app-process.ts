import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { appDir, REPO_ROOT } from './app-build.js';
import { freePort, sleep } from './ports.js';

export const ADMIN = { email: 'admin@reliability.test', password: 'admin-password-123' };
export const JWT_SECRET = 'reliability-jwt-secret-0123456789abcdef0123456789';
export const PAYMENT_WEBHOOK_SECRET = 'reliability-webhook-secret-0123';
export const METRICS_TOKEN = 'reliability-metrics-token-0123456789abcdef';

const OUTPUT_LINES = 200;
const live = new Set<AppProcess>();

/**
 * One instance of the compiled app (`node main.js`) as a child process, on its own port, with the
 * environment every instance of a test shares. Keeps the last lines of its output for failure
 * messages. Every started process is tracked so killAllApps() can end them whatever happened.
 */
export class AppProcess {
  private child: ChildProcess | null = null;
  private readonly output: string[] = [];
  /** Exits nobody asked for (a crash), with their code or signal. */
  readonly unexpectedExits: string[] = [];
  private expectingExit = false;

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  static async start(name: string, databaseUrl: string, env: Record<string, string> = {}): Promise<AppProcess> {
    const app = new AppProcess(name, await freePort(), { DATABASE_URL: databaseUrl, ...env });
    await app.restart();
    return app;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process (again, on the same port) and waits until /health answers 200. */
  async restart(timeoutMs = 30000): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running`);
    this.expectingExit = false;
    const child = spawn(process.execPath, ['--enable-source-maps', join(appDir(), 'main.js')], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        NODE_ENV: 'test',
        LOG_LEVEL: 'error',
        PORT: String(this.port),
        JWT_SECRET,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        PAYMENT_WEBHOOK_SECRET,
        // As in the e2e suites (test/support/test-app.ts): suites sign up far more often than a person would.
        THROTTLE_REGISTER_PER_HOUR: '1000000',
        THROTTLE_CHECKOUT_PER_HOUR: '1000000',
        THROTTLE_LOGIN_FAILURES_PER_ADDRESS: '1000000',
        PASSWORD_SCRYPT_COST: '14',
        METRICS_TOKEN,
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    live.add(this);
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) this.output.push(line);
      if (this.output.length > OUTPUT_LINES) this.output.splice(0, this.output.length - OUTPUT_LINES);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('exit', (code, signal) => {
      live.delete(this);
      if (!this.expectingExit) this.unexpectedExits.push(`${this.name} exited (code ${code}, signal ${signal}):\n${this.lastOutput(20)}`);
    });
    await this.waitHealthy(timeoutMs);
  }

  /** Polls GET /health until it answers 200. */
  async waitHealthy(timeoutMs = 30000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited while starting:\n${this.lastOutput()}`);
      try {
        const response = await fetch(`${this.baseUrl}/health`, { signal: AbortSignal.timeout(2000) });
        if (response.status === 200) return;
        last = `${response.status} ${await response.text()}`;
      } catch (error) {
        last = String((error as Error).cause ?? error);
      }
      await sleep(100);
    }
    throw new Error(`${this.name} not healthy after ${timeoutMs} ms (last: ${last}):\n${this.lastOutput()}`);
  }

  /** kill -9: no shutdown hooks, no finished responses, connections dropped by the kernel. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  private signal(signal: NodeJS.Signals, timeoutMs = 10000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return Promise.resolve();
    this.expectingExit = true;
    return new Promise((resolveExit, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not exit on ${signal}`)), timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolveExit();
      });
      child.kill(signal);
    });
  }

  lastOutput(lines = 40): string {
    return this.output.slice(-lines).join('\n');
  }
}

/** Ends every app process still running (afterAll, even after a failure). */
export async function killAllApps(): Promise<void> {
  await Promise.all([...live].map((app) => app.kill9().catch(() => undefined)));
}

// A test runner that dies must not leave servers behind.
process.once('exit', () => {
  for (const app of live) {
    try {
      if (app.pid) process.kill(app.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});
