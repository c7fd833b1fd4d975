import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Clock, insertEntities } from '@token-metering/database';
import { type OutboxDestination, OutboxEvent } from './outbox-event.entity.js';

/** An event to deliver, about one account. */
export interface OutboxMessage {
  userId: string;
  to: OutboxDestination;
  type: string;
  data: Record<string, unknown>;
}

/**
 * Records events in the caller's transaction: they are delivered if and only if it commits. The body
 * is `{ id, type, createdAt, data }`, fixed here so every attempt posts the same bytes.
 */
@Injectable()
export class Outbox {
  constructor(private readonly clock: Clock) {}

  async add(em: EntityManager, messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const now = this.clock.now();
    const events = messages.map((message) => {
      const id = randomUUID();
      const body = JSON.stringify({ id, type: message.type, createdAt: now.toISOString(), data: message.data });
      return Object.assign(new OutboxEvent(), {
        id,
        userId: message.userId,
        destination: message.to,
        type: message.type,
        body,
        status: 'pending',
        attempts: 0,
        createdAt: now,
        nextAttemptAt: now,
        lastAttemptAt: null,
      });
    });
    await insertEntities(em, OutboxEvent, events);
  }
}
