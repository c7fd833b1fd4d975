import { ArgumentMetadata, PipeTransform, type Type, ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { AppError, ErrorCode } from './app-error.js';

export interface FieldError {
  field: string;
  errors: string[];
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, errors: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

function failed(details: FieldError[]): AppError {
  const message = `Validation failed: ${details.map((d) => d.field).join(', ')}`;
  return new AppError(ErrorCode.VALIDATION_FAILED, message, { details });
}

export function validationError(errors: ValidationError[]): AppError {
  return failed(flatten(errors));
}

/** Names every object inherits, plus the prototype keys. No request property of the API has one of them. */
const INHERITED_NAMES = new Set(['__proto__', 'prototype', ...Object.getOwnPropertyNames(Object.prototype)]);

/** Fields (dotted paths) of a parsed body or query whose key is an inherited name. */
function inheritedNameFields(value: unknown): string[] {
  const fields: string[] = [];
  const pending: [unknown, string][] = [[value, '']];
  while (pending.length > 0) {
    const [current, path] = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    for (const key of Object.keys(current)) {
      const field = path ? `${path}.${key}` : key;
      if (INHERITED_NAMES.has(key)) fields.push(field);
      else pending.push([(current as Record<string, unknown>)[key], field]);
    }
  }
  return fields;
}

/** Refuses a parsed body anywhere in which a key is an inherited name (see AppValidationPipe), like an unknown property. */
export function refuseInheritedNames(value: unknown): void {
  const fields = inheritedNameFields(value);
  if (fields.length > 0) throw failed(fields.map((field) => ({ field, errors: [`property ${field} should not exist`] })));
}

/**
 * Nest's pipe deletes `__proto__`, `prototype` and `constructor` keys before validating, and
 * class-transformer skips keys such as `hasOwnProperty`, both silently: the request would then be
 * served as if they had not been sent. They are unknown properties like any other, so they are
 * refused the same way.
 */
class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Parsed JSON is never a class instance: an instance of the DTO was made by this pipe (the metering
    // guard validates a metered body before its charge) and is not validated twice.
    if (metadata.metatype && value instanceof metadata.metatype) return value;
    if (metadata.metatype && this.toValidate(metadata)) refuseInheritedNames(value);
    return super.transform(value, metadata);
  }
}

/** The one validation configuration of the app: unknown properties rejected, types enforced. */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: false,
    exceptionFactory: validationError,
  });
}

/**
 * For a POST that takes no body (logout): none, or an empty JSON object. Anything else is refused like
 * an unknown property, so a request the route cannot have meant changes nothing.
 */
export class EmptyBodyPipe implements PipeTransform {
  transform(value: unknown): undefined {
    if (value === undefined) return undefined;
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw failed([{ field: 'body', errors: ['this route takes no body (send none, or {})'] }]);
    const fields = Object.keys(value);
    if (fields.length > 0) throw failed(fields.map((field) => ({ field, errors: [`property ${field} should not exist`] })));
    return undefined;
  }
}

/** Swagger for a route that takes no body (see EmptyBodyPipe). */
export const ApiEmptyBody = (): MethodDecorator =>
  ApiBody({ required: false, description: 'No body, or `{}`', schema: { type: 'object', additionalProperties: false, maxProperties: 0 } });

/**
 * For a body that is either a DTO or JSON `null` (a setting removed by sending null): null as it is,
 * anything else validated as the DTO like every body. A missing body is refused.
 */
export class NullOrBodyPipe<T> implements PipeTransform {
  private readonly validation = createValidationPipe();

  constructor(private readonly type: Type<T>) {}

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<T | null> {
    if (value === null) return null;
    if (value === undefined || typeof value !== 'object' || Array.isArray(value))
      throw failed([{ field: 'body', errors: ['the body must be an object, or null'] }]);
    return (await this.validation.transform(value, { ...metadata, metatype: this.type })) as T;
  }
}
