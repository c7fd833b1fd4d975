/**
 * Events of the notifications module, emitted (through @nestjs/event-emitter) once per crossing:
 * the charge that took a balance from at or above the plan's threshold to below it, and the charge
 * that took it to 0. With WEBHOOK_URL set, each one is also posted to the webhook.
 */
export const LowBalanceEvents = {
  /** A charge took the balance from at or above the plan's low-balance threshold to below it. */
  LowBalance: 'tokens.low_balance',
  /** A charge took the balance to 0. */
  Depleted: 'tokens.depleted',
} as const;

export type LowBalanceEventType = (typeof LowBalanceEvents)[keyof typeof LowBalanceEvents];

interface CrossingEvent {
  userId: string;
  planCode: string;
  /** The charge that crossed. */
  action: string;
  amount: number;
  balanceBefore: number;
  balanceAfter: number;
  requestId: string;
  /** ISO-8601 time the crossing was detected. */
  occurredAt: string;
}

export interface TokensLowBalanceEvent extends CrossingEvent {
  /** The plan's low-balance threshold (its low_balance_threshold, else 10% of its monthly tokens). */
  threshold: number;
}

export type TokensDepletedEvent = CrossingEvent;
