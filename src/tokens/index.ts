/**
 * The tokens module's public entry: everything a host (this app, or another NestJS app) uses.
 * Nothing outside src/tokens imports its other files (checked by dependency-cruiser, see .dependency-cruiser.cjs).
 */
export { TokensModule } from './tokens.module.js';
export { TokensError, TokensErrorCode } from './tokens.errors.js';
export type { HostRequest, TokensModuleAsyncOptions, TokensModuleOptions } from './tokens-module-options.js';
export { AccountPolicy, type AccountSummary, type OpeningTerms, type PeriodTerms } from './account-policy.js';
export { Payer } from './payer.decorator.js';
export { InMemoryTokenLedger, type InMemoryEntry } from './in-memory-token-ledger.js';
export { TokenGuard, type MeteredRequest } from './token.guard.js';
export { SkipTokens, TokenCost, type CostUnits, type TokenCostOptions } from './token-cost.decorator.js';
export { TokensService, MAX_ADMIN_ADJUSTMENT, type BalanceView, type ChangeOrigin } from './tokens.service.js';
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
} from './token-ledger.js';
export { PeriodRolloverJob } from './period-rollover.job.js';
export { TokenPrices, type PriceLineSource, type PriceView } from './token-prices.service.js';
export { Idempotency, IdempotentApi, IdempotentWrites, requestIdsOf, type IdempotencyContext } from './idempotent-writes.js';
export * from './token-events.js';
export { TokenIntegrityService } from './token-integrity.service.js';
export {
  DEFAULT_REPORT_LIMIT,
  MAX_REPORT_LIMIT,
  type IntegrityReport,
  type SeedOptions,
  type SeedProgress,
  type SeedResult,
} from './integrity-report.js';
export { IntegrityReportDto } from './dto/integrity-report.dto.js';
export { LedgerEntryType, TokenLedgerEntry, type LedgerMetadata } from './token-ledger-entry.entity.js';
export { HoldExpiryJob } from './hold-expiry.job.js';
export { HoldRenewalJob } from './hold-renewal.job.js';
export { tokenEntities } from './token-entities.js';
