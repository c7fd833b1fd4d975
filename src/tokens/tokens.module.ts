import { DynamicModule, Module, Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountPolicy } from './account-policy.js';
import { AdminCostsController } from './admin-costs.controller.js';
import { AdminIntegrityController } from './admin-integrity.controller.js';
import { AdminTokensController } from './admin-tokens.controller.js';
import { IdempotencyKey } from './idempotency-key.entity.js';
import { IdempotencyKeys } from './idempotency-keys.js';
import { IdempotentWrites } from './idempotent-writes.js';
import { PeriodRolloverJob } from './period-rollover.job.js';
import { RequestBodyValidator } from './request-body-validator.js';
import { SettlementRetries } from './settlement-retries.js';
import { TokenAccount } from './token-account.entity.js';
import { TokenCostCatalog } from './token-cost-catalog.js';
import { TokenIntegrityService } from './token-integrity.service.js';
import { TokenLedgerEntry } from './token-ledger-entry.entity.js';
import { TokenLedger, TransactionalPostings } from './token-ledger.js';
import { TokenPriceOverride, TokenPriceRevision } from './token-price-override.entity.js';
import { TokenPrices } from './token-prices.service.js';
import { TokenSettlementInterceptor } from './token-settlement.interceptor.js';
import { TokenGuard } from './token.guard.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleAsyncOptions, type TokensModuleOptions } from './tokens-module-options.js';
import { TokensController } from './tokens.controller.js';
import { TokensService } from './tokens.service.js';
import { TypeormTokenLedger } from './typeorm-token-ledger.js';
import { AccountPeriods } from './account-periods.js';
import { AccountPostings } from './account-postings.js';
import { OwedTokens } from './owed-tokens.js';
import { AllowanceExpiry } from './allowance-expiry.js';
import { PostingBatches } from './posting-batches.js';
import { LedgerEvents } from './ledger-events.js';
import { LedgerRefunds } from './ledger-refunds.js';
import { LedgerHolds } from './ledger-holds.js';
import { HoldExpiryJob } from './hold-expiry.job.js';
import { HoldRenewalJob } from './hold-renewal.job.js';
import { TokenHold } from './token-hold.entity.js';

/**
 * Metering as a module, like @nestjs/throttler: import `TokensModule.forRoot(...)` once, put
 * @TokenCost on a route. The module registers its guard and interceptor globally itself; they
 * run after the guards the host registers in its root module (its authentication), which Nest
 * applies first. The host supplies who pays for a request and an AccountPolicy.
 */
@Module({})
export class TokensModule {
  static forRoot(options: TokensModuleOptions & Omit<TokensModuleAsyncOptions, 'useFactory' | 'inject'>): DynamicModule {
    const { imports, accountPolicy, adminRoutes, guard, ...moduleOptions } = options;
    return this.forRootAsync({ imports, accountPolicy, adminRoutes, guard, useFactory: () => moduleOptions });
  }

  static forRootAsync(options: TokensModuleAsyncOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: TOKENS_MODULE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
      { provide: AccountPolicy, useClass: options.accountPolicy },
      AccountPostings,
      OwedTokens,
      AllowanceExpiry,
      AccountPeriods,
      PostingBatches,
      LedgerRefunds,
      LedgerHolds,
      HoldExpiryJob,
      HoldRenewalJob,
      LedgerEvents,
      TypeormTokenLedger,
      { provide: TokenLedger, useExisting: TypeormTokenLedger },
      { provide: TransactionalPostings, useExisting: TypeormTokenLedger },
      TokensService,
      TokenPrices,
      PeriodRolloverJob,
      TokenCostCatalog,
      TokenIntegrityService,
      RequestBodyValidator,
      SettlementRetries,
      IdempotencyKeys,
      IdempotentWrites,
      { provide: TokenGuard, useClass: options.guard ?? TokenGuard },
      TokenSettlementInterceptor,
      { provide: APP_GUARD, useExisting: TokenGuard },
      { provide: APP_INTERCEPTOR, useExisting: TokenSettlementInterceptor },
    ];
    return {
      module: TokensModule,
      global: true,
      imports: [
        DiscoveryModule,
        TypeOrmModule.forFeature([TokenAccount, TokenLedgerEntry, IdempotencyKey, TokenPriceOverride, TokenPriceRevision, TokenHold]),
        ...(options.imports ?? []),
      ],
      controllers: [
        TokensController,
        ...(options.adminRoutes === false ? [] : [AdminTokensController, AdminCostsController, AdminIntegrityController]),
      ],
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
      ],
    };
  }
}
