import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorBodyDto } from './error-body.dto.js';

/** Swagger metadata of a route that needs a caller: a bearer JWT or an X-API-Key. */
export const ApiAuth = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiBearerAuth(),
    ApiSecurity('api-key'),
    ApiUnauthorizedResponse({ description: 'UNAUTHENTICATED: missing, invalid or revoked credentials', type: ErrorBodyDto }),
  ) as MethodDecorator & ClassDecorator;
