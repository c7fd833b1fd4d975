import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config.js';
import { LoginAttempts } from './login-attempts.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { throttlerOptions } from './throttlers.js';

/**
 * Rate limits: sign-ups per client address and checkouts per user through @RateLimit on their routes
 * (@nestjs/throttler), failed logins per account and per address through LoginAttempts. Counters live
 * in memory, or in Redis with REDIS_URL so every instance sees the same counts.
 */
@Module({
  imports: [ThrottlerModule.forRootAsync({ inject: [AppConfig], useFactory: throttlerOptions })],
  providers: [LoginAttempts, RateLimitGuard],
  exports: [LoginAttempts, RateLimitGuard],
})
export class RateLimitsModule {}
