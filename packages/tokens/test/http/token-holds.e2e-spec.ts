/**
 * Usage-metered work through TokenHolds in a host app that adds nothing of its own, on Express and on
 * Fastify, on a real database: the work is held before it runs, settled at the price it reports,
 * released or partly charged when it fails, and answered with the same headers, kept answers and
 * replays as a fixed-price route. Every outcome is checked against the ledger it leaves.
 */
import { Body, Controller, HttpException, Post } from '@nestjs/common';
import {
  type HeldUsage,
  Idempotency,
  type IdempotencyContext,
  Payer,
  TokenHolds,
  TokenIntegrityService,
  type UnfinishedUsage,
} from '../../src/index.js';
import { ADAPTERS, type HostApp, startHostApp } from '../support/host-app.js';
import { expectIntegrityClean, expectLedgerConsistent } from '../support/ledger-assertions.js';
import { TEST_DB } from '../support/test-database.js';

/** The most a piece of work may cost: what is held before it runs. */
const HOLD = 100;

/** What the work does: its pieces (each costs 2 tokens, 1 for starting), whether it fails, whether a failure still owes. */
interface WorkDto {
  pieces: number;
  /** Fail after this many pieces. */
  failAfter?: number;
  /** A failure owes what was done (else the hold is released). */
  owes?: boolean;
  /** Stop reading the stream after this many pieces (the client left). */
  stopAfter?: number;
}

let workRuns = 0;
const priceOf = (pieces: number): HeldUsage => ({ price: 1 + 2 * pieces, metadata: { pieces } });

async function* piecesOf(work: WorkDto, done: { pieces: number }): AsyncGenerator<string> {
  workRuns++;
  for (let n = 1; n <= work.pieces; n++) {
    if (work.failAfter !== undefined && n > work.failAfter) throw new HttpException('the work broke off', 502);
    done.pieces = n;
    yield `piece ${n}`;
  }
}

@Controller('work')
class HeldWorkController {
  constructor(private readonly holds: TokenHolds) {}

  @Post('whole')
  async whole(@Body() work: WorkDto, @Payer() payerId: string, @Idempotency() request: IdempotencyContext) {
    const done = { pieces: 0 };
    const owed: UnfinishedUsage = () => (work.owes ? priceOf(done.pieces) : null);
    return this.holds.run(
      request,
      { payerId, action: 'held_work', amount: HOLD },
      async () => {
        const pieces: string[] = [];
        for await (const piece of piecesOf(work, done)) pieces.push(piece);
        return { answer: { pieces }, usage: priceOf(done.pieces) };
      },
      owed,
    );
  }

  /** Reads the held stream as a client would, and answers what it saw. */
  @Post('streamed')
  async streamed(@Body() work: WorkDto, @Payer() payerId: string, @Idempotency() request: IdempotencyContext) {
    const done = { pieces: 0 };
    const seen: string[] = [];
    const events = this.holds.stream(
      request,
      { payerId, action: 'held_stream', amount: HOLD },
      () => piecesOf(work, done),
      async () => priceOf(done.pieces),
      () => (done.pieces > 0 ? priceOf(done.pieces) : null),
    );
    try {
      for await (const event of events) {
        if (event.kind === 'settled') return { seen, charged: event.charge.price, remaining: event.charge.balanceAfter };
        seen.push(event.chunk);
        if (seen.length === work.stopAfter) break;
      }
    } catch (error) {
      return { seen, failed: (error as Error).message };
    }
    return { seen, stopped: true };
  }
}

describe.each(ADAPTERS)(`usage-metered work (TokenHolds) in a host app on %s (${TEST_DB})`, (adapter) => {
  let host: HostApp;
  const as = (payer: string, headers: Record<string, string> = {}) => ({ headers: { 'x-payer': `${payer}-${adapter}`, ...headers } });
  /** The entries past the opening grant: type, amount and the metadata that tells them apart. */
  const ledgerOf = async (payer: string) => {
    const payerId = `${payer}-${adapter}`;
    await expectLedgerConsistent(host.dataSource, payerId);
    const rows = await host.dataSource.query<Array<{ type: string; amount: unknown; metadata: string | null }>>(
      "SELECT type, amount, metadata FROM token_ledger_entries WHERE user_id = ? AND type <> 'initial_grant' ORDER BY seq",
      [payerId],
    );
    return rows.map(({ type, amount, metadata }) => {
      const { pieces, reason, uncollected } = (metadata ? JSON.parse(metadata) : {}) as Record<string, unknown>;
      return [type, Number(amount), pieces ?? reason ?? uncollected ?? null];
    });
  };

  beforeAll(async () => {
    host = await startHostApp(adapter, { controllers: [HeldWorkController] });
  });
  afterAll(() => host?.close());

  it('holds, runs, settles the reported price and answers with X-Tokens-Charged and X-Tokens-Remaining', async () => {
    const response = await host.http.post('/work/whole', { pieces: 3 }, as('ann'));
    expect([response.status, response.body]).toEqual([201, { pieces: ['piece 1', 'piece 2', 'piece 3'] }]);
    expect([response.headers.get('x-tokens-charged'), response.headers.get('x-tokens-remaining')]).toEqual(['7', '993']);
    expect(await ledgerOf('ann')).toEqual([
      ['hold', -HOLD, null],
      ['hold_release', HOLD, 'settled'],
      ['usage', -7, 3],
    ]);
  });

  it('an Idempotency-Key replays the first answer and its headers without running or charging again; another body is 409', async () => {
    const key = { 'idempotency-key': 'held-once' };
    const first = await host.http.post('/work/whole', { pieces: 2 }, as('ben', key));
    const runs = workRuns;
    const again = await host.http.post('/work/whole', { pieces: 2 }, as('ben', key));
    expect([again.status, again.body, again.headers.get('idempotent-replayed')]).toEqual([201, first.body, 'true']);
    expect([again.headers.get('x-tokens-charged'), again.headers.get('x-tokens-remaining')]).toEqual(['5', '995']);
    expect(workRuns).toBe(runs);
    const reused = await host.http.post('/work/whole', { pieces: 3 }, as('ben', key));
    expect([reused.status, reused.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await ledgerOf('ben')).toEqual([
      ['hold', -HOLD, null],
      ['hold_release', HOLD, 'settled'],
      ['usage', -5, 2],
    ]);
  });

  it('work that fails answers its error with the hold released and its key freed: a retry runs anew', async () => {
    const key = { 'idempotency-key': 'held-retry' };
    const failed = await host.http.post('/work/whole', { pieces: 3, failAfter: 1 }, as('cat', key));
    expect([failed.status, failed.headers.get('x-tokens-charged')]).toEqual([502, null]);
    const retried = await host.http.post('/work/whole', { pieces: 3, failAfter: 1 }, as('cat', key));
    expect(retried.status).toBe(502);
    expect(await ledgerOf('cat')).toEqual([
      ['hold', -HOLD, null],
      ['hold_release', HOLD, 'released'],
      ['hold', -HOLD, null],
      ['hold_release', HOLD, 'released'],
    ]);
  });

  it('work that fails but owes what it did is charged that, and its key is closed: a retry is 409, never run again', async () => {
    const key = { 'idempotency-key': 'held-owed' };
    const failed = await host.http.post('/work/whole', { pieces: 3, failAfter: 2, owes: true }, as('dan', key));
    expect(failed.status).toBe(502);
    const runs = workRuns;
    const retried = await host.http.post('/work/whole', { pieces: 3, failAfter: 2, owes: true }, as('dan', key));
    expect([retried.status, retried.body.code]).toEqual([409, 'IDEMPOTENCY_ANSWER_UNAVAILABLE']);
    expect(workRuns).toBe(runs);
    expect(await ledgerOf('dan')).toEqual([
      ['hold', -HOLD, null],
      ['hold_release', HOLD, 'settled'],
      ['usage', -5, 2],
    ]);
  });

  it('a price above the hold is charged in full; a balance short of the hold is 402 INSUFFICIENT_TOKENS and the work does not run', async () => {
    await host.http.post('/work/whole', { pieces: 1 }, as('eve')); // 3 tokens
    const runs = workRuns;
    // 1 + 2 * 497 = 995: the hold is 100, the balance 997 covers the rest.
    expect((await host.http.post('/work/whole', { pieces: 497 }, as('eve'))).headers.get('x-tokens-remaining')).toBe('2');
    const refused = await host.http.post('/work/whole', { pieces: 1 }, as('eve'));
    expect([refused.status, refused.body]).toEqual([
      402,
      { statusCode: 402, code: 'INSUFFICIENT_TOKENS', message: expect.any(String), balance: 2, required: HOLD },
    ]);
    expect(workRuns).toBe(runs + 1);
  });

  it('a stream yields its pieces, then the charge; a broken stream is charged the pieces done, one that broke before any is released', async () => {
    const whole = await host.http.post('/work/streamed', { pieces: 2 }, as('fay'));
    expect(whole.body).toEqual({ seen: ['piece 1', 'piece 2'], charged: 5, remaining: 995 });
    const broken = await host.http.post('/work/streamed', { pieces: 3, failAfter: 1 }, as('fay'));
    expect(broken.body).toEqual({ seen: ['piece 1'], failed: 'the work broke off' });
    const early = await host.http.post('/work/streamed', { pieces: 3, failAfter: 0 }, as('fay'));
    expect(early.body).toEqual({ seen: [], failed: 'the work broke off' });
    expect(await ledgerOf('fay')).toEqual([
      ['hold', -HOLD, null],
      ['hold_release', HOLD, 'settled'],
      ['usage', -5, 2],
      ['hold', -HOLD, null],
      ['hold_release', HOLD, 'settled'],
      ['usage', -3, 1],
      ['hold', -HOLD, null],
      ['hold_release', HOLD, 'released'],
    ]);
  });

  it('a stream its reader leaves early is charged the pieces done so far', async () => {
    const left = await host.http.post('/work/streamed', { pieces: 5, stopAfter: 2 }, as('gus'));
    expect(left.body).toEqual({ seen: ['piece 1', 'piece 2'], stopped: true });
    expect(await ledgerOf('gus')).toEqual([
      ['hold', -HOLD, null],
      ['hold_release', HOLD, 'settled'],
      ['usage', -5, 2],
    ]);
  });

  it('leaves a database whose integrity report finds nothing wrong', async () => {
    await expectIntegrityClean(host.app.get(TokenIntegrityService));
  });
});
