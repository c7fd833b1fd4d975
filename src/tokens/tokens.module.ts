import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module.js';
import { IdempotencyKey } from './idempotency-key.entity.js';
import { RequestBodyValidator } from './request-body-validator.js';
import { TokenAccount } from './token-account.entity.js';
import { TokenCostCatalog } from './token-cost-catalog.js';
import { TokenLedgerEntry } from './token-ledger-entry.entity.js';
import { TokenLedger } from './token-ledger.js';
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
  imports: [DiscoveryModule, SubscriptionsModule, TypeOrmModule.forFeature([TokenAccount, TokenLedgerEntry, IdempotencyKey])],
  controllers: [TokensController],
  providers: [
    { provide: TokenLedger, useClass: TypeormTokenLedger },
    TokensService,
    TokenCostCatalog,
    RequestBodyValidator,
    TokenGuard,
    TokenSettlementInterceptor,
  ],
  exports: [TokensService, TokenLedger, TokenGuard, TokenSettlementInterceptor],
})
export class TokensModule {}
