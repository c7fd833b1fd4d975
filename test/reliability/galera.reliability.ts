/**
 * Three app processes, one per node of a local 3-node MariaDB Galera cluster (scripts/galera), all
 * given the same DATABASE_URL listing the three nodes: they write to node 1 and fail over together.
 * GALERA=1 runs the short part (CI): the three start at once and run the migrations once, and charges
 * go through all three while node 3 leaves and rejoins. GALERA_FULL=1 adds spread, hot and completion
 * load with the writer killed -9 mid-run and restarted by --wsrep-recover, and a COMMIT whose answer
 * is lost. After each: every node consistent and identical, no 500, 503 only while failing over.
 */
import { createConnection } from 'mysql2/promise';
import { FakeOpenAi } from '../support/fake-openai.js';
import { galeraCluster } from '../support/galera.js';
import { describeOnGalera } from '../support/galera-suite.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { AppProcess, killAllApps } from './support/app-process.js';
import { ReliabilityDatabase } from './support/database.js';
import { expectSameOnEveryNode, onEveryNode } from './support/galera-checks.js';
import { runTimeline, type Timeline } from './support/galera-load.js';
import { adminToken, call, CHAT, expectCall, note, registerUser, tally, type User } from './support/load.js';
import { sleep } from './support/ports.js';

const FULL = process.env.GALERA_FULL === '1';
const testFull = FULL ? test : test.skip;
const cluster = galeraCluster({
  dir: process.env.GALERA_DIR ?? '/tmp/token-metering-galera-suite',
  port: Number(process.env.GALERA_PORT ?? 13600),
});
const NAME = 'tokens';

describeOnGalera('three app instances on a 3-node Galera cluster', () => {
  let nodes: ReliabilityDatabase[];
  const apps: AppProcess[] = [];
  const upstream = new FakeOpenAi();
  let admin: string;
  /** Every instance's: the fake OpenAI upstream for completions. */
  let env: Record<string, string> = {};

  beforeAll(async () => {
    const started = Date.now();
    await cluster.up();
    note(`cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    nodes = onEveryNode(cluster, NAME);
    env = { LLM_BASE_URL: await upstream.start(), LLM_API_KEY: 'upstream-key' };
    // All three at once: the migrations must run once.
    apps.push(...(await Promise.all(['app-1', 'app-2', 'app-3'].map((name) => AppProcess.start(name, cluster.url, env)))));
    admin = await adminToken(apps[0].baseUrl);
    const model = { inputPer1k: 1000, outputPer1k: 2000, maxOutputTokens: 50 };
    await expectCall(apps[0].baseUrl, 'PUT', '/admin/models/fake-gpt', model, 200, { token: admin });
  }, 300_000);

  afterAll(async () => {
    await killAllApps();
    await upstream.stop();
    for (const db of nodes ?? []) await db.close();
    await cluster.down();
  }, 120_000);

  test('three instances started at once ran each migration once', async () => {
    for (const db of nodes) {
      const rows = await db.query<{ name: string; n: number }>('SELECT name, COUNT(*) AS n FROM migrations GROUP BY name HAVING n > 1');
      expect(rows).toEqual([]);
    }
    const [{ n }] = await nodes[2].query<{ n: number }>('SELECT COUNT(*) AS n FROM migrations');
    expect(Number(n)).toBeGreaterThan(10);
    for (const app of apps) expect(app.unexpectedExits).toEqual([]);
  });

  test('charges through all three instances while node 3 leaves and rejoins: nothing lost, every node identical', async () => {
    const users = await registerAll(6, 'smoke');
    const load = runTimeline({ apps, spread: users, seconds: 8 });
    await sleep(2000);
    await cluster.stop(3);
    await sleep(2000);
    await cluster.start(3);
    const timeline = await load;
    report('smoke', timeline);
    expect(timeline.outcomes.filter((o) => o.status >= 500 || o.status === 0)).toEqual([]);
    await expectEveryAnswerInTheLedger(timeline);
    note(await expectSameOnEveryNode(nodes));
  });

  test('a read through another node waits until that node applied the charge just made (wsrep_sync_wait)', async () => {
    const pinned = await Promise.all([1, 2].map((node) => AppProcess.start(`app-only-${node}`, cluster.nodeUrl(node as 1 | 2), env)));
    const { hostname, port } = new URL(cluster.nodeUrl(2));
    const node2 = await createConnection({ host: hostname, port: Number(port), user: 'root' });
    try {
      const [user] = await registerAll(1, 'sync-wait');
      // Node 2 stops applying the cluster's write sets (it desyncs) until UNLOCK TABLES.
      await node2.query('FLUSH TABLES WITH READ LOCK');
      const charged = await call(pinned[0].baseUrl, 'POST', CHAT.path, CHAT.body(1), { token: user.token });
      expect(charged.status).toBe(201);
      const reading = call(pinned[1].baseUrl, 'GET', '/tokens/transactions?limit=1', undefined, { token: user.token });
      await sleep(1000);
      await node2.query('UNLOCK TABLES');
      const read = await reading;
      // Without the wait, node 2 answers at once with the ledger as it was before the charge.
      expect(read.body.items[0].balanceAfter).toBe(charged.remaining);
      expect(read.ms).toBeGreaterThanOrEqual(900);
    } finally {
      await node2.query('UNLOCK TABLES').catch(() => undefined);
      await node2.end();
      await Promise.all(pinned.map((app) => app.kill9()));
    }
  });

  test('a node that is not Synced is not ready, and writes move off it until it is Synced again', async () => {
    const pinned = await AppProcess.start('app-only-1', cluster.nodeUrl(1), env);
    const commits = async (db: ReliabilityDatabase) =>
      Number((await db.query<{ Value: string }>("SHOW GLOBAL STATUS LIKE 'wsrep_local_commits'"))[0].Value);
    try {
      await nodes[0].query('SET GLOBAL wsrep_desync = ON'); // Donor/Desynced, as while it feeds a joiner
      await waitFor(async () => (await call(pinned.baseUrl, 'GET', '/health/ready', undefined)).status === 503);
      await sleep(1500); // the instances' next check of the nodes moves their writes to node 2
      for (const app of apps) expect((await call(app.baseUrl, 'GET', '/health/ready', undefined)).status).toBe(200);
      const users = await registerAll(3, 'desync', 10_000);
      const before = await Promise.all(nodes.map(commits));
      const timeline = await runTimeline({ apps, spread: users, seconds: 2 });
      const after = await Promise.all(nodes.map(commits));
      expect(timeline.outcomes.filter((o) => o.status !== 201)).toEqual([]);
      expect(after[0] - before[0]).toBe(0);
      expect(after[1] - before[1]).toBeGreaterThan(0); // fewer than the requests: group commit
    } finally {
      await nodes[0].query('SET GLOBAL wsrep_desync = OFF');
      await pinned.kill9();
    }
    await waitFor(async () => (await cluster.state(1)) === 'Synced');
    note(await expectSameOnEveryNode(nodes));
  });

  testFull(
    'spread, hot and completion load with the writer killed -9 mid-run and recovered by --wsrep-recover',
    async () => {
      const spread = await registerAll(30, 'spread', 10_000);
      const [hot] = await registerAll(1, 'hot', 400); // 500 tokens: exactly 500 charges of 1
      const completers = await registerAll(6, 'completions', 5_000);
      const keys = await Promise.all(
        completers.map(
          async (user) =>
            (await expectCall(apps[0].baseUrl, 'POST', '/api-keys', { name: 'sdk' }, 201, { token: user.token })).body.key as string,
        ),
      );
      const load = runTimeline({ apps, spread, hot, completions: keys, seconds: 24 });
      await sleep(5000);
      const killedAt = Date.now();
      await cluster.kill9(1);
      await sleep(4000);
      await cluster.recover(1); // writes move back to node 1 once it is Synced, under load
      note(`node 1 back (Synced) ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
      const timeline = await load;
      report('kill -9 of the writer', timeline, killedAt);

      expect(timeline.outcomes.filter((o) => o.status === 500 || o.status === 0)).toEqual([]);
      const unavailable = timeline.outcomes.filter((o) => o.status === 503);
      const window = failoverWindow(timeline, killedAt);
      note(
        `failover: no 2xx for ${window.gapMs} ms after the kill; 503s from +${window.first503} to +${window.last503} ms (${unavailable.length})`,
      );
      expect(unavailable.filter((o) => o.startedAt < killedAt - 100 || o.endedAt > killedAt + FAILOVER_BUDGET_MS)).toEqual([]);
      await settleDeferred(nodes[0]);
      await expectEveryAnswerInTheLedger(timeline);
      const hotCharged = timeline.outcomes.filter((o) => o.user === hot.id && o.status === 201).length;
      const [account] = await nodes[1].query<{ balance: string }>('SELECT balance FROM token_accounts WHERE user_id = ?', [hot.id]);
      expect(500 - Number(account.balance)).toBe(hotCharged);
      note(await expectSameOnEveryNode(nodes));
    },
    240_000,
  );

  testFull(
    'a COMMIT whose answer is lost, then its node: the check on the next node finds what committed',
    async () => {
      const proxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(cluster.nodeUrl(1)).port) });
      const url = cluster.url.replace(/@127\.0\.0\.1:\d+,/, `@127.0.0.1:${proxy.port},`);
      const app = await AppProcess.start('app-proxied', url, env);
      try {
        const users = await registerAll(4, 'lost', 10_000);
        for (const deliver of [true, false]) {
          const trap = proxy.dropAtNextCommit({ deliver });
          const load = runTimeline({ apps: [app], spread: users, seconds: 3 });
          await trap;
          await proxy.cut(); // node 1 unreachable for this instance: the commit is checked on node 2
          const timeline = await load;
          report(`lost COMMIT (${deliver ? 'delivered' : 'never delivered'})`, timeline);
          expect(timeline.outcomes.filter((o) => o.status === 500 || o.status === 0)).toEqual([]);
          await settleDeferred(nodes[1]);
          await expectEveryAnswerInTheLedger(timeline);
          await proxy.restore();
        }
        note(await expectSameOnEveryNode(nodes));
      } finally {
        await app.kill9();
        await proxy.close();
      }
    },
    120_000,
  );

  testFull(
    'three instances each writing through its own node: certification conflicts retried, one account never fails another',
    async () => {
      const own = await Promise.all([1, 2, 3].map((node) => AppProcess.start(`app-node-${node}`, cluster.nodeUrl(node as 1 | 2 | 3), env)));
      try {
        const spread = await registerAll(30, 'own-spread', 10_000);
        const [hot] = await registerAll(1, 'own-hot', 400);
        const completers = await registerAll(3, 'own-completions', 5_000);
        const keys = await Promise.all(
          completers.map(
            async (user) =>
              (await expectCall(apps[0].baseUrl, 'POST', '/api-keys', { name: 'sdk' }, 201, { token: user.token })).body.key as string,
          ),
        );
        const timeline = await runTimeline({ apps: own, spread, hot, completions: keys, seconds: 12 });
        report('a writer per node', timeline);
        expect(timeline.outcomes.filter((o) => o.status === 500 || o.status === 0)).toEqual([]);
        // Only the hot account's own requests may run out of retries; the others never fail with it.
        expect(timeline.outcomes.filter((o) => o.status === 503 && o.user !== hot.id)).toEqual([]);
        await settleDeferred(nodes[0]);
        await expectEveryAnswerInTheLedger(timeline);
        note(await expectSameOnEveryNode(nodes));
      } finally {
        await Promise.all(own.map((app) => app.kill9()));
      }
    },
    180_000,
  );

  async function registerAll(count: number, label: string, grant = 0): Promise<User[]> {
    const users = await Promise.all(Array.from({ length: count }, (_, i) => registerUser(apps[i % apps.length].baseUrl, `${label}-${i}`)));
    if (grant > 0) {
      for (const user of users) {
        await expectCall(apps[0].baseUrl, 'POST', `/admin/users/${user.id}/tokens/grant`, { amount: grant, reason: 'set-up' }, 201, {
          token: admin,
        });
      }
    }
    return users;
  }

  /** Each 2xx has exactly one usage row; an answer that was not 2xx kept nothing (usage refunded, or none). */
  async function expectEveryAnswerInTheLedger(timeline: Timeline): Promise<void> {
    const ledger = await nodes[0].ledgerByRequest();
    const wrong = timeline.outcomes.flatMap((o) => {
      const rows = ledger.get(o.requestId);
      const kept = (rows?.usageAmount ?? 0) - (rows?.refundAmount ?? 0);
      if (o.status >= 200 && o.status < 300)
        return rows?.usages === 1 && kept > 0 ? [] : [`${o.status} ${o.path}: ${JSON.stringify(rows)}`];
      // Work that ran while the ledger could not record its price is charged once it can (SettlementDeferred).
      const chargedLater = o.status === 503 && String(o.body?.error?.message ?? o.body?.message).includes('charged as soon as');
      return kept === 0 || (chargedLater && rows?.usages === 1) ? [] : [`${o.status} ${o.path} kept ${kept}`];
    });
    expect(wrong).toEqual([]);
  }

  function report(label: string, timeline: Timeline, from?: number): void {
    note(`${label}: ${timeline.outcomes.length} requests in ${timeline.seconds} s ${JSON.stringify(tally(timeline.outcomes))}`);
    if (from) note(`  first 2xx after the kill at +${failoverWindow(timeline, from).gapMs} ms`);
  }
});

/** The longest a node loss may leave requests failing: Galera's eviction of the node (evs.suspect_timeout) and the app's node check. */
const FAILOVER_BUDGET_MS = 10_000;

function failoverWindow(timeline: Timeline, killedAt: number) {
  const after = timeline.outcomes.filter((o) => o.startedAt >= killedAt);
  const firstOk = Math.min(...after.filter((o) => o.status >= 200 && o.status < 300).map((o) => o.endedAt));
  const unavailable = timeline.outcomes.filter((o) => o.status === 503).map((o) => o.endedAt - killedAt);
  return {
    gapMs: firstOk - killedAt,
    first503: unavailable.length ? Math.min(...unavailable) : 0,
    last503: unavailable.length ? Math.max(...unavailable) : 0,
  };
}

/** Waits until postings deferred while the database was unavailable (refunds, hold closings) are in: no open hold left. */
async function settleDeferred(db: ReliabilityDatabase): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const [{ open }] = await db.query<{ open: number }>('SELECT COUNT(*) AS open FROM token_holds WHERE closed_at IS NULL');
    if (Number(open) === 0) break;
    await sleep(500);
  }
  await sleep(1000); // a deferred refund of a charge is retried within the first second
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not so after ${timeoutMs} ms`);
    await sleep(200);
  }
}
