import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppError, ErrorCode } from '../common/app-error.js';
import { ADMIN_ONLY_METADATA, PUBLIC_METADATA } from '../common/auth.decorators.js';
import type { AuthenticatedRequest, Principal } from '../common/principal.js';
import { ApiKeysService } from './api-keys.service.js';
import { User, UserRole } from './user.entity.js';
import type { JwtClaims } from './users.service.js';

/** Resolves the caller from `Authorization: Bearer <jwt>` or `X-API-Key`; every route needs one unless @Public. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly apiKeys: ApiKeysService,
    @InjectRepository(User) private readonly users: Repository<User>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets);
    let principal: Principal | null;
    try {
      principal = await this.resolve(request);
    } catch (error) {
      // Credentials that cannot be checked (database down) leave a public route anonymous.
      if (!isPublic) throw error;
      principal = null;
    }
    if (principal) request.principal = principal;

    if (isPublic) return true;
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
    let claims: JwtClaims;
    try {
      claims = await this.jwt.verifyAsync<JwtClaims>(token);
    } catch {
      return null;
    }
    if (typeof claims.sub !== 'string') return null;
    // The token says who signed in; the database says whether that user still exists and what they may do,
    // so a deleted user's token stops working and a role change applies at once, as for API keys.
    const user = await this.users.findOneBy({ id: claims.sub });
    return user ? { userId: user.id, role: user.role, via: 'jwt' } : null;
  }
}
