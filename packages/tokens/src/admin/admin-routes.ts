import { applyDecorators, type CanActivate, type ExecutionContext, Inject, Injectable, UseGuards } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { errorResponse } from '../http/error-body.dto.js';

/** The guard the host gives for the admin routes (`adminRoutes.guard`): the module has no idea of who is an admin. */
export const TOKENS_ADMIN_GUARD = Symbol('TOKENS_ADMIN_GUARD');

/** Lets a request reach an admin route only when the host's admin guard does. */
@Injectable()
export class AdminRoutesGuard implements CanActivate {
  constructor(@Inject(TOKENS_ADMIN_GUARD) private readonly hostGuard: CanActivate) {}

  canActivate(context: ExecutionContext): ReturnType<CanActivate['canActivate']> {
    return this.hostGuard.canActivate(context);
  }
}

/** An admin controller: behind the host's admin guard, tagged `admin` in the OpenAPI document. */
export const AdminRoutes = (): ClassDecorator =>
  applyDecorators(
    ApiTags('admin'),
    ApiResponse(errorResponse(403, "FORBIDDEN: the host's admin guard refused the caller", ['FORBIDDEN', 'This route is for admins'])),
    UseGuards(AdminRoutesGuard),
  );
