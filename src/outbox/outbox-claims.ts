import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { execute, selectRows, TransactionRunner } from '@token-metering/database';
import type { OutboxDestination } from './outbox-event.entity.js';

/** An event this instance holds the lease of, with what it needs to post it. */
export interface ClaimedEvent {
  seq: number;
  id: string;
  userId: string;
  destination: OutboxDestination;
  type: string;
  body: string;
  /** This attempt's number, the first being 1. */
  attempt: number;
  createdAt: Date;
  claimId: string;
}

interface DueRow {
  seq: number | string;
  id: string;
  user_id: string;
  destination: OutboxDestination;
  type: string;
  body: string;
  attempts: number | string;
}

/**
 * The outbox's delivery state, changed only by conditional statements, so several instances can
 * share it: an event is claimed by the one UPDATE that still finds it due, and its outcome is recorded
 * only by the claim that owns it.
 */
@Injectable()
export class OutboxClaims {
  constructor(private readonly tx: TransactionRunner) {}

  /**
   * Claims up to `limit` due events, each the oldest pending one of its account and destination (a
   * later event waits while an earlier one is pending, retries included): the claim moves
   * `next_attempt_at` to the lease's end, so nobody else takes it until then.
   */
  async claimDue(now: Date, leaseMs: number, limit: number): Promise<ClaimedEvent[]> {
    const em = this.tx.manager;
    const due = await selectRows<DueRow>(
      em,
      `SELECT o.seq, o.id, o.user_id, o.destination, o.type, o.body, o.attempts
         FROM outbox_events o
        WHERE o.status = 'pending' AND o.next_attempt_at <= ?
          AND NOT EXISTS (SELECT 1 FROM outbox_events e
                           WHERE e.user_id = o.user_id AND e.destination = o.destination
                             AND e.status = 'pending' AND e.seq < o.seq)
        ORDER BY o.next_attempt_at
        LIMIT ${Math.floor(limit)}`,
      [now],
    );
    const leaseEnd = new Date(now.getTime() + leaseMs);
    const claimed: ClaimedEvent[] = [];
    for (const row of due) {
      const claimId = randomUUID();
      const won = await this.write(
        `UPDATE outbox_events SET next_attempt_at = ?, claim_id = ?, attempts = attempts + 1, last_attempt_at = ?
          WHERE seq = ? AND status = 'pending' AND next_attempt_at <= ?`,
        [leaseEnd, claimId, now, row.seq, now],
      );
      if (won === 0) continue;
      claimed.push({
        seq: Number(row.seq),
        id: row.id,
        userId: row.user_id,
        destination: row.destination,
        type: row.type,
        body: row.body,
        attempt: Number(row.attempts) + 1,
        createdAt: new Date((JSON.parse(row.body) as { createdAt: string }).createdAt),
        claimId,
      });
    }
    return claimed;
  }

  delivered(event: ClaimedEvent): Promise<number> {
    return this.write(`UPDATE outbox_events SET status = 'delivered', last_error = NULL WHERE seq = ? AND claim_id = ?`, [
      event.seq,
      event.claimId,
    ]);
  }

  retryAt(event: ClaimedEvent, at: Date, error: string): Promise<number> {
    return this.write(
      `UPDATE outbox_events SET next_attempt_at = ?, last_error = ? WHERE seq = ? AND claim_id = ? AND status = 'pending'`,
      [at, error.slice(0, 255), event.seq, event.claimId],
    );
  }

  /** Gives a claim back unfinished (the process is stopping): the event is due again at once, for any instance. */
  release(event: ClaimedEvent, now: Date): Promise<number> {
    return this.write(`UPDATE outbox_events SET next_attempt_at = ? WHERE seq = ? AND claim_id = ? AND status = 'pending'`, [
      now,
      event.seq,
      event.claimId,
    ]);
  }

  failed(event: ClaimedEvent, error: string): Promise<number> {
    return this.write(`UPDATE outbox_events SET status = 'failed', last_error = ? WHERE seq = ? AND claim_id = ? AND status = 'pending'`, [
      error.slice(0, 255),
      event.seq,
      event.claimId,
    ]);
  }

  private write(sql: string, parameters: unknown[]): Promise<number> {
    return this.tx.run((em) => execute(em, sql, parameters));
  }
}
