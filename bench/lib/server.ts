import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchUser } from '../bench-fixtures.js';
import type { ServerReply, ServerRequest } from './server-protocol.js';

export type { BenchUser };

const SERVER_SCRIPT = fileURLToPath(new URL('../bench-server.js', import.meta.url));
const BARE_SCRIPT = fileURLToPath(new URL('../bare-app.js', import.meta.url));
// Production rules apply (NODE_ENV=production): secrets of at least 32 characters.
const ADMIN = { email: 'admin@bench.test', password: 'bench-admin-password-of-32-characters' };

/** A server process the load generator can drive: where it listens, its pid (for CPU time), how to stop it. */
export interface HttpTarget {
  origin: string;
  pid: number;
  close: () => Promise<void>;
}

export interface BenchServer extends HttpTarget {
  createUsers(count: number, grant: number, label: string): Promise<BenchUser[]>;
  adminAccessToken(): Promise<string>;
  createBaselineTable(): Promise<void>;
}

type Request = ServerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Child extends HttpTarget {
  call<T>(request: Request): Promise<T>;
}

/**
 * Forks `script` on a random local port, configured only by `env`; its output goes to `logFile`.
 * It announces `{ port }` as message 0 and answers the requests of server-protocol.ts.
 */
async function startChild(
  name: string,
  script: string,
  options: { env: Record<string, string>; logFile: string; execArgv: string[] },
): Promise<Child> {
  const log = openSync(options.logFile, 'w');
  const child: ChildProcess = fork(script, [], {
    execArgv: options.execArgv,
    stdio: ['ignore', log, log, 'ipc'],
    env: { PATH: process.env.PATH ?? '', ...options.env },
  });
  closeSync(log);

  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let exited: string | null = null;
  const tail = (): string => readFileSync(options.logFile, 'utf8').split('\n').slice(-30).join('\n');
  const failAll = (error: Error): void => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  child.on('message', (reply: ServerReply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.ok) waiter.resolve(reply.value);
    else waiter.reject(new Error(`${name}: ${reply.error}`));
  });
  const exit = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exited = `exited with ${signal ?? code}`;
      failAll(new Error(`${name} ${exited}; last log lines:\n${tail()}`));
      resolve();
    }),
  );

  const call = <T>(request: Request): Promise<T> => {
    if (exited) return Promise.reject(new Error(`${name} ${exited}`));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...request, id });
    });
  };

  const startup = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    pending.set(0, { resolve: resolve as (value: unknown) => void, reject });
  }).finally(() => clearTimeout(startup));

  return {
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    call,
    close: async () => {
      if (!exited) {
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await call({ type: 'close' }).catch(() => undefined);
        await exit;
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Starts the application (with the benchmark module) in a child process on a random local port,
 * configured only by the environment given here. Its log lines go to `logFile`.
 */
export async function startServer(options: { databaseUrl: string; logLevel: string; logFile: string }): Promise<BenchServer> {
  const child = await startChild('benchmark server', SERVER_SCRIPT, {
    logFile: options.logFile,
    // e.g. BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=bench/results' to profile the server.
    execArgv: (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: options.databaseUrl,
      JWT_SECRET: randomBytes(32).toString('hex'),
      PAYMENT_WEBHOOK_SECRET: randomBytes(16).toString('hex'),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: options.logLevel,
      // Group commit settings to compare, and the completions' upstream, when given (the app's defaults otherwise).
      ...Object.fromEntries(
        ['LEDGER_BATCH_SIZE', 'LEDGER_CONCURRENT_BATCHES', 'LLM_BASE_URL'].flatMap((name) =>
          process.env[name] ? [[name, process.env[name]]] : [],
        ),
      ),
    },
  });
  return {
    origin: child.origin,
    pid: child.pid,
    close: child.close,
    createUsers: (count, grant, label) => child.call({ type: 'createUsers', count, grant, label }),
    adminAccessToken: () => child.call({ type: 'adminAccessToken' }),
    createBaselineTable: () => child.call({ type: 'createBaselineTable' }),
  };
}

/** Starts the bare NestJS + Fastify reference app (bench/bare-app.ts) in its own process. */
export async function startBareServer(options: { logFile: string }): Promise<HttpTarget> {
  const child = await startChild('bare app', BARE_SCRIPT, { logFile: options.logFile, execArgv: [], env: { NODE_ENV: 'production' } });
  return { origin: child.origin, pid: child.pid, close: child.close };
}
