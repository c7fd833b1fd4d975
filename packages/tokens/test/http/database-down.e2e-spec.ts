/**
 * A host app without an exception filter of its own, whose database goes away: every route of the
 * module (metered, payer and admin) answers 503 LEDGER_UNAVAILABLE with the contract's body, never
 * Nest's bare 500, and a metered handler never runs.
 */
import { Body, type CanActivate, Controller, Injectable, Post } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { TokenPrice } from '../../src/index.js';
import { ADAPTERS, type HostApp, startHostApp } from '../support/host-app.js';
import { TEST_DB } from '../support/test-database.js';

class CopiesDto {
  @IsInt()
  @Min(1)
  @Max(100)
  copies: number;
}

let handlerRuns = 0;

@Controller('copies')
class CopiesController {
  @Post()
  @TokenPrice('copy', { price: 1, units: (body: CopiesDto) => body.copies })
  copy(@Body() body: CopiesDto): { copied: number } {
    handlerRuns++;
    return { copied: body.copies };
  }
}

@Injectable()
class EveryoneIsAdmin implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

const UNAVAILABLE = { statusCode: 503, code: 'LEDGER_UNAVAILABLE', message: expect.any(String) };

describe.each(ADAPTERS)(`a host app on %s whose database is gone (${TEST_DB})`, (adapter) => {
  let host: HostApp;
  const as = (payer: string) => ({ headers: { 'x-payer': payer } });

  beforeAll(async () => {
    host = await startHostApp(adapter, { controllers: [CopiesController], tokens: { adminRoutes: { guard: EveryoneIsAdmin } } });
    // The prices and the account are read once while the database is there.
    expect((await host.http.post('/copies', { copies: 2 }, as('alice'))).status).toBe(201);
    await host.dataSource.destroy();
  });
  afterAll(async () => {
    if (!host) return;
    await host.dataSource.initialize();
    await host.close();
  });

  it.each([
    ['a metered route, known payer', 'post', '/copies', 'alice'],
    ['a metered route, new payer', 'post', '/copies', 'bob'],
    ['the balance', 'get', '/tokens/balance', 'alice'],
    ['the transactions', 'get', '/tokens/transactions', 'alice'],
    ['the price list', 'get', '/tokens/costs', 'alice'],
    ['the integrity report', 'get', '/admin/tokens/integrity', 'alice'],
    ['the price overrides', 'get', '/admin/costs', 'alice'],
    ['an admin grant', 'post', `/admin/users/${randomUUID()}/tokens/grant`, 'alice'],
  ] as const)('%s: 503 LEDGER_UNAVAILABLE with the contract body', async (_what, method, path, payer) => {
    const runs = handlerRuns;
    const body = path === '/copies' ? { copies: 1 } : { amount: 5, reason: 'gift' };
    const response = method === 'get' ? await host.http.get(path, as(payer)) : await host.http.post(path, body, as(payer));
    expect([response.status, response.body]).toEqual([503, UNAVAILABLE]);
    expect(handlerRuns).toBe(runs);
  });
});
