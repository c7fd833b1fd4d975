/**
 * Holds through the TokenLedger port on a real database (TokensModule alone, the suites' account
 * policy: 1,000 tokens a month): a hold takes the most a request can cost out of the balance with the
 * same conditional statement as a charge, and is closed exactly once: settled with the actual price,
 * released, or expired after the hold TTL.
 */
import { randomUUID } from 'node:crypto';
import { TransactionRunner } from '@token-metering/database';
import { LedgerEntryType } from '../../src/entities/token-ledger-entry.entity.js';
import { type Hold, TokenLedger, TransactionalPostings } from '../../src/ledger/token-ledger.js';
import { TokenIntegrityService, TokensError, TokensErrorCode } from '../../src/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { expectIntegrityClean, expectLedgerConsistent, owedState } from '../support/ledger-assertions.js';
import { TEST_DB } from '../support/test-database.js';
import { startTokensModule, type TokensTestModule } from '../support/tokens-test-module.js';

describe(`holds through the TokenLedger port (${TEST_DB})`, () => {
  let t: TokensTestModule;
  let ledger: TokenLedger;
  const clock = new FakeClock();
  /** A hold without an Idempotency-Key: never a replay. */
  const hold = async (payerId: string, amount: number) =>
    (await ledger.hold({ payerId, action: 'completion:local', amount, requestId: randomUUID() })) as Hold;
  const account = async (payerId: string) => {
    const [row] = await t.dataSource.query<Array<{ balance: unknown; held: unknown; allowance: unknown; credits: unknown }>>(
      'SELECT balance, held, allowance, credits FROM token_accounts WHERE user_id = ?',
      [payerId],
    );
    const [open] = await t.dataSource.query<Array<{ total: unknown }>>(
      'SELECT COALESCE(SUM(amount), 0) AS total FROM token_holds WHERE user_id = ? AND closed_at IS NULL',
      [payerId],
    );
    // held is always the sum of the account's open holds.
    expect(Number(row.held)).toBe(Number(open.total));
    return { balance: Number(row.balance), held: Number(row.held) };
  };

  const metadataOf = async (payerId: string, type: string) =>
    (
      await t.dataSource.query<Array<{ metadata: string | null }>>(
        'SELECT metadata FROM token_ledger_entries WHERE user_id = ? AND type = ? ORDER BY seq',
        [payerId, type],
      )
    ).map((row) => (row.metadata ? (JSON.parse(row.metadata) as unknown) : null));

  beforeAll(async () => {
    t = await startTokensModule({ clock });
    ledger = t.app.get(TokenLedger);
  });
  afterAll(() => t.close());

  it('a hold takes its amount out of the balance into held; settling gives it back and charges the actual price, once', async () => {
    const held = await hold('h-settle', 300);
    expect(held).toMatchObject({ kind: 'held', amount: 300, balanceAfter: 700, buckets: { allowance: -300, credits: 0 } });
    expect(await account('h-settle')).toEqual({ balance: 700, held: 300 });

    const charge = await ledger.settleHold(held, 123, { model: 'local', promptTokens: 10, completionTokens: 40 });
    expect(charge).toMatchObject({ kind: 'charged', price: 123, balanceAfter: 877 });
    expect(await account('h-settle')).toEqual({ balance: 877, held: 0 });
    const state = await expectLedgerConsistent(t.dataSource, 'h-settle');
    expect(state.entries.map((e) => [e.type, e.amount, e.balanceAfter])).toEqual([
      ['initial_grant', 1000, 1000],
      ['hold', -300, 700],
      ['hold_release', 300, 1000],
      ['usage', -123, 877],
    ]);
    expect(await metadataOf('h-settle', 'usage')).toEqual([
      { holdId: held.holdId, model: 'local', promptTokens: 10, completionTokens: 40 },
    ]);

    const again = await ledger.settleHold(held, 1, {}).catch((error: unknown) => error);
    expect(again).toMatchObject({ code: TokensErrorCode.HOLD_CLOSED, status: 409 });
    expect(await ledger.releaseHold(held)).toBe(false);
    expect(await account('h-settle')).toEqual({ balance: 877, held: 0 });
  });

  it('a hold the balance cannot cover is a 402 and changes nothing', async () => {
    await hold('h-short', 990);
    const refused = await hold('h-short', 11).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TokensError);
    expect(refused).toMatchObject({ code: TokensErrorCode.INSUFFICIENT_TOKENS, details: { balance: 10, required: 11 } });
    expect(await account('h-short')).toEqual({ balance: 10, held: 990 });
  });

  it('50 parallel holds that together exceed the balance: only those that fit start; after settling, balance == start - the actual prices', async () => {
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => hold('h-race', 70)));
    const holds = results.filter((r): r is PromiseFulfilledResult<Hold> => r.status === 'fulfilled').map((r) => r.value);
    expect(holds).toHaveLength(14); // floor(1000 / 70)
    expect(
      results.filter((r) => r.status === 'rejected').every((r) => (r.reason as TokensError).code === TokensErrorCode.INSUFFICIENT_TOKENS),
    ).toBe(true);
    expect(await account('h-race')).toEqual({ balance: 20, held: 980 });

    const prices = holds.map((_, i) => (i * 7) % 71); // each at most its hold
    await Promise.all(holds.map((h, i) => (i % 5 === 4 ? ledger.releaseHold(h) : ledger.settleHold(h, prices[i], {}))));
    const charged = holds.reduce((sum, _, i) => sum + (i % 5 === 4 ? 0 : prices[i]), 0);
    expect(await account('h-race')).toEqual({ balance: 1000 - charged, held: 0 });
    await expectLedgerConsistent(t.dataSource, 'h-race');
  });

  it('a hold spanning both buckets gives back exactly what it took from each', async () => {
    await hold('h-buckets', 1); // seeds the account: 1,000 of allowance
    const postings = t.app.get(TransactionalPostings);
    await t.app
      .get(TransactionRunner)
      .run((em) => postings.post(em, { payerId: 'h-buckets', type: LedgerEntryType.AdminGrant, amount: 500 }));
    const big = await hold('h-buckets', 1200); // the 999 of allowance left, then 201 of credits
    expect(big.buckets).toEqual({ allowance: -999, credits: -201 });
    await ledger.releaseHold(big);
    const [row] = await t.dataSource.query<Array<{ allowance: unknown; credits: unknown }>>(
      'SELECT allowance, credits FROM token_accounts WHERE user_id = ?',
      ['h-buckets'],
    );
    expect([Number(row.allowance), Number(row.credits)]).toEqual([999, 500]);
    expect(await account('h-buckets')).toEqual({ balance: 1499, held: 1 });
  });

  it('a hold nobody settles is released once after the hold TTL, by any number of concurrent jobs; a late settlement still charges', async () => {
    const stale = await hold('h-expired', 250);
    expect(await ledger.releaseExpiredHolds(100)).toBe(0);
    clock.advance(901 * 1000);
    const released = await Promise.all([ledger.releaseExpiredHolds(100), ledger.releaseExpiredHolds(100), ledger.releaseExpiredHolds(100)]);
    expect(released.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    expect(await account('h-expired')).toEqual({ balance: 1000, held: 0 });
    await expectLedgerConsistent(t.dataSource, 'h-expired');
    expect(await metadataOf('h-expired', 'hold_release')).toEqual([{ holdId: stale.holdId, reason: 'expired' }]);
    // Its request did finish after all (its process had stopped renewing it): the work is charged, once.
    const late = await ledger.settleHold(stale, 40, { model: 'local' });
    expect(late).toMatchObject({ kind: 'charged', price: 40, balanceAfter: 960 });
    expect(await metadataOf('h-expired', 'usage')).toEqual([{ holdId: stale.holdId, model: 'local', holdClosedBefore: 'expired' }]);
    await expect(ledger.settleHold(stale, 40, {})).rejects.toMatchObject({ code: TokensErrorCode.HOLD_CLOSED });
    expect(await account('h-expired')).toEqual({ balance: 960, held: 0 });
    await expectLedgerConsistent(t.dataSource, 'h-expired');
  });

  it('the holds of running requests are renewed a whole TTL ahead, so they never expire while the process lives', async () => {
    const running = await hold('h-renewed', 100);
    clock.advance(600 * 1000);
    expect(await ledger.renewRunningHolds()).toBeGreaterThanOrEqual(1);
    clock.advance(600 * 1000); // 1,200 s after the hold, 600 s after its renewal
    expect(await ledger.releaseExpiredHolds(100)).toBe(0);
    expect(await account('h-renewed')).toEqual({ balance: 900, held: 100 });
    await ledger.settleHold(running, 10, {});
    expect(await account('h-renewed')).toEqual({ balance: 990, held: 0 });
    expect(await ledger.renewRunningHolds()).toBe(0); // settled: no longer renewed
  });

  it('the actual price is charged above the hold: from the balance as far as it goes, the rest owed (never below 0)', async () => {
    const small = await hold('h-over', 50);
    const covered = await ledger.settleHold(small, 120, {}); // 70 more than held, the balance covers it
    expect(covered).toMatchObject({ price: 120, balanceAfter: 880 });
    await hold('h-over', 800); // 80 left
    const last = await hold('h-over', 30); // 50 left
    const over = await ledger.settleHold(last, 200, {}); // the hold's 30 and the 50 left: 120 owed
    expect(over).toMatchObject({ price: 200, balanceAfter: 0 });
    expect(await metadataOf('h-over', 'usage')).toEqual([{ holdId: small.holdId }, { holdId: last.holdId, uncollected: 120 }]);
    expect(await owedState(t.dataSource, 'h-over')).toMatchObject({ owed: 120, ledgerOwed: 120 });
    await expectLedgerConsistent(t.dataSource, 'h-over');
  });

  it('parallel settlements above their holds: the balance never goes below 0 and what is owed is exact', async () => {
    const holds = await Promise.all(Array.from({ length: 20 }, () => hold('h-owe-race', 40))); // 800 held, 200 left
    await Promise.all(holds.map((h) => ledger.settleHold(h, 90, {}))); // 1,800 due: 1,000 taken, 800 owed
    expect(await account('h-owe-race')).toEqual({ balance: 0, held: 0 });
    expect(await owedState(t.dataSource, 'h-owe-race')).toMatchObject({ owed: 800, ledgerOwed: 800 });
    await expectLedgerConsistent(t.dataSource, 'h-owe-race');
    // Tokens the account receives repay what it owes first.
    const postings = t.app.get(TransactionalPostings);
    await t.app
      .get(TransactionRunner)
      .run((em) => postings.post(em, { payerId: 'h-owe-race', type: LedgerEntryType.AdminGrant, amount: 500 }));
    expect(await owedState(t.dataSource, 'h-owe-race')).toMatchObject({ owed: 300 });
    expect(await account('h-owe-race')).toEqual({ balance: 0, held: 0 });
    await expectLedgerConsistent(t.dataSource, 'h-owe-race');
  });

  it('a hold belongs to its period: the allowance it took expires with the period (rollover cap 0), its release gives back only the rest', async () => {
    const open = await hold('h-period', 700); // 300 of allowance left, 700 held
    clock.advance(32 * 24 * 3600 * 1000); // past the period end (the suites' policy keeps nothing)
    await ledger.renewRunningHolds();
    expect(await ledger.rollDuePeriods(100)).toBeGreaterThanOrEqual(1);
    // The 300 left and the 700 held expired; the new period grants 1,000.
    expect(await account('h-period')).toEqual({ balance: 1000, held: 0 });
    expect(await ledger.releaseHold(open)).toBe(true);
    const [row] = await t.dataSource.query<Array<{ allowance: unknown }>>('SELECT allowance FROM token_accounts WHERE user_id = ?', [
      'h-period',
    ]);
    expect(Number(row.allowance)).toBe(1000); // never more than the period grant
    expect(await metadataOf('h-period', 'expiry')).toEqual([expect.objectContaining({ rolloverCap: 0, heldExpired: 700 })]);
    await expectLedgerConsistent(t.dataSource, 'h-period');
  });

  it('leaves a database whose integrity report finds nothing wrong', async () => {
    await expectIntegrityClean(t.app.get(TokenIntegrityService));
  });
});
