import type { CanActivate, FactoryProvider, ModuleMetadata, Type } from '@nestjs/common';
import type { BatcherOptions } from '../common/batcher.js';
import type { AccountPolicy } from './account-policy.js';

/** The request as the host's authentication left it (e.g. with its principal); its shape is the host's. */
export type HostRequest = Record<string, unknown> & { headers: Record<string, string | string[] | undefined> };

export interface TokensModuleOptions {
  /** Who pays for a request: the id of the account to charge, or null/undefined (a metered route then answers 401). */
  payerOf: (request: HostRequest) => string | null | undefined;
  /** How often ended periods are rolled in the background, in seconds; 0 turns the job off (requests still roll their own). */
  rolloverIntervalSeconds?: number;
  /** Whether metered routes honour an `Idempotency-Key` header (replays instead of second charges). Default true. */
  idempotencyHeader?: boolean;
  /**
   * Group commit of charges: charges arriving while a batch commits go together in the next
   * transaction. Defaults: 128 charges a batch, one batch at a time (per instance); a
   * `maxBatchSize` of 1 gives every charge a transaction of its own.
   */
  groupCommit?: Partial<BatcherOptions>;
  /** After how many seconds an open hold is released by the background job (its process died). Default 900. */
  holdTtlSeconds?: number;
}

export interface TokensModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: (...args: never[]) => TokensModuleOptions | Promise<TokensModuleOptions>;
  inject?: FactoryProvider['inject'];
  /** The host's account policy; its dependencies come from `imports` (or global modules). */
  accountPolicy: Type<AccountPolicy>;
  /** The admin routes (grant/deduct, prices, integrity report). Default true. */
  adminRoutes?: boolean;
  /** A TokenGuard subclass overriding its protected hooks (payerOf, requestIdOf, clientRequestIdOf). */
  guard?: Type<CanActivate>;
}

export const TOKENS_MODULE_OPTIONS = Symbol('TOKENS_MODULE_OPTIONS');
