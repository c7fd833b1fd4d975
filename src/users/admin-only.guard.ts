import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/app-error.js';
import type { AuthenticatedRequest } from '../common/principal.js';

/** Lets admins through: the guard of the tokens module's admin routes (the global AuthGuard has authenticated the caller before). */
@Injectable()
export class AdminOnlyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.switchToHttp().getRequest<AuthenticatedRequest>().principal?.role === 'admin') return true;
    throw new AppError(ErrorCode.FORBIDDEN, 'This route is for admins');
  }
}
