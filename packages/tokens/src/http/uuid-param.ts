import { Param, ParseUUIDPipe } from '@nestjs/common';
import { TokensError, TokensErrorCode } from '../tokens.errors.js';

/** A path parameter that must be a UUID; anything else is a 400 naming the parameter. */
export const UuidParam = (name: string): ParameterDecorator =>
  Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () =>
        new TokensError(TokensErrorCode.VALIDATION_FAILED, `${name} must be a UUID`, {
          details: [{ field: name, errors: [`${name} must be a UUID`] }],
        }),
    }),
  );
