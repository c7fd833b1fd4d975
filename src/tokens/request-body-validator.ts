import { ExecutionContext, Injectable, PipeTransform, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { createValidationPipe } from '../common/validation.js';

/**
 * Validates and transforms a metered request's @Body() before the charge, with the app's validation
 * rules. Guards run before pipes, so without this a malformed body would be charged and then
 * refunded; invalid input must leave the ledger untouched. The guard puts the DTO on the request,
 * and the app's pipe passes an instance of the DTO through as it is: the body is validated once.
 */
@Injectable()
export class RequestBodyValidator {
  private readonly pipe: PipeTransform = createValidationPipe();
  private readonly bodyTypes = new WeakMap<object, Type | null>();

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
