import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { ErrorBodyDto } from '../common/error-body.dto.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RATE_LIMITS, type RateLimitName } from './throttlers.js';

/** The route counts against the named limit (and no other); over it, 429 TOO_MANY_REQUESTS with Retry-After. */
export const RateLimit = (name: RateLimitName, description: string): MethodDecorator =>
  applyDecorators(
    SkipThrottle(Object.fromEntries(RATE_LIMITS.filter((other) => other !== name).map((other) => [other, true]))),
    UseGuards(RateLimitGuard),
    ApiTooManyRequestsResponse({
      description: `TOO_MANY_REQUESTS: ${description}; \`Retry-After\` says when to try again. (503 RATE_LIMITS_UNAVAILABLE while the rate limits' Redis does not answer.)`,
      type: ErrorBodyDto,
    }),
  );
