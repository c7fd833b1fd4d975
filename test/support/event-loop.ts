import { existsSync, readFileSync } from 'node:fs';

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

/**
 * Runs `work` while a setImmediate ticker measures the longest time the event loop was not free: in
 * CPU time (the work's own share) and in wall time (which other processes on the machine can stretch).
 */
export async function longestBlockDuring<T>(work: () => Promise<T>): Promise<{ result: T; cpuMs: number; wallMs: number }> {
  let lastWall = performance.now();
  let lastCpu = cpuMs();
  const longest = { cpuMs: 0, wallMs: 0 };
  let running = true;
  const tick = () => {
    const [wall, cpu] = [performance.now(), cpuMs()];
    longest.wallMs = Math.max(longest.wallMs, wall - lastWall);
    longest.cpuMs = Math.max(longest.cpuMs, cpu - lastCpu);
    [lastWall, lastCpu] = [wall, cpu];
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const result = await work();
  running = false;
  tick();
  return { result, ...longest };
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
