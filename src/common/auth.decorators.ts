import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { AuthenticatedRequest, Principal } from './principal.js';

export const PUBLIC_METADATA = 'auth:public';
export const ADMIN_ONLY_METADATA = 'auth:admin';
export const SESSION_ONLY_METADATA = 'auth:session';

/** Route answers without credentials. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_METADATA, true);

/** Route (or controller) for admins only: others get 403. */
export const AdminOnly = (): MethodDecorator & ClassDecorator => SetMetadata(ADMIN_ONLY_METADATA, true);

/** Route (or controller) that needs a session (an access token): an API key gets 403, so a leaked key cannot mint or revoke keys. */
export const SessionOnly = (): MethodDecorator & ClassDecorator => SetMetadata(SESSION_ONLY_METADATA, true);

/** The authenticated caller. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});
