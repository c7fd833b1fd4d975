import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/**
 * The client connections of a whole run. Phases share them: on a saturated server, connections
 * opened at the start of a phase can wait for their first answer until the others stop (seen with
 * a plain Node http server too), which would make the first phase after a reconnect look slow.
 */
export function createClientPool(origin: string, connections: number): Pool {
  return new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });
}

export interface LoadOptions {
  pool: Pool;
  origin: string;
  method: 'POST' | 'GET';
  path: string;
  connections: number;
  durationMs: number;
  /** Request headers per user; request i uses entry i modulo the length (round robin over users). */
  headers: Record<string, string>[];
  /** A JSON body sent with every request; none by default. */
  body?: unknown;
}

export interface LoadResult {
  requests: number;
  /** Requests answered 2xx. */
  ok: number;
  /** Answers by status code. */
  statuses: Record<string, number>;
  /** Requests without an answer (network errors); the server may or may not have handled them. */
  errors: number;
  firstError?: string;
  elapsedMs: number;
  rps: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** The slowest requests: when they started (ms into the run) and how long they took. */
  slowest: { startMs: number; latencyMs: number }[];
}

/**
 * Closed-loop load: `connections` keep-alive connections, each sending its next request as soon as
 * the previous answer arrived, until the duration is over. Requests in flight at the end are
 * awaited, never abandoned, so every request the server handled is counted: the counts can be
 * compared exactly with the ledger afterwards.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { pool } = options;
  const latencies: number[] = [];
  const starts: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let firstError: string | undefined;
  let sent = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);

  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const userHeaders = options.headers[sent++ % options.headers.length];
      const headers = body === undefined ? userHeaders : { ...userHeaders, 'content-type': 'application/json' };
      const t0 = performance.now();
      try {
        const response = await pool.request({ origin: options.origin, method: options.method, path: options.path, headers, body });
        await response.body.dump();
        latencies.push(performance.now() - t0);
        starts.push(t0 - started);
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  const elapsedMs = performance.now() - started;

  const slowest = latencies
    .map((latencyMs, i) => ({ startMs: Math.round(starts[i]), latencyMs: Math.round(latencyMs) }))
    .sort((a, b) => b.latencyMs - a.latencyMs)
    .slice(0, 10);
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] : NaN;
  const ok = Object.entries(statuses)
    .filter(([status]) => Number(status) >= 200 && Number(status) < 300)
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    requests: sent,
    ok,
    statuses,
    errors,
    firstError,
    elapsedMs,
    rps: latencies.length / (elapsedMs / 1000),
    latencyMs: {
      mean: latencies.reduce((a, b) => a + b, 0) / (latencies.length || 1),
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: latencies[latencies.length - 1] ?? NaN,
    },
    slowest,
  };
}
