/** The in-memory ledger honours spend limits like the database ledger (all time: it has no periods). */
import { type Charge } from '../../src/ledger/token-ledger.js';
import { InMemoryTokenLedger } from '../../src/testing/index.js';
import { TokensErrorCode } from '../../src/tokens.errors.js';

describe('spend limits of the in-memory ledger', () => {
  const request = { action: 'note_summary', requestId: 'r' };

  it('counts charges and holds, refuses what would pass the limit, and gives back refunds, releases and settlements', async () => {
    const ledger = new InMemoryTokenLedger(() => 1000);
    ledger.setSpendLimit('key', 10);
    const charged = (await ledger.charge({ ...request, payerId: 'p', price: 6, limitId: 'key' })) as Charge;
    await expect(ledger.charge({ ...request, payerId: 'p', price: 5, limitId: 'key' })).rejects.toMatchObject({
      code: TokensErrorCode.SPEND_LIMIT_REACHED,
      details: { limit: 10, spent: 6, required: 5, resetsAt: null },
    });
    expect(ledger.balanceOf('p')).toBe(994);
    await ledger.refund(charged, { code: 'TEST', message: 'failed' });
    expect(ledger.spentThrough('key')).toBe(0);

    const held = await ledger.hold({ ...request, payerId: 'p', amount: 8, limitId: 'key' });
    expect(ledger.spentThrough('key')).toBe(8);
    await ledger.settleHold(held, 3);
    expect(ledger.spentThrough('key')).toBe(3);
    const released = await ledger.hold({ ...request, payerId: 'p', amount: 7, limitId: 'key' });
    await ledger.releaseHold(released);
    expect(ledger.spentThrough('key')).toBe(3);

    ledger.setSpendLimit('key', null);
    expect(await ledger.charge({ ...request, payerId: 'p', price: 50, limitId: 'key' })).toMatchObject({ kind: 'charged' });
  });

  it('a charge the balance refuses counts nothing', async () => {
    const ledger = new InMemoryTokenLedger(() => 5);
    ledger.setSpendLimit('key', 100);
    await expect(ledger.charge({ ...request, payerId: 'p', price: 6, limitId: 'key' })).rejects.toMatchObject({
      code: TokensErrorCode.INSUFFICIENT_TOKENS,
    });
    expect(ledger.spentThrough('key')).toBe(0);
  });
});
