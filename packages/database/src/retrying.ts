/** What one attempt ended with: a value, or a reason to try again (and what to throw when no attempt is left). */
export type Attempt<T> = { kind: 'done'; value: T } | { kind: 'again'; giveUp: () => unknown; pause: boolean };

export function done<T>(value: T): Attempt<T> {
  return { kind: 'done', value };
}

/** Try again; `pause` waits a short, randomised moment first (contention), else at once (the cause was fixed). */
export function again<T>(giveUp: () => unknown, options: { pause?: boolean } = {}): Attempt<T> {
  return { kind: 'again', giveUp, pause: options.pause ?? false };
}

/** The one retry policy of the ledger and its transactions: at most this many attempts of anything. */
export const MAX_ATTEMPTS = 4;

/**
 * Runs `attempt` until it is done, at most MAX_ATTEMPTS times; an attempt that throws ends the run.
 * After the last attempt that asked for another, throws what its `giveUp` returns.
 */
export async function retrying<T>(attempt: (n: number) => Promise<Attempt<T>>): Promise<T> {
  for (let n = 1; ; n++) {
    const outcome = await attempt(n);
    if (outcome.kind === 'done') return outcome.value;
    if (n >= MAX_ATTEMPTS) throw outcome.giveUp();
    if (outcome.pause) await new Promise((resolve) => setTimeout(resolve, 5 * n + Math.random() * 10));
  }
}
