/**
 * The package's public entry: what a host uses. Its other files are internal (dependency-cruiser
 * checks that the app imports nothing else); `@token-metering/tokens/testing` has the in-memory ledger.
 */
// Set-up: the module, the host's account policy, the options.
export { TokensModule } from './tokens.module.js';
export type { HostRequest, TokensModuleAsyncOptions, TokensModuleOptions } from './tokens-module-options.js';
export { AccountPolicy, type AccountSummary, type MissingAccount, type OpeningTerms, type PeriodTerms } from './account-policy.js';
export { LedgerWatcher, type WrittenEntry } from './ledger-watcher.js';
export { tokenEntities } from './entities/token-entities.js';
export { tokenMigrations } from './migrations/index.js';

// Metering routes: prices on decorators, who pays, the errors they answer.
export {
  SkipTokens,
  TokenPrice,
  tokenAmount,
  type PriceDescription,
  type PriceUnits,
  type TokenPriceOptions,
} from './prices/token-price.decorator.js';
export { Payer } from './http/payer.decorator.js';
export { TokenGuard, type MeteredRequest } from './http/token.guard.js';
export { TokensError, TokensErrorCode } from './tokens.errors.js';
export { clientRequestIdOf } from './http/request-id.js';

// Work the host prices itself before it runs (e.g. from a model's prices), charged like a @TokenPrice route.
export { TokenCharges, type ChargeTerms } from './charges/token-charges.js';

// Usage-metered work: held before it runs, then settled at its actual price (e.g. AI completions).
export { TokenHolds, type HeldStreamEvent, type HeldUsage, type HoldTerms, type UnfinishedUsage } from './holds/token-holds.js';

// The ledger, for the host's own writes (purchases, plan changes, usage-metered work).
export { TokenLedger, type Charge, type Hold, type IdempotencyClaim, type Replay } from './ledger/token-ledger.js';
export { TokensService, type BalanceView, type ChangeOrigin } from './ledger/tokens.service.js';
export type { SpendLimitTerms, SpendLimitView } from './limits/spend-limits.js';
export { SPEND_LIMIT_PERIODS, TokenSpendLimit, type SpendLimitPeriod } from './entities/token-spend-limit.entity.js';
export { BalanceDto } from './http/token-views.dto.js';
export { TokenLedgerEntry } from './entities/token-ledger-entry.entity.js';
export { TokenPrices } from './prices/token-prices.service.js';
export { Idempotency, IdempotentApi, IdempotentWrites, requestIdsOf, type IdempotencyContext } from './idempotency/idempotent-writes.js';
export * from './token-events.js';

// Operations: the integrity report and seeding (for a host's CLI), the period roll.
export { TokenIntegrityService } from './admin/token-integrity.service.js';
export { DEFAULT_REPORT_LIMIT, MAX_REPORT_LIMIT, type IntegrityReport } from './admin/integrity-report.js';
export { IntegrityReportDto } from './admin/integrity-report.dto.js';
export { PeriodRolloverJob } from './jobs/period-rollover.job.js';
