/**
 * Holds, settlements and releases go through the group commit with charges, on a real database: a
 * batch mixes them across accounts, and each item gets exactly the answer it would have had alone.
 * The same postings run twice on identical accounts: one at a time (each in a transaction of its
 * own), then all at once (one batch); answers and ledgers, bucket by bucket, must be the same.
 */
import { EventEmitter2, EventEmitterModule } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { TransactionRunner } from '@token-metering/database';
import { LedgerEntryType } from '../../src/entities/token-ledger-entry.entity.js';
import { type Charge, type Hold, type HoldRequest, TokenLedger, TransactionalPostings } from '../../src/ledger/token-ledger.js';
import { TokenEvents, TokenIntegrityService, TokensError, type TokensBatchCommittedEvent } from '../../src/index.js';
import { expectIntegrityClean, expectLedgerConsistent, owedState } from '../support/ledger-assertions.js';
import { TEST_DB } from '../support/test-database.js';
import { startTokensModule, type TokensTestModule } from '../support/tokens-test-module.js';

const ACCOUNTS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] as const;
type Accounts = Record<(typeof ACCOUNTS)[number], string>;
/** The holds each run opens before its batch, by name. */
type Opened = Record<'a' | 'b' | 'c' | 'e1' | 'e2' | 'g', Hold>;

describe(`Group commit of holds, settlements and releases with charges (${TEST_DB})`, () => {
  let t: TokensTestModule;
  let ledger: TokenLedger;
  const batches: TokensBatchCommittedEvent[] = [];

  beforeAll(async () => {
    t = await startTokensModule({ imports: [EventEmitterModule.forRoot()] });
    ledger = t.app.get(TokenLedger);
    t.app.get(EventEmitter2).on(TokenEvents.BatchCommitted, (e: TokensBatchCommittedEvent) => batches.push(e));
  });
  afterAll(() => t.close());

  const hold = (payerId: string, amount: number, idempotency?: HoldRequest['idempotency']) =>
    ledger.hold({ payerId, action: 'held_work', amount, requestId: randomUUID(), ...(idempotency && { idempotency }) });
  const charge = (payerId: string, price: number) => ledger.charge({ payerId, action: 'fixed_work', price, requestId: randomUUID() });

  /** What a caller sees of its answer, without the ids that differ between the runs. */
  const answerOf = (settled: PromiseSettledResult<unknown>) => {
    if (settled.status === 'rejected') {
      const error = settled.reason as TokensError;
      return { refused: error.code, details: error.details };
    }
    const value = settled.value as Charge | Hold | { kind: 'replay' } | boolean;
    if (typeof value === 'boolean') return { released: value };
    if (value.kind === 'charged') return { charged: value.price, balanceAfter: value.balanceAfter, buckets: value.buckets };
    if (value.kind === 'held') return { held: value.amount, balanceAfter: value.balanceAfter, buckets: value.buckets };
    return value as unknown;
  };

  /**
   * The accounts as the batch finds them: `a` 1,000 of allowance and 500 of credits with a hold of
   * 1,200 (both buckets); `b`, `c` and `e` holds of their allowance; `f` a finished request with
   * key k1; `g` a hold settled already; `d` untouched; `h` missing (seeded in the batch).
   */
  async function prepare(prefix: string): Promise<{ accounts: Accounts; opened: Opened }> {
    const accounts = Object.fromEntries(ACCOUNTS.map((name) => [name, `${prefix}-${name}`])) as Accounts;
    await ledger.ensureAccount(accounts.a);
    const postings = t.app.get(TransactionalPostings);
    await t.app
      .get(TransactionRunner)
      .run((em) => postings.post(em, { payerId: accounts.a, type: LedgerEntryType.AdminGrant, amount: 500 }));
    const opened = {
      a: (await hold(accounts.a, 1200)) as Hold,
      b: (await hold(accounts.b, 300)) as Hold,
      c: (await hold(accounts.c, 900)) as Hold,
      e1: (await hold(accounts.e, 200)) as Hold,
      e2: (await hold(accounts.e, 100)) as Hold,
      g: (await hold(accounts.g, 10)) as Hold,
    };
    const keyed = (await hold(accounts.f, 40, { key: 'k1', requestHash: 'h1' })) as Hold;
    await ledger.completeIdempotent(await ledger.settleHold(keyed, 25, {}), { answer: 'first' });
    await ledger.settleHold(opened.g, 5, {});
    await ledger.ensureAccount(accounts.d);
    return { accounts, opened };
  }

  const stepsFor = ({ accounts: x, opened }: { accounts: Accounts; opened: Opened }): Array<() => Promise<unknown>> => [
    () => ledger.settleHold(opened.a, 1100, { units: 11 }), // the hold's 1,200 back to both buckets, then 1,000 of allowance and 100 of credits
    () => ledger.settleHold(opened.b, 120, { units: 12 }),
    () => ledger.settleHold(opened.c, 1500, { units: 15 }), // beyond the balance with the hold: 1,000 taken, 500 owed
    () => charge(x.d, 30),
    () => hold(x.d, 50),
    () => hold(x.d, 2000), // short: refused alone
    () => charge(x.d, 10),
    () => ledger.releaseHold(opened.e1),
    () => ledger.settleHold(opened.e2, 50, {}),
    () => hold(x.e, 400),
    () => charge(x.e, 500),
    () => charge(x.e, 100), // short: 50 left
    () => hold(x.f, 40, { key: 'k1', requestHash: 'h1' }), // replay of the finished request
    () => hold(x.f, 40, { key: 'k1', requestHash: 'other' }), // key reused for another request
    () => hold(x.f, 2000, { key: 'k2', requestHash: 'h2' }), // short: its key stays unused
    () => hold(x.f, 60, { key: 'k3', requestHash: 'h3' }),
    () => ledger.settleHold(opened.g, 5, {}), // settled before: 409
    () => hold(x.h, 70), // missing: seeded from the policy, then held
  ];

  it('each posting of a batch gets the answer it would have had alone, in arrival order', async () => {
    const alone = await prepare('hb-alone');
    const aloneAnswers: unknown[] = [];
    for (const step of stepsFor(alone)) aloneAnswers.push(answerOf((await Promise.allSettled([step()]))[0]));

    const grouped = await prepare('hb-batch');
    batches.length = 0;
    // The first posting starts a batch at once; the others arrive while it commits and go together in the next one.
    const opener = charge('hb-opener', 1);
    const answers = (await Promise.allSettled(stepsFor(grouped).map((step) => step()))).map(answerOf);
    await opener;

    expect(batches.map((batch) => batch.accounts)).toEqual([1, ACCOUNTS.length]);
    expect(answers).toEqual(aloneAnswers);
    expect(answers).toEqual([
      { charged: 1100, balanceAfter: 400, buckets: { allowance: -1000, credits: -100 } },
      { charged: 120, balanceAfter: 880, buckets: { allowance: -120, credits: 0 } },
      { charged: 1500, balanceAfter: 0, buckets: { allowance: -1000, credits: 0 } },
      { charged: 30, balanceAfter: 970, buckets: { allowance: -30, credits: 0 } },
      { held: 50, balanceAfter: 920, buckets: { allowance: -50, credits: 0 } },
      { refused: 'INSUFFICIENT_TOKENS', details: { balance: 920, required: 2000 } },
      { charged: 10, balanceAfter: 910, buckets: { allowance: -10, credits: 0 } },
      { released: true },
      { charged: 50, balanceAfter: 950, buckets: { allowance: -50, credits: 0 } },
      { held: 400, balanceAfter: 550, buckets: { allowance: -400, credits: 0 } },
      { charged: 500, balanceAfter: 50, buckets: { allowance: -500, credits: 0 } },
      { refused: 'INSUFFICIENT_TOKENS', details: { balance: 50, required: 100 } },
      { kind: 'replay', tokensCharged: 25, tokensRemaining: 975, responseBody: JSON.stringify({ answer: 'first' }) },
      { refused: 'IDEMPOTENCY_KEY_REUSED', details: {} },
      { refused: 'INSUFFICIENT_TOKENS', details: { balance: 975, required: 2000 } },
      { held: 60, balanceAfter: 915, buckets: { allowance: -60, credits: 0 } },
      { refused: 'HOLD_CLOSED', details: {} },
      { held: 70, balanceAfter: 930, buckets: { allowance: -70, credits: 0 } },
    ]);

    // The ledgers are the same too, row for row and bucket by bucket, and each one adds up.
    const rows = async (payerId: string) => {
      await expectLedgerConsistent(t.dataSource, payerId);
      const entries = await t.dataSource.query<Array<Record<string, unknown>>>(
        'SELECT seq, type, amount, allowance_amount, credits_amount, balance_after FROM token_ledger_entries WHERE user_id = ? ORDER BY seq',
        [payerId],
      );
      return entries.map((e) => [e.seq, e.type, e.amount, e.allowance_amount, e.credits_amount, e.balance_after].map(String));
    };
    const account = async (payerId: string) =>
      (
        await t.dataSource.query<Array<Record<string, unknown>>>(
          'SELECT balance, allowance, credits, held, owed, used_this_period, ledger_seq FROM token_accounts WHERE user_id = ?',
          [payerId],
        )
      ).map((row) => Object.values(row).map(String));
    for (const name of ACCOUNTS) {
      const [batched, single] = [grouped.accounts[name], alone.accounts[name]];
      expect({ name, rows: await rows(batched), account: await account(batched) }).toEqual({
        name,
        rows: await rows(single),
        account: await account(single),
      });
    }
    expect(await owedState(t.dataSource, grouped.accounts.c)).toMatchObject({ owed: 500, held: 0 });
    expect(await owedState(t.dataSource, grouped.accounts.e)).toMatchObject({ owed: 0, held: 400 });
    // A refused hold leaves its key unused, as if it had never been sent.
    const keys = await t.dataSource.query<Array<{ idempotency_key: string }>>(
      'SELECT idempotency_key FROM idempotency_keys WHERE user_id = ? ORDER BY idempotency_key',
      [grouped.accounts.f],
    );
    expect(keys.map((k) => k.idempotency_key)).toEqual(['k1', 'k3']);
    await expectIntegrityClean(t.app.get(TokenIntegrityService));
  });

  it('parallel settlements of many accounts commit in a few batches, each charged exactly; expired holds are released together', async () => {
    const users = Array.from({ length: 40 }, (_, i) => `hb-many-${i}`);
    const holds = (await Promise.all(users.map((payerId) => hold(payerId, 100)))) as Hold[];
    batches.length = 0;
    const charges = await Promise.all(holds.map((h, i) => ledger.settleHold(h, i, { units: i })));
    expect(charges.map((c) => c.balanceAfter)).toEqual(users.map((_, i) => 1000 - i));
    expect(batches.length).toBeLessThan(10);
    for (const payerId of users) await expectLedgerConsistent(t.dataSource, payerId);

    const stale = (await Promise.all(users.map((payerId) => hold(payerId, 30)))) as Hold[];
    await t.dataSource.query(`UPDATE token_holds SET expires_at = ? WHERE id IN (${stale.map(() => '?').join(', ')})`, [
      '2000-01-01 00:00:00.000',
      ...stale.map((h) => h.holdId),
    ]);
    batches.length = 0;
    expect(await ledger.releaseExpiredHolds(100)).toBe(users.length);
    expect(batches.length).toBeLessThan(10);
    for (const payerId of users) expect(await owedState(t.dataSource, payerId)).toMatchObject({ held: 0, openHolds: 0 });
    await expectIntegrityClean(t.app.get(TokenIntegrityService));
  });
});
