import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { TokensError, TokensErrorCode } from './tokens.errors.js';
import { clientRequestIdOf } from '../common/request-id.js';
import { PAYER_OF_REQUEST, type RequestWithPayer } from './payer.decorator.js';
import { RequestBodyValidator } from './request-body-validator.js';
import { SKIP_TOKENS_METADATA, TOKEN_COST_METADATA, TokenCostMetadata } from './token-cost.decorator.js';
import { idempotencyClaimOf } from './idempotency-keys.js';
import { Charge, Replay, TokenLedger } from './token-ledger.js';
import { TokenPrices } from './token-prices.service.js';
import { type HostRequest, TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from './tokens-module-options.js';

export type MeteredRequest = FastifyRequest & RequestWithPayer & { tokenCharge?: Charge | Replay };

/**
 * Charges the payer of a @TokenCost route before its handler runs. Fails closed: a metered
 * request nobody pays for (no authenticated caller), with an unpriceable body, or whose charge cannot
 * be recorded never reaches the handler.
 */
@Injectable()
export class TokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly ledger: TokenLedger,
    private readonly bodyValidator: RequestBodyValidator,
    private readonly prices: TokenPrices,
    @Inject(TOKENS_MODULE_OPTIONS) private readonly options: TokensModuleOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<MeteredRequest>();
    const payerId = this.options.payerOf(request as unknown as HostRequest);
    request[PAYER_OF_REQUEST] = payerId;
    const targets = [context.getHandler(), context.getClass()];
    const cost = this.reflector.getAllAndOverride<TokenCostMetadata | undefined>(TOKEN_COST_METADATA, targets);
    if (!cost || this.reflector.getAllAndOverride<boolean>(SKIP_TOKENS_METADATA, targets)) return true;

    if (!payerId) {
      throw new TokensError(TokensErrorCode.UNAUTHENTICATED, 'This route is metered and needs an authenticated caller');
    }
    await this.bodyValidator.validate(context, request.body);
    const tokens = this.priceOf(cost, await this.prices.priceFor(cost, payerId), request);
    const idempotency = idempotencyClaimOf(request);
    if (tokens === 0 && !idempotency) return true; // free: nothing to charge, nothing to record

    request.tokenCharge = await this.ledger.charge({
      userId: payerId,
      action: cost.action,
      cost: tokens,
      requestId: String(request.id),
      clientRequestId: clientRequestIdOf(request),
      idempotency,
    });
    return true;
  }

  private priceOf(cost: TokenCostMetadata, unitPrice: number, request: MeteredRequest): number {
    const units = cost.units ? cost.units(request) : 1;
    const tokens = unitPrice * units;
    if (!Number.isSafeInteger(tokens) || tokens < 0) {
      throw new TokensError(TokensErrorCode.VALIDATION_FAILED, `This request cannot be priced for action '${cost.action}'`, {
        details: [{ field: 'body', errors: ['the request does not describe a billable amount of work'] }],
      });
    }
    return tokens;
  }
}
