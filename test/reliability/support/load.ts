import { randomUUID } from 'node:crypto';
import { ADMIN } from './app-process.js';

export interface Outcome {
  requestId: string;
  instance: string;
  method: string;
  path: string;
  /** HTTP status; 0 when no answer arrived (connection refused or reset, timeout). */
  status: number;
  code?: string;
  body?: any;
  charged?: number;
  remaining?: number;
  replayed: boolean;
  idempotencyKey?: string;
  /** Why no answer arrived. */
  error?: string;
  ms: number;
}

export interface CallOptions {
  token?: string;
  idempotencyKey?: string;
  requestId?: string;
  timeoutMs?: number;
  /** Label for failure messages (defaults to the base URL). */
  instance?: string;
}

const num = (value: string | null) => (value === null ? undefined : Number(value));

/** One real HTTP request with its own X-Request-Id and a deadline; never throws. */
export async function call(baseUrl: string, method: string, path: string, body: unknown, options: CallOptions = {}): Promise<Outcome> {
  const requestId = options.requestId ?? `rel-${randomUUID()}`;
  const headers: Record<string, string> = { 'x-request-id': requestId };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const started = Date.now();
  const outcome: Outcome = {
    requestId,
    instance: options.instance ?? baseUrl,
    method,
    path,
    status: 0,
    replayed: false,
    idempotencyKey: options.idempotencyKey,
    ms: 0,
  };
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15000),
    });
    const text = await response.text();
    outcome.status = response.status;
    try {
      outcome.body = text ? JSON.parse(text) : undefined;
    } catch {
      outcome.body = text;
    }
    outcome.code = typeof outcome.body?.code === 'string' ? outcome.body.code : undefined;
    outcome.charged = num(response.headers.get('x-tokens-charged'));
    outcome.remaining = num(response.headers.get('x-tokens-remaining'));
    outcome.replayed = response.headers.get('idempotent-replayed') === 'true';
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    outcome.error = e.name === 'TimeoutError' ? 'timeout' : (e.cause?.code ?? e.cause?.message ?? e.message);
  }
  outcome.ms = Date.now() - started;
  return outcome;
}

/** Runs the tasks with at most `concurrency` of them in flight; results in task order. */
export async function runLimited<T>(tasks: Array<() => Promise<T>>, concurrency: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  return results;
}

export async function expectCall(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  status: number,
  options: CallOptions = {},
): Promise<Outcome> {
  const outcome = await call(baseUrl, method, path, body, options);
  if (outcome.status !== status) {
    throw new Error(
      `${method} ${path} on ${baseUrl}: expected ${status}, got ${outcome.status} ${outcome.error ?? JSON.stringify(outcome.body)}`,
    );
  }
  return outcome;
}

export async function adminToken(baseUrl: string): Promise<string> {
  return (await expectCall(baseUrl, 'POST', '/auth/login', ADMIN, 200)).body.accessToken;
}

export interface User {
  id: string;
  token: string;
  email: string;
}

export async function registerUser(baseUrl: string, label: string): Promise<User> {
  const email = `${label}.${randomUUID().slice(0, 8)}@reliability.test`;
  const { body } = await expectCall(baseUrl, 'POST', '/auth/register', { email, password: 'password-123' }, 201);
  return { id: body.user.id, token: body.accessToken, email };
}

/** Counts outcomes by "status code" (or the network error) for failure messages. */
export function tally(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const key = o.status === 0 ? `no answer (${o.error})` : `${o.status}${o.code ? ` ${o.code}` : ''}${o.replayed ? ' replayed' : ''}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export const CHAT = { path: '/services/chat', body: (i: number) => ({ message: `hello ${i}` }), cost: 1 } as const;
export const SOCIAL = {
  path: '/services/social-posts',
  body: (i: number) => ({ text: `launch day ${i}`, platforms: ['twitter'] }),
  cost: 10,
} as const;

/** Small deterministic PRNG (mulberry32), so a failing mix can be replayed with its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** A line in the test output (outside Jest's console decoration). */
export function note(text: string): void {
  process.stdout.write(`  reliability: ${text}\n`);
}
