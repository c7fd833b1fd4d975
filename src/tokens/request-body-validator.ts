import { ExecutionContext, Injectable, PipeTransform, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { createValidationPipe } from '../common/validation.js';

/**
 * Validates a metered request's @Body() before the charge, with the app's validation rules.
 * Guards run before pipes, so without this a malformed body would be charged and then refunded;
 * invalid input must leave the ledger untouched.
 */
@Injectable()
export class RequestBodyValidator {
  private readonly pipe: PipeTransform = createValidationPipe();
  private readonly bodyTypes = new WeakMap<object, Type | null>();

  async validate(context: ExecutionContext, body: unknown): Promise<void> {
    const metatype = this.bodyTypeOf(context);
    if (metatype) await this.pipe.transform(body, { type: 'body', metatype, data: undefined });
  }

  private bodyTypeOf(context: ExecutionContext): Type | null {
    const handler = context.getHandler();
    if (!this.bodyTypes.has(handler)) {
      const controller = context.getClass();
      const args: Record<string, { index: number; data?: unknown }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ?? {};
      const paramTypes: Type[] = Reflect.getMetadata('design:paramtypes', controller.prototype, handler.name) ?? [];
      const bodyArg = Object.entries(args).find(([key, arg]) => Number(key.split(':')[0]) === RouteParamtypes.BODY && arg.data === undefined);
      this.bodyTypes.set(handler, bodyArg ? (paramTypes[bodyArg[1].index] ?? null) : null);
    }
    return this.bodyTypes.get(handler) ?? null;
  }
}
