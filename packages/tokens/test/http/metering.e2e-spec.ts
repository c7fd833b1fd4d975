/**
 * Metering through HTTP in a host app that adds nothing of its own (no exception filter, no global
 * pipe), on Express and on Fastify, on a real database: the answers, bodies and headers of the
 * contract come from the package alone, and every outcome is checked against the ledger it leaves.
 */
import { Body, Controller, Post } from '@nestjs/common';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { TokenIntegrityService, TokenPrice } from '../../src/index.js';
import { ADAPTERS, type HostApp, startHostApp } from '../support/host-app.js';
import { expectIntegrityClean, expectLedgerConsistent, ledgerState } from '../support/ledger-assertions.js';
import { TEST_DB } from '../support/test-database.js';

class PrintJobDto {
  @IsString()
  @MaxLength(100)
  title: string;

  @IsInt()
  @Min(1)
  @Max(1000)
  pages: number;
}

let handlerRuns = 0;

@Controller('jobs')
class PrintJobsController {
  @Post('print')
  @TokenPrice('job_print', { price: 2, units: (body: PrintJobDto) => body.pages })
  print(@Body() body: PrintJobDto): { title: string; printed: number } {
    handlerRuns++;
    return { title: body.title, printed: body.pages };
  }

  @Post('jam')
  @TokenPrice('job_jam', 5)
  jam(@Body() _body: PrintJobDto): never {
    handlerRuns++;
    throw new Error('the printer jammed');
  }
}

describe.each(ADAPTERS)(`metering in a host app on %s (${TEST_DB})`, (adapter) => {
  let host: HostApp;
  const as = (payer: string, headers: Record<string, string> = {}) => ({ headers: { 'x-payer': payer, ...headers } });
  const ledgerOf = async (payer: string) => (await ledgerState(host.dataSource, payer)).entries.map((e) => [e.type, e.amount]);

  beforeAll(async () => {
    host = await startHostApp(adapter, { controllers: [PrintJobsController] });
  });
  afterAll(() => host?.close());

  it('charges before the handler and answers 201 with X-Tokens-Charged and X-Tokens-Remaining', async () => {
    const response = await host.http.post('/jobs/print', { title: 'report', pages: 3 }, as('alice'));
    expect([response.status, response.body]).toEqual([201, { title: 'report', printed: 3 }]);
    expect([response.headers.get('x-tokens-charged'), response.headers.get('x-tokens-remaining')]).toEqual(['6', '994']);
    expect((await expectLedgerConsistent(host.dataSource, 'alice')).entries.map((e) => [e.type, e.action, e.amount])).toEqual([
      ['initial_grant', null, 1000],
      ['usage', 'job_print', -6],
    ]);
    // Express has no request id of its own: the module makes one, so every platform's entries carry one.
    const [usage] = await host.dataSource.query<Array<{ request_id: string | null }>>(
      "SELECT request_id FROM token_ledger_entries WHERE user_id = ? AND type = 'usage'",
      ['alice'],
    );
    expect(usage.request_id).toEqual(expect.stringMatching(/\S/));
  });

  it('a balance short of the price is 402 INSUFFICIENT_TOKENS with the contract body; the handler does not run', async () => {
    const runs = handlerRuns;
    const refused = await host.http.post('/jobs/print', { title: 'book', pages: 501 }, as('bob'));
    expect([refused.status, refused.body]).toEqual([
      402,
      { statusCode: 402, code: 'INSUFFICIENT_TOKENS', message: expect.any(String), balance: 1000, required: 1002 },
    ]);
    expect(refused.headers.get('x-tokens-charged')).toBeNull();
    expect(handlerRuns).toBe(runs);
    expect(await ledgerOf('bob')).toEqual([['initial_grant', 1000]]);
  });

  it('a handler that throws answers its error and is refunded exactly what it was charged', async () => {
    const response = await host.http.post('/jobs/jam', { title: 'poster', pages: 1 }, as('carol'));
    expect([response.status, response.body]).toEqual([500, { statusCode: 500, message: 'Internal server error' }]);
    const state = await expectLedgerConsistent(host.dataSource, 'carol');
    expect([state.balance, state.entries.map((e) => [e.type, e.amount])]).toEqual([
      1000,
      [
        ['initial_grant', 1000],
        ['usage', -5],
        ['refund', 5],
      ],
    ]);
    const [refund] = await host.dataSource.query<Array<{ metadata: string }>>(
      "SELECT metadata FROM token_ledger_entries WHERE user_id = ? AND type = 'refund'",
      ['carol'],
    );
    expect(JSON.parse(refund.metadata)).toMatchObject({ reason: 'INTERNAL_ERROR' });
  });

  it('an Idempotency-Key replays the first answer without charging again; the key with another body is 409 IDEMPOTENCY_KEY_REUSED', async () => {
    const key = { 'idempotency-key': `order-${adapter}` };
    const first = await host.http.post('/jobs/print', { title: 'flyer', pages: 4 }, as('dave', key));
    const again = await host.http.post('/jobs/print', { title: 'flyer', pages: 4 }, as('dave', key));
    expect([again.status, again.body, again.headers.get('idempotent-replayed'), again.headers.get('x-tokens-charged')]).toEqual([
      201,
      first.body,
      'true',
      '8',
    ]);
    const reused = await host.http.post('/jobs/print', { title: 'flyer', pages: 5 }, as('dave', key));
    expect([reused.status, reused.body]).toEqual([409, { statusCode: 409, code: 'IDEMPOTENCY_KEY_REUSED', message: expect.any(String) }]);
    expect((await expectLedgerConsistent(host.dataSource, 'dave')).balance).toBe(992);
  });

  it('an invalid body is 400 VALIDATION_FAILED naming the field, a request nobody pays for is 401; neither charges anything', async () => {
    const runs = handlerRuns;
    const invalid = await host.http.post('/jobs/print', { title: 'zine', pages: 0 }, as('erin'));
    expect([invalid.status, invalid.body.code, invalid.body.details.map((d: { field: string }) => d.field)]).toEqual([
      400,
      'VALIDATION_FAILED',
      ['pages'],
    ]);
    const unknown = await host.http.post('/jobs/print', { title: 'zine', pages: 1, colour: 'red' }, as('erin'));
    expect([unknown.status, unknown.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const anonymous = await host.http.post('/jobs/print', { title: 'zine', pages: 1 });
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(handlerRuns).toBe(runs);
    expect(await ledgerOf('erin')).toEqual([]);
  });

  it("the payer's own routes validate their queries without a host pipe: defaults apply, a bad query is 400", async () => {
    const page = await host.http.get('/tokens/transactions', as('alice'));
    expect([page.status, page.body.items.length > 0]).toEqual([200, true]);
    const limited = await host.http.get('/tokens/transactions?limit=1', as('alice'));
    expect([limited.status, limited.body.items.length, typeof limited.body.nextCursor]).toEqual([200, 1, 'string']);
    const bad = await host.http.get('/tokens/transactions?limit=0&color=red', as('alice'));
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('leaves a database whose integrity report finds nothing wrong', async () => {
    await expectIntegrityClean(host.app.get(TokenIntegrityService));
  });
});
