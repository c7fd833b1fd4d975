/**
 * Work the host prices itself through TokenCharges, in a host app that adds nothing of its own, on
 * Express and on Fastify, on a real database: charged before it runs with the metadata the host
 * gives, refunded when it fails, answered with the same headers, kept answers and replays as a
 * fixed-price route. Every outcome is checked against the ledger it leaves.
 */
import { Body, Controller, HttpException, Post } from '@nestjs/common';
import { Idempotency, type IdempotencyContext, Payer, TokenCharges, TokenIntegrityService } from '../../src/index.js';
import { ADAPTERS, type HostApp, startHostApp } from '../support/host-app.js';
import { expectIntegrityClean, expectLedgerConsistent } from '../support/ledger-assertions.js';
import { TEST_DB } from '../support/test-database.js';

/** What the work does: its words (each costs 3 tokens), and whether it fails. */
interface WorkDto {
  words: number;
  fail?: boolean;
}

let workRuns = 0;

@Controller('priced')
class PricedWorkController {
  constructor(private readonly charges: TokenCharges) {}

  @Post()
  async run(@Body() work: WorkDto, @Payer() payerId: string, @Idempotency() request: IdempotencyContext) {
    const terms = { payerId, action: 'priced_work', price: 3 * work.words, metadata: { words: work.words } };
    return this.charges.run(request, terms, async () => {
      workRuns++;
      if (work.fail) throw new HttpException('the work failed', 502);
      return { done: work.words };
    });
  }
}

describe.each(ADAPTERS)(`work the host prices itself (TokenCharges) in a host app on %s (${TEST_DB})`, (adapter) => {
  let host: HostApp;
  const as = (payer: string, headers: Record<string, string> = {}) => ({ headers: { 'x-payer': `${payer}-${adapter}`, ...headers } });
  /** The entries past the opening grant: type, action, amount and metadata. */
  const ledgerOf = async (payer: string) => {
    const userId = `${payer}-${adapter}`;
    await expectLedgerConsistent(host.dataSource, userId);
    const rows = await host.dataSource.query<Array<{ type: string; action: string; amount: unknown; metadata: string | null }>>(
      "SELECT type, action, amount, metadata FROM token_ledger_entries WHERE user_id = ? AND type <> 'initial_grant' ORDER BY seq",
      [userId],
    );
    return rows.map(({ type, action, amount, metadata }) => [type, action, Number(amount), metadata ? JSON.parse(metadata) : null]);
  };

  beforeAll(async () => {
    host = await startHostApp(adapter, { controllers: [PricedWorkController] });
  });
  afterAll(() => host?.close());

  it('charges the price before the work, with its metadata on the usage entry, and reports it in the headers', async () => {
    const runs = workRuns;
    const response = await host.http.post('/priced', { words: 4 }, as('ann'));
    expect([response.status, response.body]).toEqual([201, { done: 4 }]);
    expect([response.headers.get('x-tokens-charged'), response.headers.get('x-tokens-remaining')]).toEqual(['12', '988']);
    expect(workRuns).toBe(runs + 1);
    expect(await ledgerOf('ann')).toEqual([['usage', 'priced_work', -12, { words: 4 }]]);
  });

  it('work that fails is refunded (reason: its error code) and its key freed: a retry runs anew', async () => {
    const key = { 'idempotency-key': 'priced-retry' };
    const failed = await host.http.post('/priced', { words: 2, fail: true }, as('ben', key));
    expect([failed.status, failed.headers.get('x-tokens-charged')]).toEqual([502, null]);
    const retried = await host.http.post('/priced', { words: 2 }, as('ben', key));
    expect([retried.status, retried.body]).toEqual([201, { done: 2 }]);
    const ledger = await ledgerOf('ben');
    expect(ledger.map(([type, action, amount]) => [type, action, amount])).toEqual([
      ['usage', 'priced_work', -6],
      ['refund', 'priced_work', 6],
      ['usage', 'priced_work', -6],
    ]);
    expect(ledger[1][3]).toMatchObject({ reason: 'BAD_GATEWAY' });
  });

  it('an Idempotency-Key replays the first answer and its headers without running or charging again; another body is 409', async () => {
    const key = { 'idempotency-key': 'priced-once' };
    const first = await host.http.post('/priced', { words: 1 }, as('cat', key));
    const runs = workRuns;
    const again = await host.http.post('/priced', { words: 1 }, as('cat', key));
    expect([again.status, again.body, again.headers.get('idempotent-replayed')]).toEqual([201, first.body, 'true']);
    expect([again.headers.get('x-tokens-charged'), again.headers.get('x-tokens-remaining')]).toEqual(['3', '997']);
    expect(workRuns).toBe(runs);
    const reused = await host.http.post('/priced', { words: 2 }, as('cat', key));
    expect([reused.status, reused.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await ledgerOf('cat')).toEqual([['usage', 'priced_work', -3, { words: 1 }]]);
  });

  it('a balance short of the price is 402 INSUFFICIENT_TOKENS: the work does not run and nothing is written', async () => {
    const runs = workRuns;
    const refused = await host.http.post('/priced', { words: 334 }, as('dan'));
    expect([refused.status, refused.body.code, refused.body.required]).toEqual([402, 'INSUFFICIENT_TOKENS', 1002]);
    expect(workRuns).toBe(runs);
    expect(await ledgerOf('dan')).toEqual([]);
  });

  it('parallel work on a balance that covers some of it: exactly those run, the balance never below 0', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => host.http.post('/priced', { words: 30 }, as('eve'))));
    // 1,000 tokens, 90 each: 11 fit.
    expect(results.filter((r) => r.status === 201)).toHaveLength(11);
    expect(results.filter((r) => r.status === 402)).toHaveLength(1);
    expect((await ledgerOf('eve')).map(([, , amount]) => amount)).toEqual(Array(11).fill(-90));
  });

  it('leaves a database whose integrity report finds nothing wrong', async () => {
    await expectIntegrityClean(host.app.get(TokenIntegrityService));
  });
});
