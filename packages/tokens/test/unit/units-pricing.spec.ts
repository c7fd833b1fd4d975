/**
 * What a metered request costs, decided by the TokenGuard without Nest's container: the route's
 * price per unit times the units its body uses, charged to the payer on the package's in-memory
 * ledger; a body that does not describe a billable amount is refused before anything is written.
 */
import { Controller, Post } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { type MeteredRequest, SkipTokens, TokenGuard, TokenPrice, TokensError } from '../../src/index.js';
import { RequestBodyValidator } from '../../src/http/request-body-validator.js';
import type { TokenPrices } from '../../src/prices/token-prices.service.js';
import { InMemoryTokenLedger } from '../../src/testing/index.js';
import type { TokensModuleOptions } from '../../src/tokens-module-options.js';

@TokenPrice('lead_search', { price: 20, units: (body: { count: number }) => Math.ceil(body.count / 100) })
@Controller('leads')
class LeadsController {
  @Post('search')
  search(): void {}

  @Post('preview')
  @SkipTokens()
  preview(): void {}
}

@Controller('open')
class OpenController {
  @Post()
  open(): void {}
}

/** Prices at their @TokenPrice defaults (overrides are the module tests' business). */
const defaultPrices = {
  priceFor: async (cost: { price: number }) => cost.price,
  quote: async (cost: { price: number }) => ({ unitPrice: cost.price, revision: 0 }),
} as unknown as TokenPrices;

describe('pricing a request by its units', () => {
  const ledger = new InMemoryTokenLedger(() => 1000);
  const options: TokensModuleOptions = { payerOf: (request) => request.headers['x-payer'] as string | undefined };
  const guard = new TokenGuard(new Reflector(), ledger, new RequestBodyValidator(options), defaultPrices, options);

  /** Runs the guard on a request of `payer` to the route `handler` of `controller`; the request as the handler would get it. */
  const guarded = async (controller: new () => object, handler: string, body: unknown, payer?: string) => {
    const request = { method: 'POST', headers: payer ? { 'x-payer': payer } : {}, body } as unknown as MeteredRequest;
    const method = (controller.prototype as Record<string, () => void>)[handler];
    await guard.canActivate(new ExecutionContextHost([request, {}], controller, method));
    return request;
  };
  const entriesOf = (payer: string) => ledger.entries.filter((e) => e.payerId === payer).map((e) => [e.type, e.amount]);

  it('charges the price per unit times the units the body uses', async () => {
    const request = await guarded(LeadsController, 'search', { count: 250 }, 'acme');
    expect(request.tokenCharge).toMatchObject({ kind: 'charged', price: 60, balanceAfter: 940 });
    expect(entriesOf('acme')).toEqual([
      ['initial_grant', 1000],
      ['usage', -60],
    ]);
  });

  it('a request of no units is free: nothing charged, nothing written', async () => {
    const request = await guarded(LeadsController, 'search', { count: 0 }, 'globex');
    expect(request.tokenCharge).toBeUndefined();
    expect(entriesOf('globex')).toEqual([]);
  });

  it('units that are not a whole number of at least 0 are a 400, before anything is written', async () => {
    for (const count of [-100, Number.NaN, 'many'] as unknown[]) {
      const refused = await guarded(LeadsController, 'search', { count }, 'initech').catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(TokensError);
      expect((refused as TokensError).getResponse()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    }
    expect(entriesOf('initech')).toEqual([]);
  });

  it('a route without a price, or with @SkipTokens in a priced controller, is not charged; a priced one nobody pays for is a 401', async () => {
    expect((await guarded(OpenController, 'open', {}, 'hooli')).tokenCharge).toBeUndefined();
    expect((await guarded(LeadsController, 'preview', { count: 500 }, 'hooli')).tokenCharge).toBeUndefined();
    expect(entriesOf('hooli')).toEqual([]);
    await expect(guarded(LeadsController, 'search', { count: 100 })).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });
});
