import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError, ErrorCode } from '../common/app-error.js';
import type { AuthenticatedRequest } from '../common/principal.js';
import { AppConfig } from '../config/app-config.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/**
 * Who may read GET /metrics: with METRICS_TOKEN set, only `Authorization: Bearer <METRICS_TOKEN>`;
 * without it, an admin (the principal the global AuthGuard resolved on this public route).
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = this.config.get('METRICS_TOKEN');
    const allowed = token ? presentsToken(request.headers.authorization, token) : request.principal?.role === 'admin';
    if (!allowed)
      throw new AppError(ErrorCode.UNAUTHENTICATED, token ? 'GET /metrics needs the metrics bearer token' : 'GET /metrics needs an admin');
    return true;
  }
}

/** Compares digests, so the time taken tells nothing about the token, not even its length. */
function presentsToken(authorization: string | undefined, token: string): boolean {
  const [scheme, presented] = (authorization ?? '').split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !presented) return false;
  return timingSafeEqual(sha256(presented), sha256(token));
}
