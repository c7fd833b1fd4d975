import { DatabaseBusy } from './database-errors.js';

export interface BatcherOptions {
  /** Most items one batch takes; the rest wait for the next. */
  maxBatchSize: number;
  /** Batches running at the same time. */
  maxConcurrentBatches: number;
  /**
   * For the errors (e.g. the database cannot be reached) that also fail the items waiting when a
   * batch ends with one, instead of making each of them wait for the same outcome again: the error
   * those items get. Undefined for any other error.
   */
  failWaitingWith?: (error: unknown) => unknown;
}

/** A result `run` gives one item instead of its value: that item's caller gets `error`, its neighbours their results. */
export class ItemFailure {
  constructor(readonly error: unknown) {}
}

/**
 * Runs the work of many callers together (group commit): a batch starts at once when fewer than
 * `maxConcurrentBatches` run, so a lone caller waits for nothing; items that arrive while the
 * batches run wait and go together in the next one. A batch therefore starts after every one of
 * its items arrived. `run` returns one result per item, in order (an ItemFailure fails its item
 * alone); when it throws, every item of the batch gets the error (and the items waiting, for the errors of `failWaitingWith`).
 */
export class Batcher<I, O> {
  private queue: Array<{ item: I; resolve: (result: O) => void; reject: (error: unknown) => void }> = [];
  private running = 0;

  constructor(
    private readonly run: (items: I[]) => Promise<Array<O | ItemFailure>>,
    private readonly options: BatcherOptions,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.startBatches();
    });
  }

  private startBatches(): void {
    while (this.running < this.options.maxConcurrentBatches && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatchSize);
      this.running++;
      void this.runBatch(batch);
    }
  }

  private async runBatch(batch: typeof this.queue): Promise<void> {
    try {
      const results = await this.run(batch.map(({ item }) => item));
      batch.forEach(({ resolve, reject }, i) => {
        const result = results[i];
        if (result instanceof ItemFailure) reject(result.error);
        else resolve(result);
      });
    } catch (error) {
      for (const { reject } of batch) reject(error);
      const waitingError = this.options.failWaitingWith?.(error);
      if (waitingError !== undefined) for (const { reject } of this.queue.splice(0)) reject(waitingError);
    } finally {
      this.running--;
      this.startBatches();
    }
  }
}

/**
 * Commits `items` together; when that kept conflicting (deadlocks, Galera certification failures)
 * until its retries ran out (DatabaseBusy), commits the items of half the keys, then those of the
 * other half, and so on down to a single key: a conflict on one key (an account) fails only the
 * items of that key.
 */
export async function splitOnConflict<I, O>(
  items: I[],
  keyOf: (item: I) => string,
  commit: (items: I[]) => Promise<Array<O | ItemFailure>>,
): Promise<Array<O | ItemFailure>> {
  try {
    return await commit(items);
  } catch (error) {
    const keys = [...new Set(items.map(keyOf))].sort();
    if (!(error instanceof DatabaseBusy) || keys.length < 2) throw error;
    const first = new Set(keys.slice(0, keys.length >> 1));
    const results: Array<O | ItemFailure> = items.map(() => new ItemFailure(error));
    for (const inFirst of [true, false]) {
      const indexes = items.flatMap((item, i) => (first.has(keyOf(item)) === inFirst ? [i] : []));
      const half = await splitOnConflict(
        indexes.map((i) => items[i]),
        keyOf,
        commit,
      ).catch((failure: unknown) => indexes.map(() => new ItemFailure(failure)));
      indexes.forEach((index, n) => (results[index] = half[n]));
    }
    return results;
  }
}
