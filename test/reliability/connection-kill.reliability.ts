/**
 * Database connections killed mid-charge: while two app processes serve charges, another MariaDB
 * session keeps running `KILL CONNECTION <id>` on their connections (found in PROCESSLIST by the
 * database name), busy or idle. A killed connection can hit any statement of a charge: the key
 * insert, the conditional UPDATE, the ledger insert, the COMMIT, the refund or the idempotent
 * completion. Afterwards no charge is without its ledger row and no ledger row without its charge,
 * every 201 has its committed usage row, and every other answer left nothing charged.
 */
import { AppProcess, killAllApps } from './support/app-process.js';
import { chargedByUser, compareWithLedger, expectInvariants } from './support/checks.js';
import { ConnectionKiller, ReliabilityDatabase } from './support/database.js';
import {
  adminToken,
  call,
  CHAT,
  expectCall,
  note,
  Outcome,
  random,
  registerUser,
  runLimited,
  shuffle,
  SOCIAL,
  tally,
  User,
} from './support/load.js';
import { sleep } from './support/ports.js';

const SEED = Number(process.env.RELIABILITY_SEED ?? 7);
const KILL_INTERVAL_MS = 40;
const CONCURRENCY = 32;

describe('connections killed mid-charge', () => {
  let db: ReliabilityDatabase;
  const apps: AppProcess[] = [];
  let admin: string;
  let killer: ConnectionKiller | undefined;

  beforeAll(async () => {
    db = await ReliabilityDatabase.create('kill');
    apps.push(await AppProcess.start('app-1', db.url()));
    apps.push(await AppProcess.start('app-2', db.url()));
    admin = await adminToken(apps[0].baseUrl);
  }, 120000);

  afterAll(async () => {
    await killer?.stop();
    await killAllApps();
    await db?.drop();
  });

  test('every 201 has its committed usage row, every other answer left no charge, and the ledger stays consistent', async () => {
    const rand = random(SEED);
    let rr = 0;
    const userOf = new Map<string, string>();
    const send = (user: User, route: typeof CHAT | typeof SOCIAL, body: number, idempotencyKey?: string) => {
      const app = apps[rr++ % apps.length];
      return call(app.baseUrl, 'POST', route.path, route.body(body), { token: user.token, idempotencyKey, instance: app.name }).then(
        (o) => {
          userOf.set(o.requestId, user.id);
          return o;
        },
      );
    };

    // Four accounts that never run dry (charges, idempotent charges) and two that do (chat only).
    const rich = await Promise.all([0, 1, 2, 3].map((i) => registerUser(apps[0].baseUrl, `rich-${i}`)));
    for (const user of rich)
      await expectCall(apps[0].baseUrl, 'POST', `/admin/users/${user.id}/tokens/grant`, { amount: 100_000, reason: 'set-up' }, 201, {
        token: admin,
      });
    const poor = await Promise.all([0, 1].map((i) => registerUser(apps[1].baseUrl, `poor-${i}`)));
    for (const user of poor)
      await expectCall(apps[0].baseUrl, 'POST', `/admin/users/${user.id}/tokens/grant`, { amount: 50, reason: 'set-up' }, 201, {
        token: admin,
      });
    const initial = new Map([...rich.map((u): [string, number] => [u.id, 100_100]), ...poor.map((u): [string, number] => [u.id, 150])]);

    const keys = new Map<string, { user: User; route: typeof CHAT | typeof SOCIAL; body: number }>();
    const tasks: Array<() => Promise<Outcome>> = [];
    for (const [u, user] of rich.entries()) {
      for (let i = 0; i < 220; i++) tasks.push(() => send(user, CHAT, i));
      for (let i = 0; i < 90; i++) tasks.push(() => send(user, SOCIAL, i));
      for (let k = 0; k < 90; k++) {
        const key = `kill-${u}-${k}`;
        const route = k % 3 === 0 ? SOCIAL : CHAT;
        keys.set(key, { user, route, body: 5000 + k });
        tasks.push(() => send(user, route, 5000 + k, key));
      }
    }
    for (const user of poor) for (let i = 0; i < 220; i++) tasks.push(() => send(user, CHAT, i));

    const started = Date.now();
    killer = await ConnectionKiller.start(db, KILL_INTERVAL_MS);
    const outcomes = await runLimited(shuffle(tasks, rand), CONCURRENCY);
    const kills = await killer.stop();
    killer = undefined;
    note(
      `connection-kill: ${outcomes.length} requests on 2 instances, ${kills} connections killed, in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(tally(outcomes))}`,
    );

    // The faults happened, and were answered with 503 (or served): never a 500, never left hanging.
    expect(kills).toBeGreaterThanOrEqual(30);
    expect(apps.flatMap((app) => app.unexpectedExits)).toEqual([]);
    const unexpected = outcomes.filter(
      (o) => !(o.status === 201 || o.status === 402 || (o.status === 503 && o.code === 'LEDGER_UNAVAILABLE')),
    );
    expect(unexpected.map((o) => `${o.path} on ${o.instance}: ${o.status} ${o.error ?? JSON.stringify(o.body)}`)).toEqual([]);

    // Without the killer the pools heal at once: every request is served again.
    await sleep(200);
    const recovery = await runLimited(
      Array.from({ length: 20 }, (_, i) => () => send(rich[i % rich.length], CHAT, 9000 + i)),
      4,
    );
    expect(tally(recovery)).toEqual({ '201': 20 });

    // Every answer matches the rows written under its request id.
    expect(compareWithLedger([...outcomes, ...recovery], await db.ledgerByRequest()).problems).toEqual([]);

    // A client retries what failed with its key: the key was released (or completed), so the retry
    // is served, and the key is charged once in all.
    const retried = outcomes.filter((o) => o.idempotencyKey && o.status === 503);
    const retries = await runLimited(
      retried.map((o) => () => {
        const { user, route, body } = keys.get(o.idempotencyKey!)!;
        return send(user, route, body, o.idempotencyKey);
      }),
      4,
    );
    expect(retries.filter((o) => o.status !== 201).map((o) => `${o.idempotencyKey}: ${o.status} ${JSON.stringify(o.body)}`)).toEqual([]);

    const all = [...outcomes, ...recovery, ...retries];
    const comparison = compareWithLedger(all, await db.ledgerByRequest());
    expect(comparison.problems).toEqual([]);
    for (const [key] of keys) {
      const charges = all.filter((o) => o.idempotencyKey === key && o.status === 201 && !o.replayed);
      expect({ key, charges: charges.length }).toEqual({ key, charges: 1 });
    }

    // Balances moved by exactly the 201s; an account that got a 402 had nothing left to spend.
    const balances = await db.balances();
    const charged = chargedByUser(all, (o) => userOf.get(o.requestId)!);
    for (const [userId, start] of initial) {
      expect({ userId, charged: charged.get(userId) ?? 0 }).toEqual({ userId, charged: start - balances.get(userId)! });
    }
    for (const user of poor) {
      const refused = outcomes.filter((o) => userOf.get(o.requestId) === user.id && o.status === 402).length;
      if (refused > 0) expect({ user: user.id, refused, balance: balances.get(user.id) }).toEqual({ user: user.id, refused, balance: 0 });
    }

    await expectInvariants(
      db,
      apps.map((app) => app.baseUrl),
      admin,
    );
  });
});
