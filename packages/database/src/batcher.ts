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

/**
 * Runs the work of many callers together (group commit): a batch starts at once when fewer than
 * `maxConcurrentBatches` run, so a lone caller waits for nothing; items that arrive while the
 * batches run wait and go together in the next one. A batch therefore starts after every one of
 * its items arrived. `run` returns one result per item, in order; when it throws, every item of
 * the batch gets the error (and the items waiting, for the errors of `failWaitingWith`).
 */
export class Batcher<I, O> {
  private queue: Array<{ item: I; resolve: (result: O) => void; reject: (error: unknown) => void }> = [];
  private running = 0;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
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
      batch.forEach(({ resolve }, i) => resolve(results[i]));
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
