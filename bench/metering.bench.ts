/**
 * What metering costs: one trivial route, unmetered and metered, at the same concurrency in the
 * same run, and the same route on a bare NestJS + Fastify app as the framework's ceiling. The
 * metered route charges 1 token per request, either spread over many users or all on one user
 * (the hot account, whose row lock serializes its charges). Every charge is then matched against
 * the database: 2xx answers == usage rows == tokens removed, and balance == SUM(ledger) >= 0 for
 * every account. Any drift fails the run. The app's statements and transactions are counted from
 * MariaDB's counters, and every ratio is compared with its goal (lib/goals.ts).
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
  statementsTable,
  runPhases,
  settings,
  table,
  withBench,
  finishRun,
  phaseProblems,
  type PhaseSpec,
} from './lib/run.js';
import { evaluateGoals, goalsTable } from './lib/goals.js';

await withBench('metering', { baselineTable: false, bare: true, countStatements: true }, async (ctx) => {
  const spread = await createUsers(ctx, settings.users, 'spread');
  const [hot] = await createUsers(ctx, 1, 'hot');
  const users = settings.users.toLocaleString('en-US');
  const specs: PhaseSpec[] = [
    // Same request as the unmetered route (the same Authorization headers), which it ignores.
    { key: 'bare', label: 'bare NestJS + Fastify', path: '/bench/bare', users: spread, charging: 'none', target: 'bare' },
    { key: 'unmetered', label: `unmetered (${users} users)`, path: '/bench/unmetered', users: spread, charging: 'none' },
    { key: 'metered_spread', label: `metered, ${users} users`, path: '/bench/metered', users: spread, charging: 'ledger' },
    { key: 'metered_hot', label: 'metered, one hot user', path: '/bench/metered', users: [hot], charging: 'ledger' },
  ];
  const phases = await runPhases(ctx, specs);
  const checks = await finalChecks(ctx);
  endMachine(ctx.machine);

  const problems = phaseProblems(phases);
  problems.push(...accountProblems(checks.accounts));
  if (!checks.app.ok) problems.push(`GET /admin/tokens/integrity is not ok: ${JSON.stringify(checks.app.counts)}`);
  const refused = phases.filter((p) => p.load.requests !== p.load.ok);

  const measured = phases.filter((p) => !p.warmup);
  const base = measured.find((p) => p.key === 'unmetered')!;
  const bare = measured.find((p) => p.key === 'bare')!;
  console.log(`\nMetering benchmark: ${describeMachine(ctx.machine)}\n`);
  console.log(
    table(
      ['scenario', 'req/s', 'vs bare', 'vs unmetered', 'p50 ms', 'vs unmetered', 'p99 ms', 'vs unmetered', 'p99 added ms'],
      measured.map((p) => [
        p.label,
        fmt(p.load.rps, 0),
        ratio(p.load.rps, bare.load.rps),
        ratio(p.load.rps, base.load.rps),
        fmt(p.load.latencyMs.p50, 1),
        ratio(p.load.latencyMs.p50, base.load.latencyMs.p50),
        fmt(p.load.latencyMs.p99, 1),
        ratio(p.load.latencyMs.p99, base.load.latencyMs.p99),
        p.key.startsWith('metered') ? fmt(p.load.latencyMs.p99 - base.load.latencyMs.p99, 1) : '-',
      ]),
    ),
  );
  console.log('');
  console.log(accountingTable(measured));
  console.log(`\nDatabase work (${ctx.machine.statementCounting ?? 'not counted'}; see bench/README.md):\n`);
  console.log(statementsTable(measured));
  const goals = evaluateGoals(measured, `metered, ${users} users`);
  console.log('\nGoals:\n');
  console.log(goalsTable(goals));
  for (const g of goals.filter((g) => g.note)) console.log(`  note, ${g.goal}: ${g.note}`);
  const scored = goals.filter((g) => g.pass !== null);
  const below = scored.filter((g) => !g.pass);
  console.log(
    below.length
      ? `\nBELOW GOAL on ${below.length} of ${scored.length} goals: ${below.map((g) => g.goal).join('; ')}`
      : `\nPASS: every goal met (${scored.length} of ${scored.length})`,
  );
  console.log(
    `\ninvariants: ${checks.accounts.accounts} accounts, balance == SUM(ledger): ${checks.accounts.mismatches.length} mismatches; ` +
      `negative balances: ${checks.accounts.negativeBalances.length}; app integrity report ok: ${checks.app.ok}; ` +
      `every phase (warm-ups included): 2xx == usage rows == tokens removed: ${phases.every((p) => p.accounting.problems.length === 0) ? 'yes' : 'NO'}`,
  );
  if (refused.length)
    console.log(`warning: non-2xx answers in ${refused.map((p) => `${p.label} ${JSON.stringify(p.load.statuses)}`).join('; ')}`);

  return finishRun('metering', { settings, machine: ctx.machine, phases, checks, goals }, problems, 'every request');
});
