/**
 * The metering guard and interceptor below the module: a tiny app with a probe controller, the
 * package's in-memory ledger, no database, on Express and on Fastify, with nothing of a host's own
 * (no exception filter, no global pipe). What the guard decides (who pays, what a request costs,
 * when it is refused) and what the interceptor settles (headers, refunds, replays).
 */
import { Body, Controller, Get, type INestApplication, Post } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { IsInt, IsString, Max, Min, ValidateBy } from 'class-validator';
import { TokenGuard, TokenPrice } from '../../src/index.js';
import { InMemoryTokenLedger } from '../../src/testing/index.js';
import { TokenLedger } from '../../src/ledger/token-ledger.js';
import { RequestBodyValidator } from '../../src/http/request-body-validator.js';
import { TokenPrices } from '../../src/prices/token-prices.service.js';
import { TokenChargeInterceptor } from '../../src/http/token-charge.interceptor.js';
import { TOKENS_MODULE_OPTIONS } from '../../src/tokens-module-options.js';
import { ADAPTERS, type Adapter, listen } from '../support/host-app.js';
import type { HttpClient } from '../support/http-client.js';

let validations = 0;

class ItemsDto {
  @IsString()
  @ValidateBy({ name: 'counted', validator: { validate: () => (validations++, true) } })
  label: string;

  @IsInt()
  @Min(0)
  @Max(1000)
  items: number;
}

let handlerRuns = 0;
const bodiesSeen: unknown[] = [];

@Controller('probe')
class ProbeController {
  @Post('fixed')
  @TokenPrice('probe_fixed', 3)
  fixed(@Body() body: ItemsDto) {
    handlerRuns++;
    bodiesSeen.push(body);
    return { ok: true };
  }

  @Post('per-item')
  @TokenPrice('probe_per_item', { price: 2, units: (body: ItemsDto) => body.items })
  perItem(@Body() body: ItemsDto) {
    handlerRuns++;
    return { items: body.items };
  }

  @Post('failing')
  @TokenPrice('probe_failing', 5)
  failing(@Body() _body: ItemsDto) {
    handlerRuns++;
    throw new Error('the work failed');
  }

  @Get('free')
  free() {
    return { free: true };
  }
}

/** Prices at their @TokenPrice defaults: overrides are read from the database, which test/module/token-prices.spec.ts covers. */
const defaultPrices = {
  priceFor: async (cost: { price: number }) => cost.price,
  quote: async (cost: { price: number }) => ({ unitPrice: cost.price, revision: 0 }),
};

describe.each(ADAPTERS)('TokenGuard and TokenChargeInterceptor on %s (in-memory ledger)', (adapter: Adapter) => {
  let app: INestApplication;
  let http: HttpClient;
  let ledger: InMemoryTokenLedger;
  const as = (payer: string, headers: Record<string, string> = {}) => ({ headers: { 'x-payer': payer, ...headers } });

  /** The probe app on an in-memory ledger, with these module options. */
  async function startProbeApp(options: object): Promise<{ app: INestApplication; http: HttpClient; ledger: InMemoryTokenLedger }> {
    const ledger = new InMemoryTokenLedger((payerId) => (payerId.startsWith('ghost') ? null : 100));
    const moduleRef = await Test.createTestingModule({
      controllers: [ProbeController],
      providers: [
        {
          provide: TOKENS_MODULE_OPTIONS,
          useValue: { payerOf: (request: { headers: Record<string, unknown> }) => request.headers['x-payer'], ...options },
        },
        { provide: TokenLedger, useValue: ledger },
        { provide: TokenPrices, useValue: defaultPrices },
        RequestBodyValidator,
        TokenGuard,
        TokenChargeInterceptor,
        { provide: APP_GUARD, useExisting: TokenGuard },
        { provide: APP_INTERCEPTOR, useExisting: TokenChargeInterceptor },
      ],
    }).compile();
    return { ledger, ...(await listen(moduleRef, adapter)) };
  }

  beforeAll(async () => {
    ({ app, http, ledger } = await startProbeApp({}));
  });
  afterAll(() => app.close());

  it('charges the payer before the handler and reports the charge in headers', async () => {
    const runs = handlerRuns;
    const response = await http.post('/probe/fixed', { label: 'a', items: 1 }, as('alice'));
    expect([response.status, response.headers.get('x-tokens-charged'), response.headers.get('x-tokens-remaining')]).toEqual([
      201,
      '3',
      '97',
    ]);
    expect(handlerRuns).toBe(runs + 1);
    expect(ledger.balanceOf('alice')).toBe(97);
  });

  it('the body is validated once, the handler gets that DTO, and units are counted from it', async () => {
    const before = validations;
    await http.post('/probe/fixed', { label: 'dto', items: 2 }, as('bob'));
    expect(validations).toBe(before + 1);
    expect(bodiesSeen.at(-1)).toBeInstanceOf(ItemsDto);
    const response = await http.post('/probe/per-item', { label: 'b', items: 7 }, as('bob'));
    expect([response.status, response.headers.get('x-tokens-charged')]).toEqual([201, '14']);
  });

  it('refuses before the handler runs, charging nothing: nobody pays (401), a bad body (400), a short balance (402), no account to seed (402)', async () => {
    const runs = handlerRuns;
    const entries = ledger.entries.length;
    const anonymous = await http.post('/probe/fixed', { label: 'x', items: 1 });
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    const bad = await http.post('/probe/fixed', { label: 'x', items: -1 }, as('carol'));
    expect([bad.status, bad.body.code, bad.body.details[0].field]).toEqual([400, 'VALIDATION_FAILED', 'items']);
    const short = await http.post('/probe/per-item', { label: 'x', items: 51 }, as('carol'));
    expect([short.status, short.body.code, short.body.balance, short.body.required]).toEqual([402, 'INSUFFICIENT_TOKENS', 100, 102]);
    const ghost = await http.post('/probe/fixed', { label: 'x', items: 1 }, as('ghost-1'));
    expect([ghost.status, ghost.body.code]).toEqual([402, 'NO_OPENING_TERMS']);
    expect(handlerRuns).toBe(runs);
    // carol's account was seeded by her first priced request (the 402); nothing else was written.
    expect(ledger.entries.slice(entries).map((e) => [e.payerId, e.type])).toEqual([['carol', 'initial_grant']]);
  });

  it('a failing handler is refunded exactly what it was charged', async () => {
    const response = await http.post('/probe/failing', { label: 'f', items: 1 }, as('dave'));
    expect(response.status).toBe(500);
    expect(ledger.balanceOf('dave')).toBe(100);
    expect(ledger.entries.filter((e) => e.payerId === 'dave').map((e) => [e.type, e.amount])).toEqual([
      ['initial_grant', 100],
      ['usage', -5],
      ['refund', 5],
    ]);
  });

  it('an Idempotency-Key replays the first answer without charging again; another body with it is 409', async () => {
    const key = { 'idempotency-key': 'order-1' };
    const first = await http.post('/probe/per-item', { label: 'i', items: 3 }, as('erin', key));
    const again = await http.post('/probe/per-item', { label: 'i', items: 3 }, as('erin', key));
    expect([again.status, again.body, again.headers.get('idempotent-replayed'), again.headers.get('x-tokens-charged')]).toEqual([
      201,
      first.body,
      'true',
      '6',
    ]);
    expect(ledger.balanceOf('erin')).toBe(94);
    const reused = await http.post('/probe/per-item', { label: 'i', items: 4 }, as('erin', key));
    expect([reused.status, reused.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    const malformed = await http.post('/probe/per-item', { label: 'i', items: 3 }, as('erin', { 'idempotency-key': ' ' }));
    expect([malformed.status, malformed.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('with idempotencyHeader: false, the header is ignored: a repeat is a new request, charged again', async () => {
    const plain = await startProbeApp({ idempotencyHeader: false });
    try {
      const key = { 'idempotency-key': 'order-2' };
      for (let i = 0; i < 2; i++)
        expect(
          (await plain.http.post('/probe/fixed', { label: 'p', items: 1 }, as('gina', key))).headers.get('idempotent-replayed'),
        ).toBeNull();
      expect(plain.ledger.balanceOf('gina')).toBe(94);
    } finally {
      await plain.app.close();
    }
  });

  it('spendLimitOf names the limit a charge counts against: past it, 402 SPEND_LIMIT_REACHED and the handler does not run', async () => {
    const limited = await startProbeApp({ spendLimitOf: (request: { headers: Record<string, unknown> }) => request.headers['x-limit'] });
    try {
      limited.ledger.setSpendLimit('key-1', 5);
      const runs = handlerRuns;
      expect((await limited.http.post('/probe/fixed', { label: 'l', items: 1 }, as('hana', { 'x-limit': 'key-1' }))).status).toBe(201);
      const refused = await limited.http.post('/probe/fixed', { label: 'l', items: 1 }, as('hana', { 'x-limit': 'key-1' }));
      expect([refused.status, refused.body]).toMatchObject([402, { code: 'SPEND_LIMIT_REACHED', limit: 5, spent: 3, required: 3 }]);
      expect(handlerRuns).toBe(runs + 1);
      // Without the limit's name the payer is charged as ever.
      expect((await limited.http.post('/probe/fixed', { label: 'l', items: 1 }, as('hana'))).status).toBe(201);
      expect([limited.ledger.balanceOf('hana'), limited.ledger.spentThrough('key-1')]).toEqual([94, 3]);
    } finally {
      await limited.app.close();
    }
  });

  it('an unmetered route is left alone', async () => {
    const entries = ledger.entries.length;
    const response = await http.get('/probe/free', as('frank'));
    expect([response.status, response.headers.get('x-tokens-charged')]).toEqual([200, null]);
    expect(ledger.entries.length).toBe(entries);
  });
});
