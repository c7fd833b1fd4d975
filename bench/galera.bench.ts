/**
 * What a 3-node Galera cluster costs the app: the same app on a local cluster (DATABASE_URL listing the
 * three nodes; it writes to the first Synced one, its sessions read with wsrep_sync_wait=1) and on the
 * standalone MariaDB server, both running in one process's run, scenario by scenario, standalone then
 * cluster: a metered route charging 1 token over many users, the same on one hot user, and chat
 * completions (hold, model call, settlement) against a fake OpenAI-compatible upstream. Every phase is
 * matched against its ledger (2xx == usage rows == tokens removed; for completions one hold, release and
 * usage row each), on the cluster too, and at the end every node must hold the same ledger. Any drift
 * fails the run. The cluster is started fresh and brought down at the end, also on failure or Ctrl-C.
 */
import { FakeOpenAi } from '../test/support/fake-openai.js';
import { GALERA_NODES, galeraCluster, type GaleraNode } from '../test/support/galera.js';
import { checkReplication } from './lib/cluster-checks.js';
import { addBenchModel, COMPLETION_BODY } from './lib/completions.js';
import { MARIADB_SERVER, type DatabaseServer } from './lib/database.js';
import { cleanUpOnInterrupt } from './lib/interrupt.js';
import {
  accountingTable,
  accountProblems,
  createUsers,
  describeMachine,
  endMachine,
  finalChecks,
  finishRun,
  fmt,
  phaseProblems,
  ratio,
  runPhase,
  settings,
  statementsTable,
  table,
  withBench,
  type BenchContext,
  type PhaseResult,
  type PhaseSpec,
} from './lib/run.js';

// Clear of the clusters of the test suites (ports 13300 and 13400, their own directories).
const CLUSTER_DIR = process.env.BENCH_GALERA_DIR ?? '/tmp/token-metering-galera-bench';
const CLUSTER_PORT = Number(process.env.BENCH_GALERA_PORT ?? 13500);

const cluster = galeraCluster({ dir: CLUSTER_DIR, port: CLUSTER_PORT });
const nodeHost = (node: GaleraNode): string => new URL(cluster.nodeUrl(node)).host;
/** The runner creates the database and the app user through node 1; the app's DATABASE_URL lists all three. */
const CLUSTER_SERVER: DatabaseServer = { admin: `mariadb://root@${nodeHost(1)}`, appNodes: GALERA_NODES.map(nodeHost) };

type TargetName = 'standalone' | 'cluster';
const SCENARIOS = ['spread', 'hot', 'completions'] as const;

interface Target {
  name: TargetName;
  ctx: BenchContext;
  /** One phase per scenario, in the order of SCENARIOS. */
  specs: PhaseSpec[];
}

/** The model, the users and the phases of one target, the same on both. */
async function prepare(name: TargetName, ctx: BenchContext): Promise<Target> {
  await addBenchModel(ctx);
  const spread = await createUsers(ctx, settings.users, 'spread');
  const [hot] = await createUsers(ctx, 1, 'hot');
  const completions = await createUsers(ctx, Math.min(settings.users, 200), 'completions');
  const users = settings.users.toLocaleString('en-US');
  const specs: PhaseSpec[] = [
    { key: `${name}_spread`, label: `${name}: metered, ${users} users`, path: '/bench/metered', users: spread, charging: 'ledger' },
    { key: `${name}_hot`, label: `${name}: metered, one hot user`, path: '/bench/metered', users: [hot], charging: 'ledger' },
    {
      key: `${name}_completions`,
      label: `${name}: completion, held and settled`,
      path: '/v1/chat/completions',
      users: completions,
      charging: 'holds',
      body: COMPLETION_BODY,
    },
  ];
  return { name, ctx, specs };
}

/** Every warm-up, then every measured phase: scenario by scenario, standalone then cluster. */
async function runInterleaved(targets: Target[]): Promise<PhaseResult[]> {
  const phases: PhaseResult[] = [];
  for (const [seconds, warmup] of [
    [settings.warmupSeconds, true],
    [settings.seconds, false],
  ] as const)
    for (let scenario = 0; scenario < SCENARIOS.length; scenario++)
      for (const target of targets) phases.push(await runPhase(target.ctx, target.specs[scenario], seconds, warmup));
  return phases;
}

function comparisonTable(measured: PhaseResult[]): string {
  const users = settings.users.toLocaleString('en-US');
  const names = { spread: `metered, ${users} users`, hot: 'metered, one hot user', completions: 'completion, held and settled' };
  return table(
    [
      'scenario',
      'standalone req/s',
      'cluster req/s',
      'cluster/standalone',
      'p50 ms standalone',
      'cluster',
      'ratio',
      'p99 ms standalone',
      'cluster',
      'ratio',
    ],
    SCENARIOS.map((scenario) => {
      const [s, c] = (['standalone', 'cluster'] as const).map((target) => measured.find((p) => p.key === `${target}_${scenario}`)!);
      return [
        names[scenario],
        fmt(s.load.rps, 0),
        fmt(c.load.rps, 0),
        ratio(c.load.rps, s.load.rps),
        fmt(s.load.latencyMs.p50, 1),
        fmt(c.load.latencyMs.p50, 1),
        ratio(c.load.latencyMs.p50, s.load.latencyMs.p50),
        fmt(s.load.latencyMs.p99, 1),
        fmt(c.load.latencyMs.p99, 1),
        ratio(c.load.latencyMs.p99, s.load.latencyMs.p99),
      ];
    }),
  );
}

async function compare(standalone: BenchContext, clustered: BenchContext): Promise<boolean> {
  const targets = [await prepare('standalone', standalone), await prepare('cluster', clustered)];
  const phases = await runInterleaved(targets);
  const checks = { standalone: await finalChecks(standalone), cluster: await finalChecks(clustered) };
  const replication = await checkReplication(cluster, clustered.db.name);
  endMachine(standalone.machine);
  endMachine(clustered.machine);

  const problems = phaseProblems(phases);
  for (const { name } of targets) {
    problems.push(...accountProblems(checks[name].accounts).map((p) => `${name}: ${p}`));
    if (!checks[name].app.ok) problems.push(`${name}: GET /admin/tokens/integrity is not ok: ${JSON.stringify(checks[name].app.counts)}`);
  }
  problems.push(...replication.problems.map((p) => `cluster: ${p}`));

  const measured = phases.filter((p) => !p.warmup);
  console.log(`\nGalera benchmark: ${describeMachine(standalone.machine)}`);
  console.log(
    `standalone: ${MARIADB_SERVER.admin}; cluster: 3 nodes on ${CLUSTER_SERVER.appNodes!.join(', ')} (${CLUSTER_DIR}), MariaDB ` +
      `${clustered.machine.mariadb}, the app writing to node 1; ratios are cluster / standalone\n`,
  );
  console.log(comparisonTable(measured));
  console.log(`\n${accountingTable(measured)}`);
  console.log(
    `(db CPU: the standalone server, pid ${standalone.databasePids.join(', ') || 'not found'}; ` +
      `on the cluster, its three nodes together, pids ${clustered.databasePids.join(', ') || 'not found'})`,
  );
  console.log(
    `\nDatabase work (standalone ${standalone.machine.statementCounting}; cluster, node 1, ${clustered.machine.statementCounting}):\n`,
  );
  console.log(statementsTable(measured));
  console.log('\nCluster nodes at the end (read with wsrep_sync_wait=1):\n');
  console.log(
    table(
      ['node', 'state', 'cluster size', 'ledger rows', 'ledger sum', 'balances', 'CHECKSUM TABLE as node 1'],
      replication.nodes.map((n) => [
        `node ${n.node}`,
        n.state,
        String(n.clusterSize),
        fmt(n.ledgerRows, 0),
        n.ledgerSum,
        n.balanceSum,
        Object.keys(n.checksums).every((t) => n.checksums[t] === replication.nodes[0].checksums[t]) ? 'yes' : 'NO',
      ]),
    ),
  );
  console.log(
    `\ninvariants: ${targets.map(({ name }) => `${name}: ${checks[name].accounts.accounts} accounts, ${checks[name].accounts.mismatches.length} balance != SUM(ledger), ${checks[name].accounts.negativeBalances.length} negative, app integrity ok: ${checks[name].app.ok}`).join('; ')}; ` +
      `every phase (warm-ups included): ledger == answers: ${phases.every((p) => p.accounting.problems.length === 0) ? 'yes' : 'NO'}; ` +
      `every node holds the same ledger: ${replication.problems.length === 0 ? 'yes' : 'NO'}`,
  );
  const refused = phases.filter((p) => p.load.requests !== p.load.ok);
  if (refused.length)
    console.log(`warning: non-2xx answers in ${refused.map((p) => `${p.label} ${JSON.stringify(p.load.statuses)}`).join('; ')}`);
  const machines = { standalone: standalone.machine, cluster: clustered.machine };
  return finishRun(
    'galera',
    { settings, machines, cluster: { dir: CLUSTER_DIR, port: CLUSTER_PORT }, phases, checks, replication },
    problems,
    'every request',
  );
}

const upstream = new FakeOpenAi();
const forgetCluster = cleanUpOnInterrupt(() => cluster.down());
let ok = false;
try {
  process.env.LLM_BASE_URL = await upstream.start();
  console.log(`starting a 3-node Galera cluster in ${CLUSTER_DIR}, SQL on ${CLUSTER_SERVER.appNodes!.join(', ')}`);
  const started = Date.now();
  await cluster.up();
  console.log(`cluster up, every node Synced, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  ok = await withBench('galera-standalone', { baselineTable: false, countStatements: true }, (standalone) =>
    withBench('galera-cluster', { baselineTable: false, countStatements: true, database: CLUSTER_SERVER }, (clustered) =>
      compare(standalone, clustered),
    ),
  );
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  ok = false;
} finally {
  await upstream.stop().catch(() => undefined);
  // After a failure the nodes' data and error logs stay in the directory (nodeN/error.log).
  await (ok ? cluster.clean() : cluster.down()).catch((error: Error) => {
    console.error(`bringing the cluster down failed: ${error.message}`);
    ok = false;
  });
  console.log(ok ? 'cluster down, its directory removed' : `cluster down; its directory is kept: ${CLUSTER_DIR}`);
  forgetCluster();
}
process.exitCode = ok ? 0 : 1;
