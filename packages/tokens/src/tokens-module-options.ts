import type { CanActivate, FactoryProvider, ModuleMetadata, PipeTransform, Type } from '@nestjs/common';
import type { BatcherOptions } from '@token-metering/database';
import type { AccountPolicy } from './account-policy.js';
import type { LedgerWatcher } from './ledger-watcher.js';

/** The request as the host's authentication left it (e.g. with its principal); its shape is the host's. */
export type HostRequest = Record<string, unknown> & { headers: Record<string, string | string[] | undefined> };

export interface TokensModuleOptions {
  /** Who pays for a request: the id of the account to charge, or null/undefined (a metered route then answers 401). */
  payerOf: (request: HostRequest) => string | null | undefined;
  /**
   * The spend limit a request spends against (e.g. the id of the API key it came through, when that key
   * has one), or null/undefined for none: its charges and holds are then also refused when they would
   * pass that limit (402 SPEND_LIMIT_REACHED). Name only limits that exist: each named one costs a statement.
   */
  spendLimitOf?: (request: HostRequest) => string | null | undefined;
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
  /**
   * The pipe that validates a metered route's @Body() before its charge (invalid input is never
   * charged). Give the host's own validation pipe so both agree; by default a ValidationPipe that
   * refuses unknown properties, with a 400 VALIDATION_FAILED naming the bad fields.
   */
  bodyPipe?: () => PipeTransform;
  /** The code a refund entry records for the error a handler threw; by default the error's `code`, else its status name. */
  errorCodeOf?: (error: unknown) => string;
}

export interface TokensModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: (...args: never[]) => TokensModuleOptions | Promise<TokensModuleOptions>;
  inject?: FactoryProvider['inject'];
  /** The host's account policy; its dependencies come from `imports` (or global modules). */
  accountPolicy: Type<AccountPolicy>;
  /**
   * The admin routes (grant/deduct, price overrides, integrity report): off unless given, and then
   * only behind `guard`, the host's guard that lets admins through (the module has no idea of roles).
   */
  adminRoutes?: { guard: Type<CanActivate> };
  /** The host's watcher of ledger entries, called in their transaction (e.g. to write events to an outbox). */
  ledgerWatcher?: Type<LedgerWatcher>;
  /** Names of the host's OpenAPI security schemes the module's routes declare (e.g. `['bearer']`). */
  apiSecurity?: string[];
  /** A TokenGuard subclass overriding its protected hooks (payerOf, requestIdOf, clientRequestIdOf). */
  guard?: Type<CanActivate>;
}

export const TOKENS_MODULE_OPTIONS = Symbol('TOKENS_MODULE_OPTIONS');
