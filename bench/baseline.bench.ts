/**
 * The project's charge against what the teams in the incident reports did, on one hot account at
 * the same concurrency: read the balance, subtract in JavaScript, write it back, log the usage.
 * Reports each route's throughput and the charges it lost (2xx answers the balance does not show).
 * The baseline is expected to lose charges; the project's route must lose none, or the run fails.
 */
import {
  accountingTable,
  accountProblems,
  createUsers,
  describeMachine,
  endMachine,
  finalChecks,
  fmt,
  ratio,
  runPhases,
  table,
  withBench,
  finishRun,
  phaseProblems,
  type PhaseSpec,
} from './lib/run.js';

await withBench('baseline', { baselineTable: true }, async (ctx) => {
  const [projectUser] = await createUsers(ctx, 1, 'hot');
  const [baselineUser] = await createUsers(ctx, 1, 'baseline');
  const specs: PhaseSpec[] = [
    { key: 'unmetered', label: 'unmetered (reference)', path: '/bench/unmetered', users: [projectUser], charging: 'none' },
    { key: 'project', label: 'project: conditional UPDATE + ledger row', path: '/bench/metered', users: [projectUser], charging: 'ledger' },
    {
      key: 'baseline',
      label: 'baseline: SELECT, subtract in JS, UPDATE',
      path: '/bench/read-modify-write',
      users: [baselineUser],
      charging: 'baseline',
    },
  ];
  const phases = await runPhases(ctx, specs);
  const checks = await finalChecks(ctx);
  endMachine(ctx.machine);

  // The baseline account is expected to drift; every other account must be exact.
  const others = <T extends { userId: string }>(list: T[]): T[] => list.filter((entry) => entry.userId !== baselineUser.id);
  const problems = phaseProblems(phases);
  problems.push(...accountProblems(checks.accounts, baselineUser.id));
  const app = checks.app;
  const appProblems =
    others(app.mismatches).length +
    others(app.negativeBalances).length +
    others(app.usersWithoutAccount).length +
    others(app.brokenChains).length;
  if (appProblems > 0)
    problems.push(
      `GET /admin/tokens/integrity reports ${appProblems} problems outside the baseline account: ${JSON.stringify(app.counts)}`,
    );

  const measured = phases.filter((p) => !p.warmup);
  const base = measured.find((p) => p.key === 'unmetered')!;
  const baselineDrift = checks.accounts.mismatches.find((m) => m.userId === baselineUser.id);
  console.log(`\nBaseline benchmark (one hot account per route): ${describeMachine(ctx.machine)}\n`);
  console.log(
    table(
      ['route', 'req/s', 'vs unmetered', 'p50 ms', 'p99 ms', '2xx', 'tokens removed', 'lost charges', 'lost share'],
      measured.map((p) => [
        p.label,
        fmt(p.load.rps, 0),
        ratio(p.load.rps, base.load.rps),
        fmt(p.load.latencyMs.p50, 1),
        fmt(p.load.latencyMs.p99, 1),
        fmt(p.load.ok, 0),
        fmt(p.accounting.tokensRemoved, 0),
        p.key === 'unmetered' ? '-' : fmt(p.accounting.lostCharges, 0),
        p.key === 'unmetered' || p.load.ok === 0 ? '-' : `${fmt((100 * p.accounting.lostCharges) / p.load.ok, 1)}%`,
      ]),
    ),
  );
  console.log('');
  console.log(accountingTable(measured));
  const baselinePhases = phases.filter((p) => p.key === 'baseline');
  const answered = baselinePhases.reduce((sum, p) => sum + p.accounting.succeeded, 0);
  const logged = baselinePhases.reduce((sum, p) => sum + p.accounting.usageRows, 0);
  const removed = baselinePhases.reduce((sum, p) => sum + p.accounting.tokensRemoved, 0);
  console.log(
    `\nbaseline account over the whole run (warm-up included): ${fmt(answered, 0)} charges answered 2xx, ${fmt(logged, 0)} rows in its usage log, ` +
      `${fmt(removed, 0)} tokens removed from its balance: ${fmt(answered - removed, 0)} charges lost` +
      `${baselineDrift ? ` (its balance is ${fmt(baselineDrift.ledgerSum - baselineDrift.balance, 0)} below its ledger, which it never writes)` : ''}`,
  );
  console.log(
    `project invariants: balance == SUM(ledger) on every other account: ${others(checks.accounts.mismatches).length} mismatches; ` +
      `negative balances: ${checks.accounts.negativeBalances.length}; 2xx == usage rows == tokens removed in every project phase: ` +
      `${phases.filter((p) => p.key !== 'baseline').every((p) => p.accounting.problems.length === 0) ? 'yes' : 'NO'}`,
  );

  return finishRun(
    'baseline',
    { machine: ctx.machine, phases, checks, baselineUserId: baselineUser.id },
    problems,
    "every request on the project's accounts",
  );
});
