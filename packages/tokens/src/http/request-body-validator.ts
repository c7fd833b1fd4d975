import { ExecutionContext, Inject, Injectable, PipeTransform, Type, ValidationError, ValidationPipe } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from '../tokens-module-options.js';
import { TokensError, TokensErrorCode } from '../tokens.errors.js';

function fieldErrors(errors: ValidationError[], parent = ''): { field: string; errors: string[] }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, errors: Object.values(error.constraints) }] : [];
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/** Without a host pipe: unknown properties refused, types enforced, a 400 naming every bad field. */
export function defaultBodyPipe(): PipeTransform {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => {
      const details = fieldErrors(errors);
      return new TokensError(TokensErrorCode.VALIDATION_FAILED, `Validation failed: ${details.map((d) => d.field).join(', ')}`, {
        details,
      });
    },
  });
}

/**
 * Validates and transforms a metered request's @Body() before the charge, with the host's validation
 * pipe (`bodyPipe`). Guards run before pipes, so without this a malformed body would be charged and then
 * refunded; invalid input must leave the ledger untouched. The guard puts the DTO on the request,
 * and the host's pipe should pass an instance of the DTO through as it is, so the body is validated once.
 */
@Injectable()
export class RequestBodyValidator {
  private readonly pipe: PipeTransform;
  private readonly bodyTypes = new WeakMap<object, Type | null>();

  constructor(@Inject(TOKENS_MODULE_OPTIONS) options: TokensModuleOptions) {
    this.pipe = (options.bodyPipe ?? defaultBodyPipe)();
  }

  /** The body as the handler will get it (the @Body() DTO), or `body` itself for a route without one. */
  async validate(context: ExecutionContext, body: unknown): Promise<unknown> {
    const metatype = this.bodyTypeOf(context);
    return metatype ? this.pipe.transform(body, { type: 'body', metatype, data: undefined }) : body;
  }

  private bodyTypeOf(context: ExecutionContext): Type | null {
    const handler = context.getHandler();
    if (!this.bodyTypes.has(handler)) {
      const controller = context.getClass();
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ?? {}) as Record<
        string,
        { index: number; data?: unknown }
      >;
      const paramTypes = (Reflect.getMetadata('design:paramtypes', controller.prototype as object, handler.name) ?? []) as Type[];
      const bodyArg = Object.entries(args).find(
        ([key, arg]) => Number(key.split(':')[0]) === Number(RouteParamtypes.BODY) && arg.data === undefined,
      );
      this.bodyTypes.set(handler, bodyArg ? (paramTypes[bodyArg[1].index] ?? null) : null);
    }
    return this.bodyTypes.get(handler) ?? null;
  }
}
