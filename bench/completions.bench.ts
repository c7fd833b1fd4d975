/**
 * What metering by actual usage costs an AI completion: POST /v1/chat/completions (hold, model call,
 * settlement) against the same model call and answer with the metering off (/bench/completions-unmetered),
 * both against a fake OpenAI-compatible upstream this process starts, at the same concurrency in one
 * run. Every completion is matched against the database: one hold, one release and one usage row per
 * 2xx, nothing left held, tokens removed == the usage rows' prices. Any drift fails the run. The app's
 * statements and transactions per completion are counted too (see bench/README.md).
 */
import { FakeOpenAi } from '../test/support/fake-openai.js';
import { addBenchModel, COMPLETION_BODY } from './lib/completions.js';
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
  settings,
  statementsTable,
  table,
  withBench,
  finishRun,
  phaseProblems,
  type PhaseSpec,
} from './lib/run.js';

const upstream = new FakeOpenAi();
process.env.LLM_BASE_URL = await upstream.start();
try {
  await withBench('completions', { baselineTable: false, countStatements: true }, async (ctx) => {
    await addBenchModel(ctx);
    const users = await createUsers(ctx, Math.min(settings.users, 200), 'completions');
    const specs: PhaseSpec[] = [
      {
        key: 'unmetered',
        label: 'completion, metering off',
        path: '/bench/completions-unmetered',
        users,
        charging: 'none',
        body: COMPLETION_BODY,
      },
      {
        key: 'metered',
        label: 'completion, held and settled',
        path: '/v1/chat/completions',
        users,
        charging: 'holds',
        body: COMPLETION_BODY,
      },
    ];
    const phases = await runPhases(ctx, specs);
    const checks = await finalChecks(ctx);
    endMachine(ctx.machine);

    const problems = phaseProblems(phases);
    problems.push(...accountProblems(checks.accounts));
    if (!checks.app.ok) problems.push(`GET /admin/tokens/integrity is not ok: ${JSON.stringify(checks.app.counts)}`);
    const measured = phases.filter((p) => !p.warmup);
    const base = measured.find((p) => p.key === 'unmetered')!;
    console.log(`\nCompletions benchmark: ${describeMachine(ctx.machine)}\n`);
    console.log(
      table(
        ['scenario', 'req/s', 'vs metering off', 'p50 ms', 'p99 ms', 'p99 added ms'],
        measured.map((p) => [
          p.label,
          fmt(p.load.rps, 0),
          ratio(p.load.rps, base.load.rps),
          fmt(p.load.latencyMs.p50, 1),
          fmt(p.load.latencyMs.p99, 1),
          p.key === 'metered' ? fmt(p.load.latencyMs.p99 - base.load.latencyMs.p99, 1) : '-',
        ]),
      ),
    );
    console.log('');
    console.log(accountingTable(measured));
    console.log(`\nDatabase work (${ctx.machine.statementCounting ?? 'not counted'}; see bench/README.md):\n`);
    console.log(statementsTable(measured));
    return finishRun('completions', { settings, machine: ctx.machine, phases, checks }, problems, 'every completion');
  });
} finally {
  await upstream.stop();
}
