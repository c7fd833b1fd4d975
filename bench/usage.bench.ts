/**
 * What GET /tokens/usage and GET /tokens/balance (its runwayDays) cost a busy account: a ledger of
 * 1,000,000 rows (bench/lib/usage-ledger.ts), 300,000 of them the busy account's last 30 days, then
 * sequential requests over HTTP, timed from this process (median, p95, max). The first usage request
 * rolls the closed days up (timed on its own); the ones after read the rollup and today's rows. For
 * comparison, the same 30 days summed from the ledger alone (the index on user_id, created_at). Every
 * answer's totals are checked against the ledger.
 */
import { performance } from 'node:perf_hooks';
import { queryRows } from './lib/database.js';
import { createUsers, describeMachine, endMachine, finishRun, fmt, table, withBench, type BenchContext } from './lib/run.js';
import { fillLedger, fillToday, LEDGER_ONLY_USAGE, LEDGER_SHAPE, LEDGER_TOTALS } from './lib/usage-ledger.js';

const REQUESTS = Number(process.env.BENCH_USAGE_REQUESTS ?? 100);
const DAY = 24 * 3600 * 1000;

interface Timing {
  label: string;
  samples: number[];
}

/** A UTC time as MariaDB takes it, whatever the runner's time zone. */
const sqlTime = (time: Date) => time.toISOString().slice(0, 23).replace('T', ' ');

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const summary = ({ label, samples }: Timing) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    label,
    requests: sorted.length,
    medianMs: quantile(sorted, 0.5),
    p95Ms: quantile(sorted, 0.95),
    maxMs: sorted[sorted.length - 1],
  };
};

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

await withBench('usage', { baselineTable: false }, async (ctx: BenchContext) => {
  const [busy] = await createUsers(ctx, 1, 'usage');
  const rows = await fillLedger(ctx.db.connection, busy.id, (line) => console.log(line));
  console.log(`the ledger holds ${rows.toLocaleString('en-US')} rows`);

  const get = async (path: string) => {
    const response = await fetch(`${ctx.server.origin}${path}`, { headers: { authorization: `Bearer ${busy.accessToken}` } });
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as { totals: { tokens: number; requests: number }; from: string; to: string; runwayDays?: number };
  };
  const problems: string[] = [];
  const checkTotals = async (label: string, answer: Awaited<ReturnType<typeof get>>) => {
    const until = new Date(Date.parse(answer.to) + DAY);
    const [expected] = await queryRows<{ tokens: string; requests: string }>(ctx.db.connection, LEDGER_TOTALS, [
      busy.id,
      sqlTime(new Date(answer.from)),
      sqlTime(until),
    ]);
    const want = { tokens: Number(expected.tokens), requests: Number(expected.requests) };
    if (want.tokens !== answer.totals.tokens || want.requests !== answer.totals.requests)
      problems.push(`${label}: totals ${JSON.stringify(answer.totals)}, the ledger says ${JSON.stringify(want)}`);
  };

  const first = await timed(() => get('/tokens/usage?groupBy=model'));
  await checkTotals('first request', first.value);
  const [rolled] = await queryRows<{ days: number; rows: number }>(
    ctx.db.connection,
    'SELECT COUNT(DISTINCT day) AS days, COUNT(*) AS `rows` FROM token_usage_days WHERE user_id = ?',
    [busy.id],
  );
  const todayStart = new Date(new Date().toISOString().slice(0, 10));
  const [today] = await queryRows<{ n: number }>(
    ctx.db.connection,
    'SELECT COUNT(*) AS n FROM token_ledger_entries WHERE user_id = ? AND created_at >= ?',
    [busy.id, sqlTime(todayStart)],
  );
  console.log(
    `first usage request (rolls the account's entries up to an hour ago into ${rolled.rows} rows of ${rolled.days} days): ` +
      `${fmt(first.ms, 1)} ms; ${Number(today.n).toLocaleString('en-US')} of the account's rows are today's`,
  );

  const measure = async (when: string): Promise<Timing[]> => {
    const timings: Timing[] = [
      { label: `GET /tokens/usage (30 days, groupBy=action), ${when}`, samples: [] },
      { label: `GET /tokens/usage (30 days, groupBy=model), ${when}`, samples: [] },
      { label: `GET /tokens/balance (with runwayDays), ${when}`, samples: [] },
      { label: `GET /tokens/transactions (reference: a read without sums), ${when}`, samples: [] },
    ];
    const paths = ['/tokens/usage', '/tokens/usage?groupBy=model', '/tokens/balance', '/tokens/transactions'];
    for (let i = 0; i < REQUESTS; i++) {
      for (const [index, path] of paths.entries()) {
        const { ms, value } = await timed(() => get(path));
        timings[index].samples.push(ms);
        if (i === REQUESTS - 1 && index < 2) await checkTotals(timings[index].label, value);
      }
    }
    return timings;
  };
  const timings = await measure(`${Number(today.n).toLocaleString('en-US')} rows today`);
  const added = await fillToday(ctx.db.connection, busy.id);
  // Those rows are dated before what the rollup holds already, as no ledger entry ever is: it is rolled up again.
  await ctx.db.connection.query('DELETE FROM token_usage_days WHERE user_id = ?', [busy.id]);
  await ctx.db.connection.query('DELETE FROM token_usage_rollups WHERE user_id = ?', [busy.id]);
  const again = await timed(() => get('/tokens/usage?groupBy=model'));
  await checkTotals('first request after the rows of today were added', again.value);
  console.log(`${added.toLocaleString('en-US')} more rows today; the first usage request after (rolls up again): ${fmt(again.ms, 1)} ms`);
  timings.push(...(await measure(`${(Number(today.n) + added).toLocaleString('en-US')} rows today`)));
  const ledgerOnly: Timing = { label: 'the same 30 days from the ledger alone (SQL, per day and action)', samples: [] };
  const from = new Date(todayStart.getTime() - 29 * DAY);
  for (let i = 0; i < Math.min(REQUESTS, 10); i++) {
    const { ms } = await timed(() =>
      queryRows(ctx.db.connection, LEDGER_ONLY_USAGE, [busy.id, sqlTime(from), sqlTime(new Date(todayStart.getTime() + DAY))]),
    );
    ledgerOnly.samples.push(ms);
  }
  endMachine(ctx.machine);

  const results = [...timings, ledgerOnly].map(summary);
  console.log(`\nUsage benchmark: ${describeMachine(ctx.machine)}\n`);
  console.log(
    table(
      ['measured', 'requests', 'median ms', 'p95 ms', 'max ms'],
      results.map((r) => [r.label, String(r.requests), fmt(r.medianMs, 1), fmt(r.p95Ms, 1), fmt(r.maxMs, 1)]),
    ),
  );
  return finishRun(
    'usage',
    {
      machine: ctx.machine,
      ledger: { rows, ...LEDGER_SHAPE, todayRows: Number(today.n), addedToday: added },
      firstRequestMs: first.ms,
      firstRequestAfterAddingMs: again.ms,
      rolled,
      results,
    },
    problems,
    'the usage answers',
  );
});
