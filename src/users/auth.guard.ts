import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { AppError, ErrorCode } from '../common/app-error.js';
import { ADMIN_ONLY_METADATA, PUBLIC_METADATA } from '../common/auth.decorators.js';
import type { AuthenticatedRequest, Principal } from '../common/principal.js';
import { ApiKeysService } from './api-keys.service.js';
import { UserRole } from './user.entity.js';
import type { JwtClaims } from './users.service.js';

/** Resolves the caller from `Authorization: Bearer <jwt>` or `X-API-Key`; every route needs one unless @Public. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.resolve(request);
    if (principal) request.principal = principal;

    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets)) return true;
    if (!principal) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Missing, invalid or revoked credentials');
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY_METADATA, targets) && principal.role !== UserRole.Admin) {
      throw new AppError(ErrorCode.FORBIDDEN, 'This route is for admins');
    }
    return true;
  }

  private async resolve(request: AuthenticatedRequest): Promise<Principal | null> {
    const apiKey = request.headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey.length > 0) {
      const user = await this.apiKeys.authenticate(apiKey);
      return user ? { userId: user.id, role: user.role, via: 'api-key' } : null;
    }
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) return null;
    try {
      const claims = await this.jwt.verifyAsync<JwtClaims>(token);
      if (typeof claims.sub !== 'string' || !Object.values(UserRole).includes(claims.role)) return null;
      return { userId: claims.sub, role: claims.role, via: 'jwt' };
    } catch {
      return null;
    }
  }
}
