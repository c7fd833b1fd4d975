/**
 * The database ledger through its port, below HTTP: TokensModule alone on a real database, with the
 * suites' account policy (1,000 tokens a month, nothing rolls over), TokenLedger called directly.
 * Each outcome is checked against the rows it must leave.
 */
import { randomUUID } from 'node:crypto';
import { type Charge, TokenLedger } from '../../src/ledger/token-ledger.js';
import { TokenIntegrityService, TokensError, TokensErrorCode } from '../../src/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { expectIntegrityClean, expectLedgerConsistent, ledgerState } from '../support/ledger-assertions.js';
import { TEST_DB } from '../support/test-database.js';
import { startTokensModule, type TokensTestModule } from '../support/tokens-test-module.js';

const DAY = 24 * 3600 * 1000;

describe(`TypeormTokenLedger through the TokenLedger port (${TEST_DB})`, () => {
  let t: TokensTestModule;
  let ledger: TokenLedger;
  const clock = new FakeClock();
  const charge = (payerId: string, price: number, extra: Partial<Parameters<TokenLedger['charge']>[0]> = {}) =>
    ledger.charge({ payerId, action: 'note_summary', price, requestId: randomUUID(), ...extra });

  beforeAll(async () => {
    t = await startTokensModule({ clock });
    ledger = t.app.get(TokenLedger);
  });
  afterAll(() => t.close());

  it('a first charge seeds the account from the policy, then charges it, in plain values', async () => {
    const result = (await charge('p-seed', 30)) as Charge;
    expect(result).toMatchObject({
      kind: 'charged',
      payerId: 'p-seed',
      price: 30,
      balanceAfter: 970,
      buckets: { allowance: -30, credits: 0 },
    });
    const state = await expectLedgerConsistent(t.dataSource, 'p-seed');
    expect(state.entries.map((e) => [e.type, e.amount, e.balanceAfter])).toEqual([
      ['initial_grant', 1000, 1000],
      ['usage', -30, 970],
    ]);
  });

  it('a charge above the balance is refused with the balance and what was required, writing nothing', async () => {
    await charge('p-short', 990);
    const before = await ledgerState(t.dataSource, 'p-short');
    const refused = await charge('p-short', 11).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TokensError);
    expect(refused).toMatchObject({ code: 'INSUFFICIENT_TOKENS', status: 402, details: { balance: 10, required: 11 } });
    expect(await ledgerState(t.dataSource, 'p-short')).toEqual(before);
  });

  it('a refund gives back exactly what the charge took and frees its idempotency key', async () => {
    const claim = { key: 'k-refund', requestHash: 'hash-1' };
    const first = (await charge('p-refund', 40, { idempotency: claim })) as Charge;
    await ledger.refund(first, { code: 'SERVICE_FAILED', message: 'the work failed' });
    const state = await expectLedgerConsistent(t.dataSource, 'p-refund');
    expect(state.balance).toBe(1000);
    expect(state.entries.at(-1)).toMatchObject({ type: 'refund', amount: 40 });
    // The key is free again: the same request runs (and is charged) once more.
    expect(await charge('p-refund', 40, { idempotency: claim })).toMatchObject({ kind: 'charged', balanceAfter: 960 });
  });

  it('a finished key replays its answer in plain values, charging nothing; another request with it is refused', async () => {
    const claim = { key: 'k-replay', requestHash: 'hash-a' };
    const first = (await charge('p-replay', 25, { idempotency: claim })) as Charge;
    await ledger.completeIdempotent(first, { summary: 'done' });
    expect(await charge('p-replay', 25, { idempotency: claim })).toEqual({
      kind: 'replay',
      tokensCharged: 25,
      tokensRemaining: 975,
      responseBody: JSON.stringify({ summary: 'done' }),
    });
    await expect(charge('p-replay', 25, { idempotency: { ...claim, requestHash: 'hash-b' } })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect((await ledgerState(t.dataSource, 'p-replay')).balance).toBe(975);
  });

  it('an ended period is rolled by the policy before the next charge: the allowance above the cap expires, the grant arrives', async () => {
    await charge('p-period', 100);
    clock.advance(31 * DAY);
    expect(await charge('p-period', 1)).toMatchObject({ kind: 'charged', balanceAfter: 999 });
    const state = await expectLedgerConsistent(t.dataSource, 'p-period');
    expect(state.entries.map((e) => [e.type, e.amount])).toEqual([
      ['initial_grant', 1000],
      ['usage', -100],
      ['expiry', -900],
      ['period_grant', 1000],
      ['usage', -1],
    ]);
  });

  it('an account whose opening period has already ended (a missing account of a lapsed period) is seeded and rolled, not refused', async () => {
    // The clock is a month ahead of the policy's (real) periods now: the opening terms end in the past.
    expect(await charge('p-lapsed', 5)).toMatchObject({ kind: 'charged', balanceAfter: 995 });
    const state = await expectLedgerConsistent(t.dataSource, 'p-lapsed');
    expect(state.entries.map((e) => [e.type, e.amount])).toEqual([
      ['initial_grant', 1000],
      ['expiry', -1000],
      ['period_grant', 1000],
      ['usage', -5],
    ]);
  });

  it('parallel charges of one account: exactly as many as the balance pays for', async () => {
    const results = await Promise.allSettled(Array.from({ length: 60 }, () => charge('p-race', 20)));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(50);
    expect(
      results.filter((r) => r.status === 'rejected').every((r) => (r.reason as TokensError).code === TokensErrorCode.INSUFFICIENT_TOKENS),
    ).toBe(true);
    expect((await expectLedgerConsistent(t.dataSource, 'p-race')).balance).toBe(0);
  });

  it('leaves a database whose integrity report finds nothing wrong', async () => {
    await expectIntegrityClean(t.app.get(TokenIntegrityService));
  });
});
