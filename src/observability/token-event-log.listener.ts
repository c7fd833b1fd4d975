import { appRefusalReason } from '../common/tokens-terms.js';
import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { Logger } from 'pino';
import { TokenEvents } from '@token-metering/tokens';
import type {
  TokensChargedEvent,
  TokensPostedEvent,
  TokensRefundedEvent,
  TokensRefusedEvent,
  TokensSeededEvent,
  TokensPostingDeferredEvent,
  TokensPostingEndedEvent,
} from '@token-metering/tokens';
import { APP_LOGGER } from './app-logger.js';

/**
 * One JSON log line per token event, with the same field names for every kind (`event`,
 * `userId`, `action`, `amount`, `balanceBefore`, `balanceAfter`, `requestId` where the event has
 * them), so a user's balance can be followed through the logs. Events arrive after the commit.
 */
@Injectable()
export class TokenEventLogListener {
  private readonly log: Logger;

  constructor(@Inject(APP_LOGGER) logger: Logger) {
    this.log = logger.child({ context: 'TokenEvents' });
  }

  @OnEvent(TokenEvents.Charged)
  charged(e: TokensChargedEvent): void {
    this.log.info(
      {
        event: TokenEvents.Charged,
        userId: e.payerId,
        action: e.action,
        amount: e.amount,
        balanceBefore: e.balanceBefore,
        balanceAfter: e.balanceAfter,
        requestId: e.requestId,
        durationMs: Math.round(e.durationMs * 1000) / 1000,
      },
      'tokens charged',
    );
  }

  @OnEvent(TokenEvents.Refunded)
  refunded(e: TokensRefundedEvent): void {
    this.log.info(
      {
        event: TokenEvents.Refunded,
        userId: e.payerId,
        action: e.action,
        amount: e.amount,
        balanceBefore: e.balanceBefore,
        balanceAfter: e.balanceAfter,
        requestId: e.requestId,
        reasonCode: e.reasonCode,
        reason: e.reason,
      },
      'tokens refunded',
    );
  }

  @OnEvent(TokenEvents.Seeded)
  seeded(e: TokensSeededEvent): void {
    this.log.info(
      { event: TokenEvents.Seeded, userId: e.payerId, amount: e.amount, balanceAfter: e.balanceAfter, planCode: e.planCode },
      'token account seeded',
    );
  }

  /** A refusal changes nothing: `amount` is what the request needed, before and after are the balance it met. */
  @OnEvent(TokenEvents.Refused)
  refused(e: TokensRefusedEvent): void {
    const fields = {
      event: TokenEvents.Refused,
      userId: e.payerId,
      action: e.action,
      amount: e.required,
      balanceBefore: e.balance,
      balanceAfter: e.balance,
      requestId: e.requestId,
      reason: appRefusalReason(e.reason),
    };
    if (e.reason === 'insufficient_tokens') this.log.info(fields, 'tokens refused');
    else this.log.warn(fields, 'tokens refused');
  }

  @OnEvent(TokenEvents.Posted)
  posted(e: TokensPostedEvent): void {
    this.log.info(
      {
        event: TokenEvents.Posted,
        userId: e.payerId,
        type: e.type,
        amount: e.amount,
        balanceBefore: e.balanceBefore,
        balanceAfter: e.balanceAfter,
        actorId: e.actorId,
        entryId: e.entryId,
      },
      'ledger entry posted',
    );
  }

  @OnEvent(TokenEvents.PostingDeferred)
  postingDeferred(e: TokensPostingDeferredEvent): void {
    this.log.warn({ event: TokenEvents.PostingDeferred, ...e }, 'posting deferred until the database answers');
  }

  /** An abandoned posting is an error: its tokens must be posted by hand (a refund of `amount` for `requestId`, if it was charged). */
  @OnEvent(TokenEvents.PostingEnded)
  postingEnded(e: TokensPostingEndedEvent): void {
    if (e.outcome === 'abandoned') this.log.error({ event: TokenEvents.PostingEnded, ...e }, 'deferred posting abandoned at shutdown');
    else this.log.info({ event: TokenEvents.PostingEnded, ...e }, 'deferred posting done');
  }
}
