/**
 * A connection lost during a batch's COMMIT while the database stays up (MariaDB behind a TCP proxy
 * the test controls; the proxy drops only the connection that sent the COMMIT). The batch is checked
 * on another connection: when its COMMIT arrived, every charge in it is answered as it committed;
 * when it never arrived, the server rolled it back and the batch runs again. Either way each caller
 * gets the answer it would have had alone, nothing is charged twice and nothing is served unpaid.
 */
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { type Charge, TokenEvents, TokenLedger, type TokensBatchCommittedEvent, TokensError } from '@token-metering/tokens';
import { registerUser } from './support/factories.js';
import { expectLedgerConsistent, Queryable } from './support/ledger-assertions.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { ProxiedApp, startBehindProxy } from './support/proxied-app.js';
import type { TestApp } from './support/test-app.js';
import { TEST_DB } from './support/test-database.js';

(TEST_DB === 'mariadb' ? describe : describe.skip)('a connection lost during a batch COMMIT, the database up (mariadb)', () => {
  let behindProxy: ProxiedApp;
  let t: TestApp;
  let proxy: TcpProxy;
  let ledger: Queryable;
  const batches: TokensBatchCommittedEvent[] = [];

  beforeAll(async () => {
    behindProxy = await startBehindProxy({ env: { PERIOD_ROLLOVER_INTERVAL_SECONDS: '0' } });
    ({ t, proxy, ledger } = behindProxy);
    t.app.get(EventEmitter2).on(TokenEvents.BatchCommitted, (e: TokensBatchCommittedEvent) => batches.push(e));
  });

  afterAll(() => behindProxy?.close());

  for (const deliver of [true, false]) {
    it(`COMMIT ${deliver ? 'delivered' : 'never delivered'}: every charge of the batch answered as alone, each charged once`, async () => {
      const users = [await registerUser(t.http), await registerUser(t.http)];
      const port = t.app.get(TokenLedger);
      const charge = (userId: string, cost: number, key?: string) =>
        port.charge({
          payerId: userId,
          action: 'chat',
          price: cost,
          requestId: `dropped-${randomUUID()}`,
          idempotency: key ? { key, requestHash: 'dropped' } : undefined,
        });
      batches.length = 0;
      const trap = proxy.dropAtNextCommit({ deliver, skip: 1 });
      const opener = charge(users[1].id, 1);
      const steps: Array<[number, number, string?]> = [
        [0, 30],
        [1, 20],
        [0, 50],
        [0, 40], // short: 20 left
        [1, 9, `key-${deliver}`],
      ];
      const answers = await Promise.allSettled(steps.map(([user, cost, key]) => charge(users[user].id, cost, key)));
      await opener;
      await trap;

      expect(answers.map((a) => (a.status === 'rejected' ? (a.reason as TokensError).code : (a.value as Charge).balanceAfter))).toEqual([
        70,
        79,
        20,
        'INSUFFICIENT_TOKENS',
        70,
      ]);
      // Committed once: a delivered COMMIT is found by the check, an undelivered one is rolled back and run again.
      expect(batches.map((batch) => batch.charges)).toEqual([1, 5]);
      for (const [n, user] of users.entries()) {
        const state = await expectLedgerConsistent(ledger, user.id);
        expect({ user: n, usages: state.entries.filter((e) => e.type === 'usage').map((e) => e.amount) }).toEqual({
          user: n,
          usages: n === 0 ? [-30, -50] : [-1, -20, -9],
        });
      }
      const [key] = (await ledger.query('SELECT status FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ?', [
        users[1].id,
        `key-${deliver}`,
      ])) as Array<{ status: string }>;
      expect(key.status).toBe('in_progress'); // charged, its answer not stored yet: a retry would be told so, not charged again
    });
  }
});
