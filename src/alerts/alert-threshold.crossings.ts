import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { selectRows } from '@token-metering/database';
import type { WrittenEntry } from '@token-metering/tokens';
import { Outbox, type OutboxMessage } from '../outbox/outbox.js';
import type { AlertThreshold } from './alert-setting.entity.js';

export const BALANCE_BELOW_THRESHOLD = 'balance.below_threshold';

interface SettingRow {
  user_id: string;
  thresholds: string;
  tokens_limit: number | string | null;
}

/** A threshold in tokens: percentages are of the period allowance of the user's plan (rounded down). */
export function tokensOf(threshold: AlertThreshold, periodAllowance: number): number {
  return 'tokens' in threshold ? threshold.tokens : Math.floor((periodAllowance * threshold.percentOfAllowance) / 100);
}

/**
 * Users' balance alerts, decided in the transaction of the ledger entries: a debit whose balance
 * before was at or above a threshold and whose balance after is below it crossed it, and records one
 * `balance.below_threshold` event in the outbox. An account's debits are serialized by its row, so
 * their [after, before) ranges never overlap: exactly one debit contains each crossing, however many
 * run at once, on however many instances, with no state kept anywhere.
 */
@Injectable()
export class AlertThresholdCrossings {
  constructor(private readonly outbox: Outbox) {}

  async written(em: EntityManager, entries: readonly WrittenEntry[]): Promise<void> {
    const debits = entries.filter((entry) => entry.amount < 0);
    if (debits.length === 0) return;
    const payers = [...new Set(debits.map((entry) => entry.payerId))];
    // One primary-key look-up per batch with debits; users without alerts have no row.
    const rows = await selectRows<SettingRow>(
      em,
      `SELECT a.user_id, a.thresholds, s.tokens_limit
         FROM alert_settings a LEFT JOIN subscriptions s ON s.user_id = a.user_id
        WHERE a.user_id IN (${payers.map(() => '?').join(', ')})`,
      payers,
    );
    if (rows.length === 0) return;
    const thresholdsOf = new Map(rows.map((row) => [row.user_id, resolve(row)]));
    const messages: OutboxMessage[] = [];
    for (const entry of debits) {
      const thresholds = thresholdsOf.get(entry.payerId);
      if (!thresholds) continue;
      const before = entry.balanceAfter - entry.amount;
      for (const { tokens, threshold } of thresholds) {
        if (before >= tokens && tokens > entry.balanceAfter) {
          messages.push({
            userId: entry.payerId,
            to: 'user',
            type: BALANCE_BELOW_THRESHOLD,
            data: { userId: entry.payerId, threshold: tokens, balance: entry.balanceAfter, ...percentOf(threshold) },
          });
        }
      }
    }
    await this.outbox.add(em, messages);
  }
}

/** A user's thresholds in tokens, highest first: one debit that crosses several reports them in the order it passed them. */
function resolve(row: SettingRow): { tokens: number; threshold: AlertThreshold }[] {
  const allowance = Number(row.tokens_limit ?? 0);
  return (JSON.parse(row.thresholds) as AlertThreshold[])
    .map((threshold) => ({ tokens: tokensOf(threshold, allowance), threshold }))
    .sort((a, b) => b.tokens - a.tokens);
}

const percentOf = (threshold: AlertThreshold) =>
  'percentOfAllowance' in threshold ? { percentOfAllowance: threshold.percentOfAllowance } : {};
