import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';

/** What a crossing of an enabled setting buys. */
export interface WatchedPackage {
  code: string;
  tokens: number;
  priceCents: number;
  currency: string;
}

/** An enabled automatic top-up, as the ledger watcher needs it. */
export interface WatchedAccount {
  thresholdTokens: number;
  pkg: WatchedPackage;
}

interface WatchedRow {
  user_id: string;
  threshold_tokens: number | string;
  code: string;
  tokens: number | string;
  price_cents: number | string;
  currency: string;
}

/**
 * The enabled automatic top-ups, in memory, so the ledger watcher decides without a query whether an
 * entry can matter: only a payer listed here whose balance crossed its threshold costs a statement.
 * Loaded at start-up, changed at once by this instance's own settings, reloaded every
 * AUTO_TOP_UP_REFRESH_SECONDS for the changes other instances made. The watcher's statement checks
 * the setting again in the database, so a stale entry here never buys anything it should not.
 */
@Injectable()
export class AutoTopUpGate implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AutoTopUpGate.name);
  private watched = new Map<string, WatchedAccount | null>();
  /** This instance's changes made while a reload ran: applied again on top of what it read. */
  private changedDuringReload: Map<string, WatchedAccount | null> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private attemptListener: () => void = () => undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Only Stripe charges saved cards: with another provider nothing is watched. */
  get active(): boolean {
    return this.config.get('PAYMENT_PROVIDER') === 'stripe';
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.active) return;
    await this.reload();
    const seconds = this.config.get('AUTO_TOP_UP_REFRESH_SECONDS');
    this.timer = setInterval(() => void this.reload().catch(() => undefined), seconds * 1000).unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  watchedOf(userId: string): WatchedAccount | undefined {
    return this.watched.get(userId) ?? undefined;
  }

  /** Records this instance's change of a setting: `null` when it is disabled. */
  set(userId: string, account: WatchedAccount | null): void {
    if (!this.active) return;
    this.changedDuringReload?.set(userId, account);
    if (account) this.watched.set(userId, account);
    else this.watched.delete(userId);
  }

  /** The worker's wake-up call, run after a transaction that started an attempt committed. */
  onAttempt(listener: () => void): void {
    this.attemptListener = listener;
  }

  attemptStarted(): void {
    this.attemptListener();
  }

  async reload(): Promise<void> {
    this.changedDuringReload = new Map();
    try {
      const rows = await this.dataSource.query<WatchedRow[]>(
        `SELECT a.user_id, a.threshold_tokens, p.code, p.tokens, p.price_cents, p.currency
           FROM auto_top_ups a JOIN token_packages p ON p.code = a.package_code
          WHERE a.enabled = 1 AND p.active = 1`,
      );
      const watched = new Map<string, WatchedAccount | null>();
      for (const row of rows) {
        const pkg = { code: row.code, tokens: Number(row.tokens), priceCents: Number(row.price_cents), currency: row.currency };
        watched.set(row.user_id, { thresholdTokens: Number(row.threshold_tokens), pkg });
      }
      for (const [userId, account] of this.changedDuringReload) watched.set(userId, account);
      this.watched = watched;
    } catch (error) {
      this.logger.error(`reloading the automatic top-ups failed: ${(error as Error).message}`);
      throw error;
    } finally {
      this.changedDuringReload = null;
    }
  }
}
