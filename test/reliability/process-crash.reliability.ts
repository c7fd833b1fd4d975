/**
 * One of three app processes killed with SIGKILL in the middle of the traffic, then restarted on
 * the same port while the traffic goes on. A killed process finishes nothing: requests in flight get
 * no answer, whatever stage they were at. What a client can then observe:
 * - every 201 it did receive has its committed usage row, and every invariant holds;
 * - a request that got no answer may have been charged (the charge committed, the answer died with
 *   the process): its usage row carries its request id, so it can be reconciled, but nothing
 *   refunds it;
 * - retrying such a request with its Idempotency-Key never charges twice: the key is free (the
 *   charge never committed: the retry runs, once), completed (the retry replays the answer), or left
 *   "in progress" by the dead process (the retry gets 409 IDEMPOTENCY_IN_PROGRESS until the key
 *   expires, 24 hours after the first request; then the request runs, and is charged, once more).
 */
import { AppProcess, killAllApps } from './support/app-process.js';
import { chargedByUser, compareWithLedger, costOf, expectInvariants } from './support/checks.js';
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

const SEED = Number(process.env.RELIABILITY_SEED ?? 99);
const CONCURRENCY = 48;
const REQUESTS_PER_CYCLE = 900;
/** Kill cycles until at least one key was left "in progress" (it depends on where the kill lands). */
const MAX_CYCLES = 3;

interface Sent {
  user: User;
  route: typeof CHAT | typeof SOCIAL;
  body: number;
}

describe('an app process killed with SIGKILL under load and restarted', () => {
  let db: ReliabilityDatabase;
  const apps: AppProcess[] = [];
  let admin: string;

  beforeAll(async () => {
    db = await ReliabilityDatabase.create('crash');
    apps.push(await AppProcess.start('app-1', db.url()));
    apps.push(...(await Promise.all(['app-2', 'app-3'].map((name) => AppProcess.start(name, db.url())))));
    admin = await adminToken(apps[0].baseUrl);
  }, 120000);

  afterAll(async () => {
    await killAllApps();
    await db?.drop();
  });

  test('every answered charge is committed, no idempotency key charges twice, and the ledger stays consistent', async () => {
    const rand = random(SEED);
    const victim = apps[1];
    const users = await Promise.all(Array.from({ length: 8 }, (_, i) => registerUser(apps[0].baseUrl, `crash-${i}`)));
    for (const user of users)
      await expectCall(apps[0].baseUrl, 'POST', `/admin/users/${user.id}/tokens/grant`, { amount: 100_000, reason: 'set-up' }, 201, {
        token: admin,
      });
    const initial = 100_100;

    const userOf = new Map<string, string>();
    const sentWithKey = new Map<string, Sent>();
    const send = (app: AppProcess, { user, route, body }: Sent, idempotencyKey?: string) =>
      call(app.baseUrl, 'POST', route.path, route.body(body), {
        token: user.token,
        idempotencyKey,
        instance: app.name,
        timeoutMs: 20000,
      }).then((o) => {
        userOf.set(o.requestId, user.id);
        return o;
      });

    const outcomes: Outcome[] = [];
    let stuckKeys: string[] = [];
    let cycles = 0;
    while (cycles < MAX_CYCLES && stuckKeys.length === 0) {
      cycles += 1;
      // Half of the requests carry a key of their own; all go round-robin to the three processes.
      let done = 0;
      const tasks = Array.from({ length: REQUESTS_PER_CYCLE }, (_, i) => {
        const sent: Sent = { user: users[i % users.length], route: i % 4 === 0 ? SOCIAL : CHAT, body: cycles * 10_000 + i };
        const key = i % 2 === 0 ? `crash-${cycles}-${i}` : undefined;
        if (key) sentWithKey.set(key, sent);
        return () => send(apps[i % apps.length], sent, key).then((o) => (done++, o));
      });
      const traffic = runLimited(shuffle(tasks, rand), CONCURRENCY);
      while (done < REQUESTS_PER_CYCLE * 0.35) await sleep(10);
      await victim.kill9();
      // Traffic goes on (the victim's share is refused), then the process comes back on its port.
      await sleep(300);
      await victim.restart();
      outcomes.push(...(await traffic));

      const unanswered = outcomes.filter((o) => o.status === 0 && o.idempotencyKey);
      const rows = unanswered.length
        ? await db.query<{ idempotency_key: string; status: string }>(
            `SELECT idempotency_key, status FROM idempotency_keys WHERE idempotency_key IN (${unanswered.map(() => '?').join(', ')})`,
            unanswered.map((o) => o.idempotencyKey),
          )
        : [];
      stuckKeys = rows.filter((r) => r.status === 'in_progress').map((r) => r.idempotency_key);
    }
    note(
      `process-crash: ${outcomes.length} requests in ${cycles} kill cycle(s): ${JSON.stringify(tally(outcomes))}; keys left in progress: ${stuckKeys.length}`,
    );

    // Only the killed process failed to answer; nothing answered 5xx; nobody else died.
    expect(apps.flatMap((app) => app.unexpectedExits)).toEqual([]);
    const unexpected = outcomes.filter((o) => !(o.status === 201 || (o.status === 0 && o.instance === victim.name)));
    expect(unexpected.map((o) => `${o.path} on ${o.instance}: ${o.status} ${o.error ?? JSON.stringify(o.body)}`)).toEqual([]);
    expect(outcomes.filter((o) => o.status === 0).length).toBeGreaterThan(0);

    // Every 201 has its usage row; an unanswered request has at most its own charge, unrefunded.
    const before = compareWithLedger(outcomes, await db.ledgerByRequest(), { allowUnansweredCharges: true });
    expect(before.problems).toEqual([]);
    const chargedUnanswered = new Set(before.unansweredCharges.map((o) => o.requestId));

    // Retry every unanswered request that had a key, on a process that stayed up.
    const keyRows = new Map(
      (await db.query<{ idempotency_key: string; status: string }>('SELECT idempotency_key, status FROM idempotency_keys')).map((r) => [
        r.idempotency_key,
        r.status,
      ]),
    );
    const toRetry = outcomes.filter((o) => o.status === 0 && o.idempotencyKey);
    const retries = await runLimited(
      toRetry.map((o) => () => send(apps[0], sentWithKey.get(o.idempotencyKey!)!, o.idempotencyKey)),
      8,
    );
    const seenStates = { free: 0, completed: 0, in_progress: 0 };
    for (const [i, retry] of retries.entries()) {
      const original = toRetry[i];
      const state = (keyRows.get(original.idempotencyKey!) ?? 'free') as keyof typeof seenStates;
      seenStates[state] += 1;
      const expected =
        state === 'free'
          ? { status: 201, replayed: false, originalCharged: false }
          : state === 'completed'
            ? { status: 201, replayed: true, originalCharged: true }
            : { status: 409, code: 'IDEMPOTENCY_IN_PROGRESS', replayed: false, originalCharged: true };
      expect({
        key: original.idempotencyKey,
        status: retry.status,
        ...(retry.status === 409 ? { code: retry.code } : {}),
        replayed: retry.replayed,
        originalCharged: chargedUnanswered.has(original.requestId),
      }).toEqual({ key: original.idempotencyKey, ...expected });
    }
    note(`process-crash: unanswered keyed requests retried: ${JSON.stringify(seenStates)}`);

    // A key left in progress by the dead process runs again once it expired (24 h; moved here),
    // once: its second retry replays. That key is then charged twice in all (the lost run and this one).
    const afterExpiry: Outcome[] = [];
    if (stuckKeys.length > 0) {
      await db.query(
        `UPDATE idempotency_keys SET expires_at = TIMESTAMPADD(SECOND, -1, UTC_TIMESTAMP()) WHERE idempotency_key IN (${stuckKeys.map(() => '?').join(', ')})`,
        stuckKeys,
      );
      for (const key of stuckKeys) {
        const rerun = await send(apps[2], sentWithKey.get(key)!, key);
        const replay = await send(apps[0], sentWithKey.get(key)!, key);
        expect({ key, rerun: [rerun.status, rerun.replayed], replay: [replay.status, replay.replayed], body: replay.body }).toEqual({
          key,
          rerun: [201, false],
          replay: [201, true],
          body: rerun.body,
        });
        afterExpiry.push(rerun, replay);
      }
    } else {
      note('process-crash: no key was left in progress in this run; the expiry path was not exercised');
    }

    // Per key: one charge in all (two for an expired in-progress key: the lost run and the rerun).
    const all = [...outcomes, ...retries, ...afterExpiry];
    const after = compareWithLedger(all, await db.ledgerByRequest(), { allowUnansweredCharges: true });
    expect(after.problems).toEqual([]);
    const chargedRequests = new Set([
      ...after.unansweredCharges.map((o) => o.requestId),
      ...all.filter((o) => o.status === 201 && !o.replayed).map((o) => o.requestId),
    ]);
    for (const key of sentWithKey.keys()) {
      const charges = all.filter((o) => o.idempotencyKey === key && chargedRequests.has(o.requestId)).length;
      expect({ key, charges }).toEqual({ key, charges: stuckKeys.includes(key) ? 2 : 1 });
    }

    // Balances: exactly the 201s plus the charges whose answer died with the process.
    const balances = await db.balances();
    const charged = chargedByUser(all, (o) => userOf.get(o.requestId)!, after.unansweredCharges);
    for (const user of users)
      expect({ user: user.id, charged: charged.get(user.id) ?? 0 }).toEqual({ user: user.id, charged: initial - balances.get(user.id)! });
    note(
      `process-crash: ${after.unansweredCharges.length} requests charged without an answer (${after.unansweredCharges.reduce((sum, o) => sum + costOf(o), 0)} tokens)`,
    );

    // The restarted process serves, and every invariant holds on all three.
    const check = await send(victim, { user: users[0], route: CHAT, body: 1 });
    expect(check.status).toBe(201);
    await expectInvariants(
      db,
      apps.map((app) => app.baseUrl),
      admin,
    );
  });
});
