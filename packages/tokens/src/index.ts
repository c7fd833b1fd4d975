/**
 * The tokens module's public entry: everything a host (this app, or another NestJS app) uses.
 * Nothing outside src/tokens imports its other files (checked by dependency-cruiser, see .dependency-cruiser.cjs).
 */
export { TokensModule } from './tokens.module.js';
export { TokensError, TokensErrorCode } from './tokens.errors.js';
export type { HostRequest, TokensModuleAsyncOptions, TokensModuleOptions } from './tokens-module-options.js';
export { AccountPolicy, type AccountSummary, type MissingAccount, type OpeningTerms, type PeriodTerms } from './account-policy.js';
export { Payer } from './http/payer.decorator.js';
export { TokenGuard, type MeteredRequest } from './http/token.guard.js';
export { SkipTokens, TokenPrice, type PriceUnits, type TokenPriceOptions } from './prices/token-price.decorator.js';
export { TokensService, MAX_ADMIN_ADJUSTMENT, type BalanceView, type ChangeOrigin } from './ledger/tokens.service.js';
export {
  TokenLedger,
  TransactionalPostings,
  type BucketSplit,
  type Charge,
  type ChargeRequest,
  type Posting,
  type RefundReason,
  type Hold,
  type HoldRequest,
  type IdempotencyClaim,
  type PriceChanged,
  type Replay,
} from './ledger/token-ledger.js';
export { PeriodRolloverJob } from './jobs/period-rollover.job.js';
export { TokenPrices, type PriceLineSource, type PriceView } from './prices/token-prices.service.js';
export { Idempotency, IdempotentApi, IdempotentWrites, requestIdsOf, type IdempotencyContext } from './idempotency/idempotent-writes.js';
export * from './token-events.js';
export { TokenIntegrityService } from './admin/token-integrity.service.js';
export {
  DEFAULT_REPORT_LIMIT,
  MAX_REPORT_LIMIT,
  type IntegrityReport,
  type SeedOptions,
  type SeedProgress,
  type SeedResult,
} from './admin/integrity-report.js';
export { IntegrityReportDto } from './admin/integrity-report.dto.js';
export { LedgerEntryType, TokenLedgerEntry, type LedgerMetadata } from './entities/token-ledger-entry.entity.js';
export { HoldExpiryJob } from './jobs/hold-expiry.job.js';
export { HoldRenewalJob } from './jobs/hold-renewal.job.js';
export { clientRequestIdOf } from './http/request-id.js';
export { tokenEntities } from './entities/token-entities.js';
export { tokenMigrations } from './migrations/index.js';
