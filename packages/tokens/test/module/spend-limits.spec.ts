/**
 * Spend limits in the group commit, through the TokenLedger port on a real database (TokensModule
 * alone, 1,000 tokens a month per account): the debits of a batch that spend through a limit are
 * counted in arrival order and refused once they would pass it, without failing their neighbours; a
 * debit the balance refuses gives its count back; holds count in full while open, their settlement
 * moves the count to the price, releases and refunds give back; an ended period starts over.
 */
import { randomUUID } from 'node:crypto';
import { type Charge, type ChargeRequest, type Hold, TokenLedger } from '../../src/ledger/token-ledger.js';
import { TokensError, TokensErrorCode, TokensService } from '../../src/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { expectLedgerConsistent } from '../support/ledger-assertions.js';
import { TEST_DB } from '../support/test-database.js';
import { startTokensModule, type TokensTestModule } from '../support/tokens-test-module.js';

const DAY = 24 * 3600 * 1000;

describe(`spend limits in the group commit (${TEST_DB})`, () => {
  let t: TokensTestModule;
  let ledger: TokenLedger;
  let tokens: TokensService;
  const clock = new FakeClock();

  beforeAll(async () => {
    t = await startTokensModule({ clock });
    ledger = t.app.get(TokenLedger);
    tokens = t.app.get(TokensService);
  });
  afterAll(() => t.close());

  const charge = (step: Pick<ChargeRequest, 'payerId' | 'price' | 'limitId'>) =>
    ledger.charge({ action: 'note_summary', requestId: randomUUID(), ...step });
  const hold = async (payerId: string, amount: number, limitId: string) =>
    (await ledger.hold({ payerId, action: 'completion:local', amount, requestId: randomUUID(), limitId })) as Hold;
  const spentOf = async (limitId: string) => (await tokens.spendLimits([limitId])).get(limitId)?.spent;
  const outcomeOf = (settled: PromiseSettledResult<unknown>) =>
    settled.status === 'fulfilled'
      ? (settled.value as Charge).price
      : { code: (settled.reason as TokensError).code, ...(settled.reason as TokensError).details };

  it('a batch counts its limited debits in arrival order: exactly the limit passes, other limits and payers are untouched', async () => {
    await tokens.setSpendLimit('sl-a', 'sl-a-key', { tokens: 10, period: 'day' });
    await tokens.setSpendLimit('sl-a', 'sl-a-other', { tokens: 100, period: 'total' });
    const answers = await Promise.allSettled([
      charge({ payerId: 'sl-a', price: 4, limitId: 'sl-a-key' }),
      charge({ payerId: 'sl-b', price: 50 }),
      charge({ payerId: 'sl-a', price: 4, limitId: 'sl-a-key' }),
      charge({ payerId: 'sl-a', price: 4, limitId: 'sl-a-key' }), // 12 > 10: refused
      charge({ payerId: 'sl-a', price: 30, limitId: 'sl-a-other' }),
      charge({ payerId: 'sl-a', price: 2, limitId: 'sl-a-key' }), // exactly 10
      charge({ payerId: 'sl-a', price: 1, limitId: 'sl-a-key' }),
      charge({ payerId: 'sl-a', price: 5 }), // the payer itself has no limit
    ]);
    const tomorrow = new Date(Math.floor(clock.now().getTime() / DAY) * DAY + DAY).toISOString();
    const refused = { code: TokensErrorCode.SPEND_LIMIT_REACHED, limit: 10, spent: 8, resetsAt: tomorrow };
    expect(answers.map(outcomeOf)).toEqual([4, 50, 4, { ...refused, required: 4 }, 30, 2, { ...refused, spent: 10, required: 1 }, 5]);
    expect(await spentOf('sl-a-key')).toBe(10);
    expect(await spentOf('sl-a-other')).toBe(30);
    expect((await expectLedgerConsistent(t.dataSource, 'sl-a')).balance).toBe(1000 - 4 - 4 - 30 - 2 - 5);
  });

  it('a debit that passed its limit but not the balance gives its count back in the same transaction', async () => {
    await charge({ payerId: 'sl-short', price: 990 });
    await tokens.setSpendLimit('sl-short', 'sl-short-key', { tokens: 100, period: 'month' });
    const answers = await Promise.allSettled([
      charge({ payerId: 'sl-short', price: 50, limitId: 'sl-short-key' }), // 10 left: refused by the balance
      charge({ payerId: 'sl-short', price: 6, limitId: 'sl-short-key' }),
    ]);
    expect(answers.map(outcomeOf)).toEqual([{ code: TokensErrorCode.INSUFFICIENT_TOKENS, balance: 10, required: 50 }, 6]);
    expect(await spentOf('sl-short-key')).toBe(6);
  });

  it('a hold counts in full while open; its settlement counts the price, a release and a refund give back', async () => {
    await tokens.setSpendLimit('sl-h', 'sl-h-key', { tokens: 100, period: 'day' });
    const settled = await hold('sl-h', 60, 'sl-h-key');
    expect(await spentOf('sl-h-key')).toBe(60);
    await expect(hold('sl-h', 50, 'sl-h-key')).rejects.toMatchObject({ code: TokensErrorCode.SPEND_LIMIT_REACHED });
    await ledger.settleHold(settled, 15, {});
    expect(await spentOf('sl-h-key')).toBe(15);

    const released = await hold('sl-h', 80, 'sl-h-key');
    expect(await spentOf('sl-h-key')).toBe(95);
    expect(await ledger.releaseHold(released)).toBe(true);
    expect(await ledger.releaseHold(released)).toBe(false); // closed once: given back once
    expect(await spentOf('sl-h-key')).toBe(15);

    const charged = (await charge({ payerId: 'sl-h', price: 20, limitId: 'sl-h-key' })) as Charge;
    expect(charged.limit).toMatchObject({ limitId: 'sl-h-key' });
    await ledger.refund(charged, { code: 'TEST', message: 'failed' });
    expect(await spentOf('sl-h-key')).toBe(15);
    await expectLedgerConsistent(t.dataSource, 'sl-h');
  });

  it('a hold whose process died gives its count back when it expires', async () => {
    await tokens.setSpendLimit('sl-x', 'sl-x-key', { tokens: 50, period: 'total' });
    await hold('sl-x', 40, 'sl-x-key');
    expect(await spentOf('sl-x-key')).toBe(40);
    clock.advance(901_000); // past the default hold TTL of 900 s
    expect(await ledger.releaseExpiredHolds(100)).toBeGreaterThanOrEqual(1);
    expect(await spentOf('sl-x-key')).toBe(0);
    await expectLedgerConsistent(t.dataSource, 'sl-x');
  });

  it('an ended period starts over; a refund of the period before gives nothing back to the new one', async () => {
    await tokens.setSpendLimit('sl-p', 'sl-p-key', { tokens: 5, period: 'day' });
    const yesterday = (await charge({ payerId: 'sl-p', price: 5, limitId: 'sl-p-key' })) as Charge;
    await expect(charge({ payerId: 'sl-p', price: 1, limitId: 'sl-p-key' })).rejects.toMatchObject({
      code: TokensErrorCode.SPEND_LIMIT_REACHED,
    });
    clock.advance(DAY);
    expect(await spentOf('sl-p-key')).toBe(0);
    await charge({ payerId: 'sl-p', price: 3, limitId: 'sl-p-key' });
    await ledger.refund(yesterday, { code: 'TEST', message: 'late' });
    expect(await spentOf('sl-p-key')).toBe(3);
  });

  it('a limit removed meanwhile is no limit: its debits pass', async () => {
    await tokens.setSpendLimit('sl-r', 'sl-r-key', { tokens: 1, period: 'total' });
    await tokens.removeSpendLimit('sl-r-key');
    expect(await charge({ payerId: 'sl-r', price: 40, limitId: 'sl-r-key' })).toMatchObject({ kind: 'charged', price: 40 });
    expect(await spentOf('sl-r-key')).toBeUndefined();
  });
});
