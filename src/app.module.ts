import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { BillingModule } from './billing/billing.module.js';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { CommonModule } from './common/common.module.js';
import { createValidationPipe } from './common/validation.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { RateLimitsModule } from './rate-limits/rate-limits.module.js';
import { ServicesModule } from './services/services.module.js';
import { SubscriptionsModule } from './subscriptions/subscriptions.module.js';
import { TokenSettlementInterceptor } from './tokens/token-settlement.interceptor.js';
import { TokenGuard } from './tokens/token.guard.js';
import { TokensModule } from './tokens/tokens.module.js';
import { AuthGuard } from './users/auth.guard.js';
import { UsersModule } from './users/users.module.js';

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
    TokensModule,
    ServicesModule,
    BillingModule,
    HealthModule,
    NotificationsModule,
  ],
  providers: [
    // Order matters: the caller is authenticated before the TokenGuard charges them.
    { provide: APP_GUARD, useExisting: AuthGuard },
    { provide: APP_GUARD, useExisting: TokenGuard },
    { provide: APP_INTERCEPTOR, useExisting: TokenSettlementInterceptor },
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
  ],
})
export class AppModule {}
