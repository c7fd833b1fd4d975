/**
 * Spending limits of API keys across real processes: two processes of the compiled app on one
 * MariaDB database, parallel charges through keys with limits sent round-robin to both. Each key
 * serves exactly its limit (the balance allows more), the rest is 402 KEY_LIMIT_REACHED, and every
 * answer matches the ledger rows of its request id.
 */
import { AppProcess, killAllApps } from './support/app-process.js';
import { compareWithLedger, expectInvariants } from './support/checks.js';
import { ReliabilityDatabase } from './support/database.js';
import { adminToken, call, CHAT, expectCall, registerUser, runLimited, tally } from './support/load.js';

const KEYS = [
  { limit: 25, period: 'total', requests: 90 },
  { limit: 40, period: 'day', requests: 90 },
  { limit: 7, period: 'month', requests: 60 },
] as const;

describe('spending limits of API keys, two app processes on one database', () => {
  let db: ReliabilityDatabase;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    db = await ReliabilityDatabase.create('keylimits');
    apps.push(await AppProcess.start('app-1', db.url()));
    apps.push(await AppProcess.start('app-2', db.url()));
  }, 120000);

  afterAll(async () => {
    await killAllApps();
    await db?.drop();
  });

  test('parallel charges through limited keys on both processes: exactly each limit is served', async () => {
    const user = await registerUser(apps[0].baseUrl, 'keylimits');
    const keys: Array<{ id: string; key: string }> = [];
    for (const [i, { limit, period }] of KEYS.entries()) {
      const { body } = await expectCall(apps[0].baseUrl, 'POST', '/api-keys', { name: `key ${i}` }, 201, { token: user.token });
      await expectCall(apps[1].baseUrl, 'PUT', `/api-keys/${body.id}/limit`, { tokens: limit, period }, 200, { token: user.token });
      keys.push({ id: body.id, key: body.key });
    }

    // The free plan's 100 tokens and a grant: the balance never refuses, only the limits do.
    const admin = await adminToken(apps[0].baseUrl);
    await expectCall(apps[0].baseUrl, 'POST', `/admin/users/${user.id}/tokens/grant`, { amount: 1000, reason: 'limits' }, 201, {
      token: admin,
    });
    const tasks = KEYS.flatMap(({ requests }, k) =>
      Array.from({ length: requests }, (_, i) => () => call(apps[i % 2].baseUrl, 'POST', CHAT.path, CHAT.body(i), { token: keys[k].key })),
    );
    const outcomes = await runLimited(tasks, 48);

    let offset = 0;
    for (const { limit, requests } of KEYS) {
      const own = outcomes.slice(offset, (offset += requests));
      expect({ limit, answers: tally(own) }).toEqual({ limit, answers: { 201: limit, '402 KEY_LIMIT_REACHED': requests - limit } });
    }
    const served = KEYS.reduce((sum, { limit }) => sum + limit, 0);
    const { body: balance } = await expectCall(apps[1].baseUrl, 'GET', '/tokens/balance', undefined, 200, { token: user.token });
    expect(balance.balance).toBe(1100 - served);
    const { body: listed } = await expectCall(apps[0].baseUrl, 'GET', '/api-keys', undefined, 200, { token: user.token });
    expect(keys.map(({ id }) => (listed as Array<{ id: string; spent: number }>).find((k) => k.id === id)?.spent)).toEqual(
      KEYS.map(({ limit }) => limit),
    );
    expect(compareWithLedger(outcomes, await db.ledgerByRequest()).problems).toEqual([]);
    await expectInvariants(
      db,
      apps.map((app) => app.baseUrl),
      admin,
    );
  });
});
