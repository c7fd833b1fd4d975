/**
 * A hold whose request settled or released it while the database could not take the closing
 * (MariaDB behind a TCP proxy the test cuts): the caller hears 503, and the closing is written in the
 * background as soon as the database is back: settled at the actual price, or released in full. The
 * hold never stays open to expire.
 */
import { randomUUID } from 'node:crypto';
import { type Hold, TokenLedger } from '@token-metering/tokens';
import { registerUser, type TestUser } from './support/factories.js';
import { expectLedgerConsistent, type Queryable } from './support/ledger-assertions.js';
import { type ProxiedApp, startBehindProxy } from './support/proxied-app.js';
import { TEST_DB } from './support/test-database.js';

(TEST_DB === 'mariadb' ? describe : describe.skip)('closing a hold while the database is away (mariadb)', () => {
  let app: ProxiedApp;
  let ledger: Queryable;

  beforeAll(async () => {
    app = await startBehindProxy({ env: { PERIOD_ROLLOVER_INTERVAL_SECONDS: '0' } });
    ledger = app.ledger;
  });

  afterAll(() => app?.close());

  const hold = async (user: TestUser, amount: number): Promise<Hold> =>
    (await app.t.app
      .get(TokenLedger)
      .hold({ payerId: user.id, action: 'chat_completion', amount, requestId: `held-${randomUUID()}` })) as Hold;

  const holdRow = async (holdId: string) => {
    const [row] = await ledger.query('SELECT outcome, closed_at FROM token_holds WHERE id = ?', [holdId]);
    return row as { outcome: string | null; closed_at: Date | null };
  };

  async function closedWithin(holdId: string, ms: number): Promise<string | null> {
    const deadline = Date.now() + ms;
    while ((await holdRow(holdId)).outcome === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    return (await holdRow(holdId)).outcome;
  }

  it.each([
    ['settled at its actual price', 'settle', 'settled', 100 - 7],
    ['released in full', 'release', 'released', 100],
  ] as const)('a hold %s when the database is back', async (_, close, outcome, balance) => {
    const port = app.t.app.get(TokenLedger);
    const user = await registerUser(app.t.http); // 100 tokens
    const held = await hold(user, 30);
    await app.proxy.cut();
    const closing = close === 'settle' ? port.settleHold(held, 7, { model: 'local' }) : port.releaseHold(held);
    await expect(closing).rejects.toMatchObject({ name: expect.stringMatching(/SettlementDeferred|DatabaseUnavailable/) });
    expect((await holdRow(held.holdId)).outcome).toBeNull();

    await app.proxy.restore();
    expect(await closedWithin(held.holdId, 10_000)).toBe(outcome);
    const state = await expectLedgerConsistent(ledger, user.id);
    expect(state.balance).toBe(balance);
    const [account] = await ledger.query('SELECT held FROM token_accounts WHERE user_id = ?', [user.id]);
    expect(Number(account.held)).toBe(0);
  });
});
