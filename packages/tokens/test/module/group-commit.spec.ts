/**
 * Group commit through the TokenLedger port, on a real database: charges submitted together go in
 * one transaction, and each one gets exactly the answer it would have had alone. The same sequence
 * of charges runs twice on identical accounts: one charge at a time (each in a transaction of its
 * own), then all at once (one batch); answers and ledgers must be the same.
 */
import { EventEmitter2, EventEmitterModule } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { TransactionRunner } from '@token-metering/database';
import { LedgerEntryType } from '../../src/entities/token-ledger-entry.entity.js';
import { type Charge, type ChargeRequest, TokenLedger, TransactionalPostings } from '../../src/ledger/token-ledger.js';
import { TokenEvents, TokenIntegrityService, TokensError, TokensErrorCode, type TokensBatchCommittedEvent } from '../../src/index.js';
import { expectIntegrityClean, expectLedgerConsistent } from '../support/ledger-assertions.js';
import { TEST_DB } from '../support/test-database.js';
import { startTokensModule, type TokensTestModule } from '../support/tokens-test-module.js';

type Step = Omit<ChargeRequest, 'requestId' | 'action'>;

describe(`Group commit of charges (${TEST_DB})`, () => {
  let t: TokensTestModule;
  let ledger: TokenLedger;
  const batches: TokensBatchCommittedEvent[] = [];

  beforeAll(async () => {
    t = await startTokensModule({ imports: [EventEmitterModule.forRoot()] });
    ledger = t.app.get(TokenLedger);
    t.app.get(EventEmitter2).on(TokenEvents.BatchCommitted, (e: TokensBatchCommittedEvent) => batches.push(e));
  });
  afterAll(() => t.close());

  const charge = (step: Step) => ledger.charge({ action: 'note_summary', requestId: randomUUID(), ...step });

  /** What a caller sees of its answer: the charge's values, the replay, or the refusal's code and details. */
  const answerOf = (settled: PromiseSettledResult<unknown>) => {
    if (settled.status === 'rejected') {
      const error = settled.reason as TokensError;
      return { refused: error.code, details: error.details };
    }
    const value = settled.value as Charge | { kind: 'replay' };
    if (value.kind === 'charged') {
      const { price, balanceAfter, buckets } = value;
      return { charged: price, balanceAfter, buckets };
    }
    return value as unknown;
  };

  /**
   * Three accounts in the state the batch starts from: `a` with 90 tokens of allowance and a
   * finished idempotent request (key k1), `b` with 5 of allowance and 100 of credits; `c` missing.
   */
  async function prepare(prefix: string): Promise<{ a: string; b: string; c: string }> {
    const a = `${prefix}-a`;
    const b = `${prefix}-b`;
    const first = (await charge({ payerId: a, price: 900 })) as Charge;
    expect(first.balanceAfter).toBe(100);
    const keyed = (await charge({ payerId: a, price: 10, idempotency: { key: 'k1', requestHash: 'h1' } })) as Charge;
    await ledger.completeIdempotent(keyed, { answer: 'first' });
    await charge({ payerId: b, price: 995 });
    const postings = t.app.get(TransactionalPostings);
    await t.app.get(TransactionRunner).run((em) => postings.post(em, { payerId: b, type: LedgerEntryType.AdminGrant, amount: 100 }));
    return { a, b, c: `${prefix}-c` };
  }

  const stepsFor = ({ a, b, c }: { a: string; b: string; c: string }): Step[] => [
    { payerId: a, price: 30 },
    { payerId: b, price: 4 },
    { payerId: a, price: 50 },
    { payerId: a, price: 40 }, // short: 10 left
    { payerId: a, price: 3, idempotency: { key: 'k1', requestHash: 'h1' } }, // replay of the finished request
    { payerId: b, price: 4 }, // 1 from the allowance, 3 from credits
    { payerId: a, price: 3, idempotency: { key: 'k1', requestHash: 'other' } }, // key reused for another request
    { payerId: c, price: 7 }, // missing: seeded from the policy, then charged
    { payerId: a, price: 10, idempotency: { key: 'k2', requestHash: 'h2' } },
    { payerId: a, price: 5, idempotency: { key: 'k3', requestHash: 'h3' } }, // short: its key stays unused
    { payerId: b, price: 4 },
    { payerId: a, price: 1 }, // short: 0 left
  ];

  it('each charge of a batch gets the answer it would have had alone, in arrival order', async () => {
    const alone = await prepare('gc-alone');
    const aloneAnswers: unknown[] = [];
    for (const step of stepsFor(alone)) aloneAnswers.push(answerOf((await Promise.allSettled([charge(step)]))[0]));

    const grouped = await prepare('gc-batch');
    batches.length = 0;
    // The first charge starts a batch at once; the others arrive while it commits and go together in the next one.
    const opener = charge({ payerId: 'gc-opener', price: 1 });
    const answers = (await Promise.allSettled(stepsFor(grouped).map(charge))).map(answerOf);
    await opener;

    expect(batches.map((batch) => batch.charges)).toEqual([1, 12]);
    expect(answers).toEqual(aloneAnswers);
    expect(answers).toEqual([
      { charged: 30, balanceAfter: 60, buckets: { allowance: -30, credits: 0 } },
      { charged: 4, balanceAfter: 101, buckets: { allowance: -4, credits: 0 } },
      { charged: 50, balanceAfter: 10, buckets: { allowance: -50, credits: 0 } },
      { refused: 'INSUFFICIENT_TOKENS', details: { balance: 10, required: 40 } },
      { kind: 'replay', tokensCharged: 10, tokensRemaining: 90, responseBody: JSON.stringify({ answer: 'first' }) },
      { charged: 4, balanceAfter: 97, buckets: { allowance: -1, credits: -3 } },
      { refused: 'IDEMPOTENCY_KEY_REUSED', details: {} },
      { charged: 7, balanceAfter: 993, buckets: { allowance: -7, credits: 0 } },
      { charged: 10, balanceAfter: 0, buckets: { allowance: -10, credits: 0 } },
      { refused: 'INSUFFICIENT_TOKENS', details: { balance: 0, required: 5 } },
      { charged: 4, balanceAfter: 93, buckets: { allowance: 0, credits: -4 } },
      { refused: 'INSUFFICIENT_TOKENS', details: { balance: 0, required: 1 } },
    ]);

    // The ledgers are the same too, row for row, and each one adds up.
    for (const account of ['a', 'b', 'c'] as const) {
      const rows = async (payerId: string) =>
        (await expectLedgerConsistent(t.dataSource, payerId)).entries.map((e) => [e.seq, e.type, e.amount, e.balanceAfter]);
      expect(await rows(grouped[account])).toEqual(await rows(alone[account]));
    }
    // A refused charge leaves its key unused, as if it had never been sent.
    const keys = await t.dataSource.query<Array<{ idempotency_key: string }>>(
      'SELECT idempotency_key FROM idempotency_keys WHERE user_id = ? ORDER BY idempotency_key',
      [grouped.a],
    );
    expect(keys.map((k) => k.idempotency_key)).toEqual(['k1', 'k2']);
  });

  it('a refund goes in the same batch as charges, in arrival order: the charges after it can spend what it gave back', async () => {
    const sequence = async (payerId: string, together: boolean) => {
      await charge({ payerId, price: 950 });
      const toRefund = (await charge({ payerId, price: 50 })) as Charge;
      const steps: Array<() => Promise<unknown>> = [
        () => charge({ payerId, price: 10 }), // short: 0 left
        () => ledger.refund(toRefund, { code: 'SERVICE_FAILED', message: 'the work failed' }).then(() => 'refunded'),
        () => charge({ payerId, price: 30 }),
        () => charge({ payerId, price: 30 }), // short: 20 left
        () => charge({ payerId, price: 20 }),
      ];
      if (!together) {
        const answers: unknown[] = [];
        for (const step of steps) answers.push(answerOf((await Promise.allSettled([step()]))[0]));
        return answers;
      }
      batches.length = 0;
      const opener = charge({ payerId: `${payerId}-opener`, price: 1 });
      const answers = (await Promise.allSettled(steps.map((step) => step()))).map(answerOf);
      await opener;
      expect(batches.map((batch) => batch.charges)).toEqual([1, 4]);
      return answers;
    };
    const alone = await sequence('gc-refund-alone', false);
    const grouped = await sequence('gc-refund-batch', true);
    expect(grouped).toEqual(alone);
    expect(grouped).toEqual([
      { refused: 'INSUFFICIENT_TOKENS', details: { balance: 0, required: 10 } },
      'refunded',
      { charged: 30, balanceAfter: 20, buckets: { allowance: -30, credits: 0 } },
      { refused: 'INSUFFICIENT_TOKENS', details: { balance: 20, required: 30 } },
      { charged: 20, balanceAfter: 0, buckets: { allowance: -20, credits: 0 } },
    ]);
    const rows = async (payerId: string) =>
      (await expectLedgerConsistent(t.dataSource, payerId)).entries.map((e) => [e.seq, e.type, e.amount, e.balanceAfter]);
    expect(await rows('gc-refund-batch')).toEqual(await rows('gc-refund-alone'));
  });

  it('parallel charges of one account commit in a few batches, exactly as many as the balance pays for', async () => {
    batches.length = 0;
    const results = await Promise.allSettled(Array.from({ length: 120 }, () => charge({ payerId: 'gc-race', price: 10 })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(100);
    expect(
      results.filter((r) => r.status === 'rejected').every((r) => (r.reason as TokensError).code === TokensErrorCode.INSUFFICIENT_TOKENS),
    ).toBe(true);
    expect((await expectLedgerConsistent(t.dataSource, 'gc-race')).balance).toBe(0);
    expect(batches.reduce((sum, batch) => sum + batch.charges, 0)).toBe(120);
    expect(batches.length).toBeLessThan(10);
  });

  it('leaves a database whose integrity report finds nothing wrong', async () => {
    await expectIntegrityClean(t.app.get(TokenIntegrityService));
  });
});
