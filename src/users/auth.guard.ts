import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppError, ErrorCode } from '../common/app-error.js';
import { Batcher } from '@token-metering/database';
import { unreachableForWaiting } from '@token-metering/database';
import { ADMIN_ONLY_METADATA, PUBLIC_METADATA, SESSION_ONLY_METADATA } from '../common/auth.decorators.js';
import type { AuthenticatedRequest, Principal } from '../common/principal.js';
import { API_KEY_PREFIX, ApiKeysService } from './api-keys.service.js';
import type { JwtClaims } from './sessions.service.js';
import { User } from './user.entity.js';

/**
 * Resolves the caller from `Authorization: Bearer <access token>`, `X-API-Key: <key>` or `Authorization: Bearer <key>`
 * (what OpenAI-style SDKs send); every route needs one unless @Public.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  /**
   * The signed-in user behind each session, read for many concurrent requests at once: a read
   * starts after every request in it arrived, so a session ended before a request came is seen
   * as ended by that request.
   */
  private readonly sessionReads = new Batcher<JwtClaims, Pick<User, 'id' | 'role'> | undefined>((claims) => this.usersOf(claims), {
    maxBatchSize: 256,
    maxConcurrentBatches: 1,
    failWaitingWith: unreachableForWaiting,
  });

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
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY_METADATA, targets) && principal.role !== 'admin') {
      throw new AppError(ErrorCode.FORBIDDEN, 'This route is for admins');
    }
    if (principal.via === 'api-key' && this.reflector.getAllAndOverride<boolean>(SESSION_ONLY_METADATA, targets)) {
      throw new AppError(
        ErrorCode.FORBIDDEN,
        'This route needs an access token (sign in); an API key cannot manage keys, sessions or the password',
      );
    }
    return true;
  }

  private async resolve(request: AuthenticatedRequest): Promise<Principal | null> {
    const header = request.headers['x-api-key'];
    const [scheme, bearer] = (request.headers.authorization ?? '').split(' ');
    const token = scheme?.toLowerCase() === 'bearer' && bearer ? bearer : null;
    const apiKey = typeof header === 'string' && header.length > 0 ? header : token?.startsWith(API_KEY_PREFIX) ? token : null;
    if (apiKey) {
      const found = await this.apiKeys.authenticate(apiKey);
      if (!found) return null;
      const { user, keyId, limited } = found;
      return { userId: user.id, role: user.role, via: 'api-key', keyId, limited };
    }
    if (!token) return null;
    let claims: JwtClaims;
    try {
      // Synchronous: the key is in memory (no key provider), so the promise of verifyAsync buys nothing.
      claims = this.jwt.verify<JwtClaims>(token);
    } catch {
      return null;
    }
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string') return null;
    const user = await this.sessionReads.submit(claims);
    return user ? { userId: user.id, role: user.role, via: 'jwt', sessionId: claims.sid } : null;
  }

  /**
   * The token says who signed in; the database says whether that user still exists, what they may do and
   * whether the session was ended (logout, password change): one read, joined. Plain SQL: this runs for
   * every request, and the query builder's per-call work costs more CPU than the read itself.
   */
  private async usersOf(claims: JwtClaims[]): Promise<Array<Pick<User, 'id' | 'role'> | undefined>> {
    const rows = await this.users.query<Array<Pick<User, 'id' | 'role'> & { session_id: string }>>(
      `SELECT u.id, u.role, s.id AS session_id FROM sessions s INNER JOIN users u ON u.id = s.user_id
        WHERE s.id IN (${claims.map(() => '?').join(', ')}) AND s.ended_at IS NULL`,
      claims.map((c) => c.sid),
    );
    const bySession = new Map(rows.map((row) => [row.session_id, row]));
    return claims.map(({ sub, sid }) => {
      const row = bySession.get(sid);
      return row && row.id === sub ? { id: row.id, role: row.role } : undefined;
    });
  }
}
