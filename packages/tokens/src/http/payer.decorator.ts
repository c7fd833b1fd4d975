import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { TokensError, TokensErrorCode } from '../tokens.errors.js';

/** Where TokenGuard leaves the payer the host's `payerOf` named for the request. */
export const PAYER_OF_REQUEST = Symbol('tokens:payer');

/** Where TokenGuard leaves the spend limit the host's `spendLimitOf` named for the request. */
export const SPEND_LIMIT_OF_REQUEST = Symbol('tokens:spend-limit');

export type RequestWithPayer = { [PAYER_OF_REQUEST]?: string | null; [SPEND_LIMIT_OF_REQUEST]?: string };

/** The id of the account that pays for this request (as the host's `payerOf` says); 401 when nobody does. */
export const Payer = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const payerId = context.switchToHttp().getRequest<RequestWithPayer>()[PAYER_OF_REQUEST];
  if (!payerId) throw new TokensError(TokensErrorCode.UNAUTHENTICATED, 'This route needs an authenticated caller');
  return payerId;
});
