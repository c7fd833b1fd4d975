/**
 * Three processes of the compiled app (node main.js) on one MariaDB database, hammered in parallel
 * on the same accounts: requests go round-robin to the three, idempotent requests send the same key
 * to all three at once, admins grant, deduct and change plans in the middle of it. Afterwards the
 * invariants hold and every balance moved by exactly what the answers said.
 */
import { AppProcess, killAllApps } from './support/app-process.js';
import { chargedByUser, cliIntegrity, compareWithLedger, costOf, expectInvariants } from './support/checks.js';
import { ReliabilityDatabase } from './support/database.js';
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

const SEED = Number(process.env.RELIABILITY_SEED ?? 20251122);
const CONCURRENCY = 48;
const STARTING_TOKENS = 100; // the free plan
const STARTER_PLAN_EXTRA = 10_000 - 100; // free -> starter adds the difference in monthly tokens

type Stream = 'chat-exact' | 'social-exact' | 'mixed' | 'plan';

interface Account {
  user: User;
  stream: Stream;
  /** Balance when the traffic starts (free plan tokens + the set-up grant). */
  initial: number;
  /** Requests of the single-cost streams. */
  attempts: number;
}

interface Adjustment {
  userId: string;
  kind: 'grant' | 'deduct';
  amount: number;
  outcome: Outcome;
}

describe('three app processes on one database, under parallel load on shared accounts', () => {
  let db: ReliabilityDatabase;
  const apps: AppProcess[] = [];
  let admin: string;
  let rr = 0;
  const nextApp = () => apps[rr++ % apps.length];

  beforeAll(async () => {
    db = await ReliabilityDatabase.create('multi');
    // The first one runs the migrations and creates the admin; the other two start on that schema.
    apps.push(await AppProcess.start('app-1', db.url()));
    apps.push(...(await Promise.all(['app-2', 'app-3'].map((name) => AppProcess.start(name, db.url())))));
    admin = await adminToken(apps[1].baseUrl); // a token from one instance works on every instance
  }, 120000);

  afterAll(async () => {
    await killAllApps();
    await db?.drop();
  });

  test('exactly what the balances allow succeeds, each idempotency key charges once across instances, and every invariant holds', async () => {
    const rand = random(SEED);
    const userOf = new Map<string, string>(); // request id -> user id
    const send = (user: User, route: typeof CHAT | typeof SOCIAL, i: number, app = nextApp(), idempotencyKey?: string) =>
      call(app.baseUrl, 'POST', route.path, route.body(i), { token: user.token, idempotencyKey, instance: app.name }).then((o) => {
        userOf.set(o.requestId, user.id);
        return o;
      });

    // 20 users, registered on all three instances, with known balances.
    const plan: Array<[Stream, number]> = [
      ...[0, 13, 29, 41, 60].map((g): [Stream, number] => ['chat-exact', g]),
      ...[7, 45, 99, 133, 201].map((g): [Stream, number] => ['social-exact', g]),
      ...[200, 200, 200, 200, 200].map((g): [Stream, number] => ['mixed', g]),
      ...[0, 0, 0, 0, 0].map((g): [Stream, number] => ['plan', g]),
    ];
    const accounts: Account[] = await Promise.all(
      plan.map(async ([stream, grant], i) => {
        const user = await registerUser(nextApp().baseUrl, `${stream}-${i}`);
        if (grant > 0)
          await expectCall(nextApp().baseUrl, 'POST', `/admin/users/${user.id}/tokens/grant`, { amount: grant, reason: 'set-up' }, 201, {
            token: admin,
          });
        const initial = STARTING_TOKENS + grant;
        const attempts = stream === 'chat-exact' ? initial + 25 : stream === 'social-exact' ? Math.floor(initial / 10) + 15 : 0;
        return { user, stream, initial, attempts };
      }),
    );

    const metered: Outcome[] = [];
    const adjustments: Adjustment[] = [];
    const planChanges = new Map<string, Outcome[]>();
    const keys = new Map<string, { user: User; route: typeof CHAT | typeof SOCIAL; body: number }>();
    const tasks: Array<() => Promise<unknown>> = [];
    const record = (o: Outcome | Outcome[]) => metered.push(...(Array.isArray(o) ? o : [o]));

    for (const [index, account] of accounts.entries()) {
      const { user, stream } = account;
      if (stream === 'chat-exact' || stream === 'social-exact') {
        const route = stream === 'chat-exact' ? CHAT : SOCIAL;
        for (let i = 0; i < account.attempts; i++) tasks.push(() => send(user, route, i).then(record));
        continue;
      }
      const chats = 100;
      const socials = stream === 'mixed' ? 40 : 30;
      const keyCount = stream === 'mixed' ? 20 : 10;
      for (let i = 0; i < chats; i++) tasks.push(() => send(user, CHAT, i).then(record));
      for (let i = 0; i < socials; i++) tasks.push(() => send(user, SOCIAL, i).then(record));
      for (let k = 0; k < keyCount; k++) {
        const key = `key-${index}-${k}`;
        const route = k % 2 === 0 ? CHAT : SOCIAL;
        keys.set(key, { user, route, body: 1000 + k });
        // The same key and body to all three instances at the same moment.
        tasks.push(() => Promise.all(apps.map((app) => send(user, route, 1000 + k, app, key))).then(record));
      }
      if (stream === 'mixed') {
        for (let i = 0; i < 15; i++) {
          for (const kind of ['grant', 'deduct'] as const) {
            const amount = kind === 'grant' ? 10 + Math.floor(rand() * 50) : 5 + Math.floor(rand() * 35);
            tasks.push(async () => {
              const outcome = await call(
                nextApp().baseUrl,
                'POST',
                `/admin/users/${user.id}/tokens/${kind}`,
                { amount, reason: `load ${kind}` },
                { token: admin },
              );
              adjustments.push({ userId: user.id, kind, amount, outcome });
            });
          }
        }
      } else {
        // Upgrade in the middle of the traffic, downgrade a little later, on different instances.
        tasks.push(async () => {
          const changes: Outcome[] = [];
          for (const planCode of ['starter', 'free']) {
            await sleep(200 + Math.floor(rand() * 400));
            changes.push(await call(nextApp().baseUrl, 'PUT', `/admin/users/${user.id}/subscription`, { planCode }, { token: admin }));
          }
          planChanges.set(user.id, changes);
        });
      }
    }

    const started = Date.now();
    await runLimited(shuffle(tasks, rand), CONCURRENCY);
    // Every key once more, later, to any instance: a key that charged answers with its first answer.
    const retries = await runLimited(
      [...keys].map(
        ([key, { user, route, body }]) =>
          () =>
            send(user, route, body, apps[Math.floor(rand() * apps.length)], key),
      ),
      CONCURRENCY,
    );
    metered.push(...retries);
    const seconds = (Date.now() - started) / 1000;
    const requestCount = metered.length + adjustments.length + [...planChanges.values()].flat().length;
    note(
      `multi-process: ${requestCount} requests on 3 instances in ${seconds.toFixed(1)} s (seed ${SEED}): ${JSON.stringify(tally(metered))}`,
    );

    // No process died, no answer was a 5xx or missing.
    expect(apps.flatMap((app) => app.unexpectedExits)).toEqual([]);
    const unexpected = [...metered, ...adjustments.map((a) => a.outcome)].filter(
      (o) => !(o.status === 201 || o.status === 402 || (o.status === 409 && o.code === 'IDEMPOTENCY_IN_PROGRESS')),
    );
    expect(unexpected.map((o) => `${o.method} ${o.path} on ${o.instance}: ${o.status} ${o.error ?? JSON.stringify(o.body)}`)).toEqual([]);
    for (const [userId, changes] of planChanges)
      expect({ userId, statuses: changes.map((c) => c.status) }).toEqual({ userId, statuses: [200, 200] });

    // Every answer matches the rows written under its request id (201: one usage row; else none left).
    const comparison = compareWithLedger(metered, await db.ledgerByRequest());
    expect(comparison.problems).toEqual([]);

    // Every balance moved by exactly what the answers said, as seen in the database and by each instance.
    const balances = await db.balances();
    const charged = chargedByUser(metered, (o) => userOf.get(o.requestId)!);
    for (const account of accounts) {
      const { user } = account;
      const mine = adjustments.filter((a) => a.userId === user.id && a.outcome.status === 201);
      const granted = mine.filter((a) => a.kind === 'grant').reduce((sum, a) => sum + a.amount, 0);
      const deducted = mine.filter((a) => a.kind === 'deduct').reduce((sum, a) => sum + a.amount, 0);
      const planDelta = planChanges.has(user.id) ? STARTER_PLAN_EXTRA : 0;
      const final = balances.get(user.id)!;
      expect({ user: user.id, stream: account.stream, charged: charged.get(user.id) ?? 0 }).toEqual({
        user: user.id,
        stream: account.stream,
        charged: account.initial + granted - deducted + planDelta - final,
      });
      for (const app of apps) {
        const { body } = await expectCall(app.baseUrl, 'GET', '/tokens/balance', undefined, 200, { token: user.token });
        expect({ user: user.id, instance: app.name, balance: body.balance }).toEqual({ user: user.id, instance: app.name, balance: final });
      }
    }

    // Invariant 8 across processes: N requests of cost c on balance B, exactly min(N, floor(B/c)) succeed.
    for (const account of accounts.filter((a) => a.stream === 'chat-exact' || a.stream === 'social-exact')) {
      const mine = metered.filter((o) => userOf.get(o.requestId) === account.user.id);
      const cost = costOf(mine[0]);
      const allowed = Math.min(account.attempts, Math.floor(account.initial / cost));
      expect({ user: account.user.id, stream: account.stream, ...tally(mine), final: balances.get(account.user.id) }).toEqual({
        user: account.user.id,
        stream: account.stream,
        '201': allowed,
        '402 INSUFFICIENT_TOKENS': account.attempts - allowed,
        final: account.initial - allowed * cost,
      });
    }

    // Each idempotency key charged at most once across the three instances; its replays carry its first answer.
    let crossInstanceReplays = 0;
    for (const [key, { user }] of keys) {
      const sent = metered.filter((o) => o.idempotencyKey === key && userOf.get(o.requestId) === user.id);
      const charges = sent.filter((o) => o.status === 201 && !o.replayed);
      expect({ key, charges: charges.length <= 1 }).toEqual({ key, charges: true });
      const replays = sent.filter((o) => o.status === 201 && o.replayed);
      if (charges.length === 1) {
        for (const replay of replays)
          expect({ key, body: replay.body, charged: replay.charged }).toEqual({ key, body: charges[0].body, charged: charges[0].charged });
        crossInstanceReplays += replays.filter((r) => r.instance !== charges[0].instance).length;
        // The later retry found the completed key.
        expect({ key, lastRetry: sent[sent.length - 1].replayed || sent[sent.length - 1] === charges[0] }).toEqual({
          key,
          lastRetry: true,
        });
      } else {
        expect({ key, replays: replays.length }).toEqual({ key, replays: 0 });
      }
    }
    expect(crossInstanceReplays).toBeGreaterThan(0);

    // Plan changes: +9,900 for the upgrade, nothing back for the downgrade, in that order.
    for (const userId of planChanges.keys()) {
      const rows = await db.query<{ amount: number }>(
        "SELECT amount FROM token_ledger_entries WHERE user_id = ? AND type = 'plan_change' ORDER BY seq",
        [userId],
      );
      expect({ userId, amounts: rows.map((r) => Number(r.amount)) }).toEqual({ userId, amounts: [STARTER_PLAN_EXTRA, 0] });
    }

    await expectInvariants(
      db,
      apps.map((app) => app.baseUrl),
      admin,
    );
    const cli = await cliIntegrity(db.url());
    expect({ exitCode: cli.exitCode, ok: cli.report.ok }).toEqual({ exitCode: 0, ok: true });
    expect(cli.report.accountsChecked).toBeGreaterThanOrEqual(accounts.length);
  });

  test('256 concurrent requests on ONE account across the three instances: exactly what the balance pays for, each charged once', async () => {
    const user = await registerUser(apps[0].baseUrl, 'hot');
    await expectCall(apps[1].baseUrl, 'POST', `/admin/users/${user.id}/tokens/grant`, { amount: 300, reason: 'set-up' }, 201, {
      token: admin,
    });
    const balance = STARTING_TOKENS + 300;
    const attempts = balance + 200;
    const started = Date.now();
    const outcomes = await runLimited(
      Array.from({ length: attempts }, (_, i) => () => {
        const app = nextApp();
        return call(app.baseUrl, 'POST', CHAT.path, CHAT.body(i), { token: user.token, instance: app.name });
      }),
      256,
    );
    note(`multi-process, one account: ${attempts} requests at 256 concurrent in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    expect(tally(outcomes)).toEqual({ '201': balance, '402 INSUFFICIENT_TOKENS': attempts - balance });
    for (const app of apps) expect(new Set(outcomes.filter((o) => o.instance === app.name).map((o) => o.status)).has(201)).toBe(true);
    const ledger = new Map([...(await db.ledgerByRequest())].filter(([, rows]) => rows.userId === user.id));
    expect(compareWithLedger(outcomes, ledger).problems).toEqual([]);
    expect((await db.balances()).get(user.id)).toBe(0);
    // Each 201 reported a different balance left: 399 down to 0, every one exactly once.
    const remaining = outcomes.filter((o) => o.status === 201).map((o) => Number(o.remaining));
    expect(remaining.sort((a, b) => a - b)).toEqual(Array.from({ length: balance }, (_, i) => i));
    await expectInvariants(
      db,
      apps.map((app) => app.baseUrl),
      admin,
    );
  });
});
