import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchUser } from '../bench-fixtures.js';
import type { ServerReply, ServerRequest } from './server-protocol.js';

export type { BenchUser };

const SERVER_SCRIPT = fileURLToPath(new URL('../bench-server.js', import.meta.url));
// Production rules apply (NODE_ENV=production): secrets of at least 32 characters.
const ADMIN = { email: 'admin@bench.test', password: 'bench-admin-password-of-32-characters' };

export interface BenchServer {
  origin: string;
  pid: number;
  createUsers(count: number, grant: number, label: string): Promise<BenchUser[]>;
  adminAccessToken(): Promise<string>;
  createBaselineTable(): Promise<void>;
  close(): Promise<void>;
}

type Request = ServerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * Starts the application (with the benchmark module) in a child process on a random local port,
 * configured only by the environment given here. Its log lines go to `logFile`.
 */
export async function startServer(options: { databaseUrl: string; logLevel: string; logFile: string }): Promise<BenchServer> {
  const log = openSync(options.logFile, 'w');
  const child: ChildProcess = fork(SERVER_SCRIPT, [], {
    // e.g. BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=bench/results' to profile the server.
    execArgv: (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
    stdio: ['ignore', log, log, 'ipc'],
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      DATABASE_URL: options.databaseUrl,
      JWT_SECRET: randomBytes(32).toString('hex'),
      PAYMENT_WEBHOOK_SECRET: randomBytes(16).toString('hex'),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: options.logLevel,
    },
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
    else waiter.reject(new Error(`benchmark server: ${reply.error}`));
  });
  const exit = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exited = `exited with ${signal ?? code}`;
      failAll(new Error(`benchmark server ${exited}; last log lines:\n${tail()}`));
      resolve();
    }),
  );

  const call = <T>(request: Request): Promise<T> => {
    if (exited) return Promise.reject(new Error(`benchmark server ${exited}`));
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
    createUsers: (count, grant, label) => call({ type: 'createUsers', count, grant, label }),
    adminAccessToken: () => call({ type: 'adminAccessToken' }),
    createBaselineTable: () => call({ type: 'createBaselineTable' }),
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
