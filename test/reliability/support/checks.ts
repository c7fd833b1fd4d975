import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { appDir, REPO_ROOT } from './app-build.js';
import { JWT_SECRET } from './app-process.js';
import type { ReliabilityDatabase, RequestLedger } from './database.js';
import { NO_INTEGRITY_PROBLEMS } from '../../support/ledger-assertions.js';
import { expectCall, Outcome } from './load.js';

/** Price of each metered route the suites call (the @TokenPrice defaults; no overrides are set). */
export const COST_BY_PATH: Record<string, number> = { '/services/chat': 1, '/services/social-posts': 10 };

export function costOf(outcome: Outcome): number {
  const cost = COST_BY_PATH[outcome.path];
  if (cost === undefined) throw new Error(`no known cost for ${outcome.path}`);
  return cost;
}

export function isMetered(outcome: Outcome): boolean {
  return outcome.path in COST_BY_PATH;
}

const describeOutcome = (o: Outcome) =>
  `${o.method} ${o.path} ${o.requestId} on ${o.instance}${o.idempotencyKey ? ` key ${o.idempotencyKey}` : ''}: ${o.status === 0 ? `no answer (${o.error})` : `${o.status} ${o.code ?? ''}`}`;

export interface LedgerComparison {
  /** One line per disagreement between what a client saw and the rows of its request id. */
  problems: string[];
  /** Requests without an answer (their process died) whose charge committed and was not refunded. */
  unansweredCharges: Outcome[];
}

/**
 * Holds every metered answer against the usage and refund rows written under its X-Request-Id:
 * - 201: exactly one usage row of its cost, no refund, and X-Tokens-Charged says that cost
 *   (a replayed 201: no row at all, it charged nothing);
 * - any other answer (402, 409, 503...): no charge left behind (no usage row, or a usage row
 *   and its refund);
 * - no answer at all (a killed process): the same, unless `allowUnansweredCharges`: then one
 *   unrefunded usage row is allowed and reported (charged, then the process died).
 * Rows under request ids of this test that no request explains are problems too.
 */
export function compareWithLedger(
  outcomes: Outcome[],
  ledger: Map<string, RequestLedger>,
  options: { allowUnansweredCharges?: boolean } = {},
): LedgerComparison {
  const problems: string[] = [];
  const unansweredCharges: Outcome[] = [];
  const seen = new Set<string>();
  for (const o of outcomes.filter(isMetered)) {
    seen.add(o.requestId);
    const rows = ledger.get(o.requestId) ?? { usages: 0, usageAmount: 0, refunds: 0, refundAmount: 0 };
    const net = rows.usageAmount - rows.refundAmount;
    const cost = costOf(o);
    const found = `usage rows ${rows.usages} (${rows.usageAmount}), refund rows ${rows.refunds} (${rows.refundAmount})`;
    if (o.status === 201 && o.replayed) {
      if (rows.usages + rows.refunds !== 0) problems.push(`${describeOutcome(o)} replayed, but ${found}`);
      if (o.charged !== cost) problems.push(`${describeOutcome(o)} replayed X-Tokens-Charged ${o.charged}, expected ${cost}`);
    } else if (o.status === 201) {
      if (rows.usages !== 1 || rows.usageAmount !== cost || rows.refunds !== 0) problems.push(`${describeOutcome(o)} but ${found}`);
      if (o.charged !== cost) problems.push(`${describeOutcome(o)} X-Tokens-Charged ${o.charged}, expected ${cost}`);
    } else if (o.status === 0 && options.allowUnansweredCharges && rows.usages === 1 && rows.refunds === 0 && rows.usageAmount === cost) {
      unansweredCharges.push(o);
    } else if (net !== 0 || rows.usages !== rows.refunds) {
      problems.push(`${describeOutcome(o)} left a charge: ${found}`);
    }
    if (o.status !== 201 && (o.charged !== undefined || o.remaining !== undefined))
      problems.push(`${describeOutcome(o)} has X-Tokens headers`);
  }
  for (const [requestId, rows] of ledger) {
    if (requestId.startsWith('rel-') && !seen.has(requestId))
      problems.push(`rows under request id ${requestId} that no request of the test explains: ${JSON.stringify(rows)}`);
  }
  return { problems, unansweredCharges };
}

/** Sum of the costs of the requests that were charged: answered 201 (not replayed), plus the given unanswered ones. */
export function chargedByUser(outcomes: Outcome[], userOf: (o: Outcome) => string, unanswered: Outcome[] = []): Map<string, number> {
  const totals = new Map<string, number>();
  const add = (o: Outcome) => totals.set(userOf(o), (totals.get(userOf(o)) ?? 0) + costOf(o));
  for (const o of outcomes) if (isMetered(o) && o.status === 201 && !o.replayed) add(o);
  for (const o of unanswered) add(o);
  return totals;
}

/**
 * The invariants over the whole database, three ways: the app's integrity report (on every given
 * instance), the same checks written in the test against the tables, and no negative balance.
 */
export async function expectInvariants(db: ReliabilityDatabase, baseUrls: string[], adminToken: string): Promise<void> {
  for (const baseUrl of baseUrls) {
    const { body } = await expectCall(baseUrl, 'GET', '/admin/tokens/integrity?limit=1000', undefined, 200, { token: adminToken });
    expect({ instance: baseUrl, ok: body.ok, counts: body.counts }).toEqual({
      instance: baseUrl,
      ok: true,
      counts: NO_INTEGRITY_PROBLEMS,
    });
  }
  expect(await db.ledgerProblems()).toEqual([]);
}

/** `node <app>/cli.js integrity --json` on the same database: exit code and report. */
export async function cliIntegrity(databaseUrl: string): Promise<{ exitCode: number; report: any }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [join(appDir(), 'cli.js'), 'integrity', '--json'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DATABASE_URL: databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'error', JWT_SECRET },
      timeout: 60000,
    });
    return { exitCode: 0, report: JSON.parse(stdout.slice(stdout.indexOf('{'))) };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; message: string };
    if (typeof e.code === 'number' && e.stdout?.includes('{'))
      return { exitCode: e.code, report: JSON.parse(e.stdout.slice(e.stdout.indexOf('{'))) };
    throw new Error(`cli integrity failed: ${e.message}`, { cause: error });
  }
}
