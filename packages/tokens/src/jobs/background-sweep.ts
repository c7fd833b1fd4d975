import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

const BATCH = 500;

/**
 * A background job of the ledger: every `intervalSeconds` (0: never) it repeats `sweep(limit)` until a
 * sweep does less than a batch. Overlapping runs share one; a failure is logged and ends the run.
 */
export abstract class BackgroundSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(this.constructor.name);
  private running: Promise<number> | null = null;
  private timer: NodeJS.Timeout | null = null;

  protected constructor(private readonly jobName: string) {}

  /** Seconds between runs; 0 turns the job off. */
  protected abstract intervalSeconds(): number;

  /** Handles up to `limit` items; returns how many it handled. */
  protected abstract sweep(limit: number): Promise<number>;

  /** The log line of a run that handled `total` items. */
  protected abstract describe(total: number): string;

  onApplicationBootstrap(): void {
    const seconds = this.intervalSeconds();
    if (seconds > 0) this.timer = setInterval(() => void this.run().catch(() => undefined), seconds * 1000).unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Runs the sweep until nothing is left; returns how many items it handled. */
  run(): Promise<number> {
    this.running ??= this.sweepAll().finally(() => (this.running = null));
    return this.running;
  }

  private async sweepAll(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const handled = await this.sweep(BATCH);
        total += handled;
        if (handled < BATCH) break;
      }
    } catch (error) {
      this.logger.error(`${this.jobName} stopped after ${total}: ${(error as Error).message}`);
      throw error;
    }
    if (total > 0) this.logger.log(this.describe(total));
    return total;
  }
}
