import { BeforeApplicationShutdown, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DeferredPostingKind, TokenEvents, TokensPostingDeferredEvent, TokensPostingEndedEvent } from '../token-events.js';

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 30_000;
/** At shutdown, how long the last attempt of every pending posting may take together. */
const LAST_ATTEMPT_MS = 5_000;

export interface DeferredPosting {
  kind: DeferredPostingKind;
  payerId: string;
  action: string;
  amount: number;
  requestId: string;
  /**
   * Brings the ledger to the state the request was answered with. It must be safe to run again
   * after an attempt whose outcome is unknown: it first looks at what is already committed.
   */
  run: () => Promise<void>;
}

interface Pending {
  posting: DeferredPosting;
  attempts: number;
  timer: NodeJS.Timeout | null;
  /** The attempt in progress, if any. */
  running: Promise<void> | null;
}

/**
 * Ledger postings the database could not take when they were due, retried in this process with
 * exponential backoff (250 ms, doubling, at most 30 s apart) until the database takes them:
 * - a refund of a failed request, written while the database was down;
 * - a charge whose COMMIT went unanswered while the database went away: the caller was told 503
 *   and the work did not run, so if it did commit it is refunded.
 * A process that stops tries each pending posting once more (for at most 5 s, while the
 * database connection is still open) and reports the ones that still fail as abandoned (an error
 * log line with what an operator needs to post it by hand).
 */
@Injectable()
export class PostingRetries implements BeforeApplicationShutdown {
  private readonly logger = new Logger('PostingRetries');
  private readonly pending = new Set<Pending>();
  private closing = false;

  constructor(@Optional() @Inject(EventEmitter2) private readonly events?: EventEmitter2) {}

  defer(posting: DeferredPosting): void {
    const entry: Pending = { posting, attempts: 0, timer: null, running: null };
    this.pending.add(entry);
    this.events?.emit(TokenEvents.PostingDeferred, this.describe(posting) satisfies TokensPostingDeferredEvent);
    this.schedule(entry);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    const last = [...this.pending].map((entry) => {
      if (entry.timer) clearTimeout(entry.timer);
      return entry.running ?? this.attempt(entry);
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolveDeadline) => (timer = setTimeout(resolveDeadline, LAST_ATTEMPT_MS)));
    await Promise.race([Promise.allSettled(last), deadline]);
    clearTimeout(timer);
    for (const entry of this.pending) this.end(entry, 'abandoned');
  }

  private schedule(entry: Pending): void {
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** entry.attempts);
    entry.timer = setTimeout(() => void this.attempt(entry), delay);
    entry.timer.unref();
  }

  private attempt(entry: Pending): Promise<void> {
    entry.timer = null;
    entry.attempts += 1;
    entry.running = entry.posting.run().then(
      () => {
        if (this.pending.has(entry)) this.end(entry, 'settled');
      },
      (error: unknown) => {
        if (!this.pending.has(entry)) return; // abandoned meanwhile
        if (this.closing || entry.attempts === 1 || entry.attempts % 10 === 0) {
          this.logger.warn(
            JSON.stringify({
              event: 'posting_retry_failed',
              ...this.describe(entry.posting),
              attempts: entry.attempts,
              error: String(error),
            }),
          );
        }
        if (!this.closing) this.schedule(entry);
      },
    );
    return entry.running.finally(() => (entry.running = null));
  }

  private end(entry: Pending, outcome: TokensPostingEndedEvent['outcome']): void {
    this.pending.delete(entry);
    this.events?.emit(TokenEvents.PostingEnded, {
      ...this.describe(entry.posting),
      outcome,
      attempts: entry.attempts,
    } satisfies TokensPostingEndedEvent);
  }

  private describe({ kind, payerId, action, amount, requestId }: DeferredPosting): TokensPostingDeferredEvent {
    return { kind, payerId, action, amount, requestId };
  }
}
