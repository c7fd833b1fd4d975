import { DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';
import { Clock, TransactionRunner } from '@token-metering/database';
import { APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountPolicy } from './account-policy.js';
import { LedgerWatcher } from './ledger-watcher.js';
import { AdminPricesController } from './admin/admin-prices.controller.js';
import { AdminRoutesGuard, TOKENS_ADMIN_GUARD } from './admin/admin-routes.js';
import { AdminIntegrityController } from './admin/admin-integrity.controller.js';
import { AdminTokensController } from './admin/admin-tokens.controller.js';
import { IdempotencyKey } from './entities/idempotency-key.entity.js';
import { IdempotencyKeys } from './idempotency/idempotency-keys.js';
import { IdempotentWrites } from './idempotency/idempotent-writes.js';
import { PeriodRolloverJob } from './jobs/period-rollover.job.js';
import { RequestBodyValidator } from './http/request-body-validator.js';
import { PostingRetries } from './ledger/posting-retries.js';
import { TokenAccount } from './entities/token-account.entity.js';
import { PriceCatalog } from './prices/price-catalog.js';
import { TokenIntegrityService } from './admin/token-integrity.service.js';
import { TokenLedgerEntry } from './entities/token-ledger-entry.entity.js';
import { TokenLedger, TransactionalPostings } from './ledger/token-ledger.js';
import { TokenPriceOverride, TokenPriceRevision } from './entities/token-price-override.entity.js';
import { TokenPrices } from './prices/token-prices.service.js';
import { TokenChargeInterceptor } from './http/token-charge.interceptor.js';
import { TokenHolds } from './holds/token-holds.js';
import { SpendLimitPostings } from './ledger/spend-limit-postings.js';
import { SpendLimits } from './limits/spend-limits.js';
import { TokenCharges } from './charges/token-charges.js';
import { TokenGuard } from './http/token.guard.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleAsyncOptions, type TokensModuleOptions } from './tokens-module-options.js';
import { TokensController } from './http/tokens.controller.js';
import { TokensService } from './ledger/tokens.service.js';
import { TypeormTokenLedger } from './ledger/typeorm-token-ledger.js';
import { AccountPeriods } from './ledger/account-periods.js';
import { AccountPostings } from './ledger/account-postings.js';
import { AccountDebits } from './ledger/account-debits.js';
import { OwedTokens } from './ledger/owed-tokens.js';
import { AllowanceExpiry } from './ledger/allowance-expiry.js';
import { PostingBatches } from './ledger/posting-batches.js';
import { PromotionalGrants } from './ledger/promotional-grants.js';
import { LedgerEvents } from './ledger/ledger-events.js';
import { LedgerRefunds } from './ledger/ledger-refunds.js';
import { LedgerHolds } from './ledger/ledger-holds.js';
import { HoldPostings } from './ledger/hold-postings.js';
import { SettlementPostings } from './ledger/settlement-postings.js';
import { ChargePostings } from './ledger/charge-postings.js';
import { HoldExpiryJob } from './jobs/hold-expiry.job.js';
import { HoldRenewalJob } from './jobs/hold-renewal.job.js';
import { TokenHold } from './entities/token-hold.entity.js';
import { TokenUsageDay, TokenUsageRollup } from './entities/token-usage-day.entity.js';
import { TokenUsage } from './usage/token-usage.service.js';
import { UsageRollup } from './usage/usage-rollup.js';

/**
 * Metering as a module, like @nestjs/throttler: import `TokensModule.forRoot(...)` once, put
 * @TokenPrice on a route. The module registers its guard and interceptor globally itself; they
 * run after the guards the host registers in its root module (its authentication), which Nest
 * applies first. The host supplies who pays for a request and an AccountPolicy.
 */
@Module({})
export class TokensModule {
  static forRoot(options: TokensModuleOptions & Omit<TokensModuleAsyncOptions, 'useFactory' | 'inject'>): DynamicModule {
    const { imports, accountPolicy, ledgerWatcher, adminRoutes, guard, apiSecurity, ...moduleOptions } = options;
    return this.forRootAsync({ imports, accountPolicy, ledgerWatcher, adminRoutes, guard, apiSecurity, useFactory: () => moduleOptions });
  }

  static forRootAsync(options: TokensModuleAsyncOptions): DynamicModule {
    const adminGuard = options.adminRoutes?.guard;
    if (options.adminRoutes && typeof adminGuard !== 'function')
      throw new Error('TokensModule: adminRoutes need the guard that lets only admins through (adminRoutes: { guard })');
    const controllers: Type[] = [
      TokensController,
      ...(adminGuard ? [AdminTokensController, AdminPricesController, AdminIntegrityController] : []),
    ];
    for (const scheme of options.apiSecurity ?? []) for (const controller of controllers) ApiSecurity(scheme)(controller);
    const providers: Provider[] = [
      Clock,
      TransactionRunner,
      ...(adminGuard ? [{ provide: TOKENS_ADMIN_GUARD, useClass: adminGuard }, AdminRoutesGuard] : []),
      { provide: TOKENS_MODULE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
      { provide: AccountPolicy, useClass: options.accountPolicy },
      ...(options.ledgerWatcher ? [{ provide: LedgerWatcher, useClass: options.ledgerWatcher }] : []),
      AccountPostings,
      AccountDebits,
      PromotionalGrants,
      OwedTokens,
      AllowanceExpiry,
      AccountPeriods,
      PostingBatches,
      LedgerRefunds,
      ChargePostings,
      HoldPostings,
      SettlementPostings,
      SpendLimitPostings,
      SpendLimits,
      LedgerHolds,
      HoldExpiryJob,
      HoldRenewalJob,
      LedgerEvents,
      TypeormTokenLedger,
      { provide: TokenLedger, useExisting: TypeormTokenLedger },
      { provide: TransactionalPostings, useExisting: TypeormTokenLedger },
      TokensService,
      TokenUsage,
      UsageRollup,
      TokenPrices,
      PeriodRolloverJob,
      PriceCatalog,
      TokenIntegrityService,
      RequestBodyValidator,
      PostingRetries,
      IdempotencyKeys,
      IdempotentWrites,
      { provide: TokenGuard, useClass: options.guard ?? TokenGuard },
      TokenChargeInterceptor,
      TokenHolds,
      TokenCharges,
      { provide: APP_GUARD, useExisting: TokenGuard },
      { provide: APP_INTERCEPTOR, useExisting: TokenChargeInterceptor },
    ];
    return {
      module: TokensModule,
      global: true,
      imports: [
        DiscoveryModule,
        TypeOrmModule.forFeature([
          TokenAccount,
          TokenLedgerEntry,
          IdempotencyKey,
          TokenPriceOverride,
          TokenPriceRevision,
          TokenHold,
          TokenUsageDay,
          TokenUsageRollup,
        ]),
        ...(options.imports ?? []),
      ],
      controllers,
      providers,
      exports: [
        TokensService,
        TokenLedger,
        TokenPrices,
        PeriodRolloverJob,
        HoldExpiryJob,
        HoldRenewalJob,
        IdempotentWrites,
        TokenIntegrityService,
        TokenHolds,
        TokenCharges,
      ],
    };
  }
}
