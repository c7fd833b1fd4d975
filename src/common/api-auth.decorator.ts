import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AdminOnly, SessionOnly } from './auth.decorators.js';
import { ErrorBodyDto } from './error-body.dto.js';

/** Swagger metadata of a route that needs a caller: a bearer JWT, or an API key (X-API-Key, or as the bearer token). */
export const ApiAuth = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiBearerAuth(),
    ApiSecurity('api-key'),
    ApiUnauthorizedResponse({ description: 'UNAUTHENTICATED: missing, invalid or revoked credentials', type: ErrorBodyDto }),
  );

/** A route for a signed-in session only (bearer access token); API keys get 403. */
export const ApiSessionAuth = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'UNAUTHENTICATED: missing, invalid, revoked or ended credentials', type: ErrorBodyDto }),
    ApiForbiddenResponse({ description: 'FORBIDDEN: an API key cannot use this route; it needs an access token', type: ErrorBodyDto }),
    SessionOnly(),
  );

/** An admin-only controller or route, with its Swagger metadata: others get 403, anonymous callers 401. */
export const AdminApi = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiTags('admin'),
    ApiAuth(),
    ApiForbiddenResponse({ description: 'FORBIDDEN: the caller is not an admin', type: ErrorBodyDto }),
    AdminOnly(),
  );
