import { existsSync, readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';

/** Linux: the CPU time of the calling thread, in nanoseconds, first of the three numbers. */
const THREAD_SCHEDSTAT = '/proc/thread-self/schedstat';
const hasThreadClock = existsSync(THREAD_SCHEDSTAT);

/**
 * Milliseconds of CPU this thread, the one that runs the event loop (app and test alike), has used:
 * neither other processes on the machine nor the garbage collector's background threads count. On a
 * system without per-thread clocks, the whole process's CPU time.
 */
export const cpuMs = (): number => {
  if (hasThreadClock) return Number(readFileSync(THREAD_SCHEDSTAT, 'utf8').split(' ')[0]) / 1e6;
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** How long the event loop was held at a stretch: in this thread's CPU time and on the clock. */
export interface Block {
  cpuMs: number;
  wallMs: number;
}

/**
 * Runs `work` while a setImmediate ticker measures the longest time the event loop was not free: in
 * CPU time (the work's own share) and in wall time (which other processes on the machine can stretch).
 * The garbage collector's pauses are left out: they depend on everything the process holds (a test
 * worker that ran many suites holds a lot), not on the work measured; `withGc` has them in.
 */
export async function longestBlockDuring<T>(work: () => Promise<T>): Promise<{ result: T; withGc: Block } & Block> {
  const pauses: { start: number; end: number }[] = [];
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push({ start: entry.startTime, end: entry.startTime + entry.duration });
  });
  gc.observe({ entryTypes: ['gc'] });
  const blocks: (Block & { start: number; end: number })[] = [];
  let last = { wall: performance.now(), cpu: cpuMs() };
  let running = true;
  const tick = () => {
    const now = { wall: performance.now(), cpu: cpuMs() };
    blocks.push({ start: last.wall, end: now.wall, wallMs: now.wall - last.wall, cpuMs: now.cpu - last.cpu });
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const result = await work();
  running = false;
  tick();
  // The observer hears of the last pauses on a later turn.
  await new Promise((resolve) => setTimeout(resolve, 10));
  gc.disconnect();
  const withGc = { cpuMs: 0, wallMs: 0 };
  const longest = { cpuMs: 0, wallMs: 0 };
  for (const block of blocks) {
    const paused = pauses.reduce((sum, pause) => sum + Math.max(0, Math.min(pause.end, block.end) - Math.max(pause.start, block.start)), 0);
    withGc.cpuMs = Math.max(withGc.cpuMs, block.cpuMs);
    withGc.wallMs = Math.max(withGc.wallMs, block.wallMs);
    longest.cpuMs = Math.max(longest.cpuMs, block.cpuMs - paused);
    longest.wallMs = Math.max(longest.wallMs, block.wallMs - paused);
  }
  return { result, withGc, ...longest };
}

/**
 * A word of `length` random lowercase letters (a fixed seed): nothing in it repeats, so no merge is
 * remembered from an earlier chunk. One flat string, as JSON.parse makes them (a string built by +=
 * is flattened by its first search, all at once).
 */
export function randomWord(length: number, seed = 1): string {
  let state = seed;
  const letters = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    letters[i] = 97 + ((state >>> 16) % 26);
  }
  return letters.toString('latin1');
}

/**
 * POSTs `body` as JSON from a worker thread and answers the status and the raw bytes: receiving a
 * large answer is then the worker's CPU, not this thread's, so a block measured here is the app's own.
 */
export async function postFromWorker(url: string, key: string, body: unknown): Promise<{ status: number; bytes: ArrayBuffer }> {
  const { Worker } = await import('node:worker_threads');
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    fetch(workerData.url, {
      method: 'POST',
      headers: { authorization: 'Bearer ' + workerData.key, 'content-type': 'application/json' },
      body: workerData.body,
    })
      .then(async (response) => {
        const bytes = await response.arrayBuffer();
        parentPort.postMessage({ status: response.status, bytes }, [bytes]);
      })
      .catch((error) => parentPort.postMessage({ error: String(error) }));
  `;
  const worker = new Worker(source, { eval: true, workerData: { url, key, body: JSON.stringify(body) } });
  try {
    const answer = await new Promise<{ status: number; bytes: ArrayBuffer; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (answer.error) throw new Error(answer.error);
    return answer;
  } finally {
    await worker.terminate();
  }
}
