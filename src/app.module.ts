import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { AutoTopUpGateModule } from './billing/auto-top-up/auto-top-up-gate.module.js';
import { BillingModule } from './billing/billing.module.js';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { CommonModule } from './common/common.module.js';
import { CompletionsModule } from './completions/completions.module.js';
import { createValidationPipe } from './common/validation.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { AppLedgerWatcher } from './notifications/app-ledger.watcher.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { RateLimitsModule } from './rate-limits/rate-limits.module.js';
import { ServicesModule } from './services/services.module.js';
import { SubscriptionsModule } from './subscriptions/subscriptions.module.js';
import { AppConfig } from './config/app-config.js';
import type { AuthenticatedRequest } from './common/principal.js';
import { SubscriptionsAccountPolicy } from './subscriptions/subscriptions-account-policy.js';
import { TokensModule } from '@token-metering/tokens';
import { AuthGuard } from './users/auth.guard.js';
import { UsersModule } from './users/users.module.js';
import { AdminOnlyGuard } from './users/admin-only.guard.js';
import { toErrorBody } from './common/error-response.js';

@Module({
  imports: [
    ConfigModule,
    CommonModule,
    ObservabilityModule,
    DatabaseModule,
    EventEmitterModule.forRoot(),
    ScheduleModule.forRoot(),
    RateLimitsModule,
    UsersModule,
    SubscriptionsModule,
    // Metering: the authenticated user pays; token accounts follow the subscriptions.
    TokensModule.forRootAsync({
      imports: [SubscriptionsModule, NotificationsModule, AutoTopUpGateModule],
      accountPolicy: SubscriptionsAccountPolicy,
      // Low-balance events, users' alerts and automatic top-ups, decided in the ledger entries' transaction.
      ledgerWatcher: AppLedgerWatcher,
      adminRoutes: { guard: AdminOnlyGuard },
      apiSecurity: ['bearer', 'api-key'],
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        payerOf: (request) => (request as unknown as AuthenticatedRequest).principal?.userId,
        spendLimitOf: (request) => {
          const principal = (request as unknown as AuthenticatedRequest).principal;
          return principal?.via === 'api-key' && principal.limited ? principal.keyId : undefined;
        },
        rolloverIntervalSeconds: config.get('PERIOD_ROLLOVER_INTERVAL_SECONDS'),
        groupCommit: { maxBatchSize: config.get('LEDGER_BATCH_SIZE'), maxConcurrentBatches: config.get('LEDGER_CONCURRENT_BATCHES') },
        holdTtlSeconds: config.get('HOLD_TTL_SECONDS'),
        bodyPipe: createValidationPipe,
        errorCodeOf: (error) => toErrorBody(error).code,
      }),
    }),
    CompletionsModule,
    ServicesModule,
    BillingModule,
    HealthModule,
    NotificationsModule,
  ],
  providers: [
    // Guards of the root module run first: the caller is authenticated before TokensModule's guard charges them.
    { provide: APP_GUARD, useExisting: AuthGuard },
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
  ],
})
export class AppModule {}
