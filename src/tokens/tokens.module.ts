import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module.js';
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
import { TokenLedger } from './token-ledger.js';
import { TokenPriceOverride, TokenPriceRevision } from './token-price-override.entity.js';
import { TokenPrices } from './token-prices.service.js';
import { TokenSettlementInterceptor } from './token-settlement.interceptor.js';
import { TokenGuard } from './token.guard.js';
import { TokensController } from './tokens.controller.js';
import { TokensService } from './tokens.service.js';
import { TypeormTokenLedger } from './typeorm-token-ledger.js';

/**
 * Metering: import this module, register TokenGuard (after authentication) and
 * TokenSettlementInterceptor globally, and put @TokenCost on a route.
 */
@Module({
  imports: [DiscoveryModule, SubscriptionsModule, TypeOrmModule.forFeature([TokenAccount, TokenLedgerEntry, IdempotencyKey, TokenPriceOverride, TokenPriceRevision])],
  controllers: [TokensController, AdminTokensController, AdminCostsController, AdminIntegrityController],
  providers: [
    { provide: TokenLedger, useClass: TypeormTokenLedger },
    TokensService,
    TokenPrices,
    PeriodRolloverJob,
    TokenCostCatalog,
    TokenIntegrityService,
    RequestBodyValidator,
    SettlementRetries,
    IdempotencyKeys,
    IdempotentWrites,
    TokenGuard,
    TokenSettlementInterceptor,
  ],
  exports: [TokensService, TokenLedger, TokenPrices, PeriodRolloverJob, IdempotentWrites, TokenGuard, TokenSettlementInterceptor],
})
export class TokensModule {}
