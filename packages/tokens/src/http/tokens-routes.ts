import { applyDecorators, Inject, Injectable, type PipeTransform, type ArgumentMetadata, UseInterceptors, UsePipes } from '@nestjs/common';
import { TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from '../tokens-module-options.js';
import { LedgerUnavailableInterceptor } from './ledger-unavailable.js';
import { defaultBodyPipe } from './request-body-validator.js';

/** The module's validation (the host's `bodyPipe`, else the module's own), for the module's own routes. */
@Injectable()
export class TokensValidationPipe implements PipeTransform {
  private readonly pipe: PipeTransform;

  constructor(@Inject(TOKENS_MODULE_OPTIONS) options: TokensModuleOptions) {
    this.pipe = (options.bodyPipe ?? defaultBodyPipe)();
  }

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    return this.pipe.transform(value, metadata);
  }
}

/**
 * For the module's controllers, so they answer alike in any host, with or without a global pipe or
 * an exception filter: queries and bodies validated and transformed, a database that cannot be
 * reached answered 503 LEDGER_UNAVAILABLE.
 */
export const TokensRoutes = (): ClassDecorator =>
  applyDecorators(UsePipes(TokensValidationPipe), UseInterceptors(LedgerUnavailableInterceptor));
