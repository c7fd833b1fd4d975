import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ledgerUnavailableOr } from './ledger-unavailable.js';
import { clientRequestIdOf, serverRequestIdOf } from './request-id.js';
import { type HttpRequestLike, idempotencyClaimOf } from '../idempotency/idempotency-keys.js';
import { PAYER_OF_REQUEST, type RequestWithPayer, SPEND_LIMIT_OF_REQUEST } from './payer.decorator.js';
import { RequestBodyValidator } from './request-body-validator.js';
import { SKIP_TOKENS_METADATA, TOKEN_PRICE_METADATA, TokenPriceMetadata } from '../prices/token-price.decorator.js';
import { Charge, type IdempotencyClaim, Replay, TokenLedger } from '../ledger/token-ledger.js';
import { TokenPrices } from '../prices/token-prices.service.js';
import { type HostRequest, TOKENS_MODULE_OPTIONS, type TokensModuleOptions } from '../tokens-module-options.js';
import { TokensError, TokensErrorCode } from '../tokens.errors.js';

export type MeteredRequest = HttpRequestLike & RequestWithPayer & { id?: string | number; tokenCharge?: Charge | Replay };

/**
 * Charges the payer of a @TokenPrice route before its handler runs. Fails closed: a metered
 * request nobody pays for (no authenticated caller), with an unpriceable body, or whose charge
 * cannot be recorded never reaches the handler. It reads only what every HTTP platform has; a host
 * can change how it finds the payer or the request ids by extending it (TokensModule's `guard` option).
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
    const payerId = this.payerOf(request, context);
    request[PAYER_OF_REQUEST] = payerId;
    const limitId = this.options.spendLimitOf?.(request as unknown as HostRequest);
    if (limitId) request[SPEND_LIMIT_OF_REQUEST] = limitId;
    const targets = [context.getHandler(), context.getClass()];
    const pricing = this.reflector.getAllAndOverride<TokenPriceMetadata | undefined>(TOKEN_PRICE_METADATA, targets);
    if (!pricing || this.reflector.getAllAndOverride<boolean>(SKIP_TOKENS_METADATA, targets)) return true;

    if (!payerId) throw new TokensError(TokensErrorCode.UNAUTHENTICATED, 'This route is metered and needs an authenticated caller');
    const body = await this.bodyValidator.validate(context, request.body);
    // The key's hash is of the body as sent; the handler gets the validated DTO (validated once).
    const idempotency = this.options.idempotencyHeader === false ? undefined : idempotencyClaimOf(context, request);
    request.body = body;
    try {
      request.tokenCharge = await this.charge(pricing, payerId, body, request, idempotency);
    } catch (error) {
      throw ledgerUnavailableOr(error);
    }
    return true;
  }

  /**
   * Prices the request from the overrides this instance holds and charges it; the charge checks in
   * its transaction that the prices did not change since (else it is priced again from a fresh read,
   * once). A free request has no charge to check it, so it is priced from a fresh read at once.
   */
  private async charge(
    pricing: TokenPriceMetadata,
    payerId: string,
    body: unknown,
    request: MeteredRequest,
    idempotency: IdempotencyClaim | undefined,
  ): Promise<Charge | Replay | undefined> {
    const freshPrice = async () => this.priceOf(pricing, await this.prices.priceFor(pricing, payerId), body);
    const quote = await this.prices.quote(pricing, payerId);
    let tokens = this.priceOf(pricing, quote.unitPrice, body);
    let priceRevision: number | undefined = quote.revision;
    if (tokens === 0) [tokens, priceRevision] = [await freshPrice(), undefined];
    for (;;) {
      if (tokens === 0 && !idempotency) return undefined; // free: nothing to charge, nothing to record
      const charged = await this.ledger.charge({
        payerId: payerId,
        action: pricing.action,
        price: tokens,
        requestId: this.requestIdOf(request),
        clientRequestId: this.clientRequestIdOf(request),
        idempotency,
        priceRevision,
        ...(request[SPEND_LIMIT_OF_REQUEST] && { limitId: request[SPEND_LIMIT_OF_REQUEST] }),
      });
      if (charged.kind !== 'price_changed') return charged;
      [tokens, priceRevision] = [await freshPrice(), undefined];
    }
  }

  /** Who pays: the host's `payerOf` by default. */
  protected payerOf(request: MeteredRequest, _context: ExecutionContext): string | null | undefined {
    return this.options.payerOf(request as unknown as HostRequest);
  }

  /** The server's id of the request, kept on its ledger entries (Fastify's request id by default). */
  protected requestIdOf(request: MeteredRequest): string {
    return serverRequestIdOf(request);
  }

  /** The caller's own X-Request-Id, kept beside the server's. */
  protected clientRequestIdOf(request: MeteredRequest): string | null {
    return clientRequestIdOf(request);
  }

  private priceOf(pricing: TokenPriceMetadata, unitPrice: number, body: unknown): number {
    const units = pricing.units ? pricing.units(body) : 1;
    const tokens = unitPrice * units;
    if (!Number.isSafeInteger(tokens) || tokens < 0) {
      throw new TokensError(TokensErrorCode.VALIDATION_FAILED, `This request cannot be priced for action '${pricing.action}'`, {
        details: [{ field: 'body', errors: ['the request does not describe a billable amount of work'] }],
      });
    }
    return tokens;
  }
}
