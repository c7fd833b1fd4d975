import type { PhaseResult } from './run.js';
import { fmt, table } from './run.js';

/** The goals the metering benchmark reports on; a run below one says so, with the distance. */
export const GOALS = {
  /** Authenticated unmetered route against a bare NestJS + Fastify app, req/s. */
  unmeteredVsBare: 0.2,
  /** Metered over many users against the unmetered route, req/s. */
  spreadVsUnmetered: 0.7,
  /** Metered, every charge on one user, against the unmetered route, req/s. */
  hotVsUnmetered: 0.6,
  /** p99 latency a metered route may add to the unmetered route's, ms. */
  addedP99Ms: 5,
  /** Database transactions per charge ("well under one": at most this many). */
  transactionsPerCharge: 0.5,
};

export interface GoalResult {
  goal: string;
  measured: string;
  target: string;
  /** null: nothing to pass (a number printed for information). */
  pass: boolean | null;
  /** How far from the goal, when below it. */
  distance: string;
  note?: string;
}

function throughputGoal(name: string, phase: PhaseResult, reference: PhaseResult, minimum: number): GoalResult {
  const value = phase.load.rps / reference.load.rps;
  const pass = value >= minimum;
  const needed = minimum * reference.load.rps;
  return {
    goal: `${name}: req/s`,
    measured: `${value.toFixed(2)}x (${fmt(phase.load.rps, 0)} / ${fmt(reference.load.rps, 0)})`,
    target: `>= ${minimum.toFixed(2)}x`,
    pass,
    distance: pass
      ? `${(value - minimum).toFixed(2)}x above`
      : `${(minimum - value).toFixed(2)}x short: needs ${fmt(needed, 0)} req/s (+${fmt((100 * (needed - phase.load.rps)) / phase.load.rps, 0)}%)`,
  };
}

function addedP99Goal(name: string, phase: PhaseResult, reference: PhaseResult, maximumMs: number): GoalResult {
  const added = phase.load.latencyMs.p99 - reference.load.latencyMs.p99;
  const pass = added <= maximumMs;
  return {
    goal: `${name}: p99 added`,
    measured: `${added >= 0 ? '+' : ''}${fmt(added, 1)} ms (${fmt(phase.load.latencyMs.p99, 1)} vs ${fmt(reference.load.latencyMs.p99, 1)})`,
    target: `<= +${fmt(maximumMs, 1)} ms`,
    pass,
    distance: pass ? `${fmt(maximumMs - added, 1)} ms to spare` : `${fmt(added - maximumMs, 1)} ms over`,
  };
}

/** What may make a phase's statement count wrong: counts that are server-wide only. */
function statementsNote(phase: PhaseResult): string | undefined {
  const s = phase.statements!;
  return s.exact ? undefined : 'server-wide counts (no per-user statistics): other clients cannot be told apart';
}

/** What may make a phase's transaction count wrong: the server-wide fallback while others were active. */
function transactionsNote(phase: PhaseResult): string | undefined {
  const s = phase.statements!;
  if (s.transactionsSource === 'app') return undefined;
  const why = s.exact ? 'the app had rollbacks or statements without a table' : 'no per-user statistics';
  if (s.otherClients === 0) return `server-wide START TRANSACTION count (${why}); no other client sent anything meanwhile`;
  return `server-wide START TRANSACTION count (${why}), other clients sent ${s.otherClients === null ? 'an unknown number of' : fmt(s.otherClients, 0)} statements meanwhile: may include theirs`;
}

function transactionsGoal(name: string, phase: PhaseResult, maximum: number): GoalResult {
  const s = phase.statements!;
  const perCharge = s.transactions / phase.load.ok;
  const pass = perCharge <= maximum;
  return {
    goal: `${name}: transactions per charge`,
    measured: `${fmt(perCharge, 2)} (${fmt(s.transactions, 0)} / ${fmt(phase.load.ok, 0)})`,
    target: `<= ${fmt(maximum, 2)}`,
    pass,
    distance: pass
      ? `${fmt(maximum - perCharge, 2)} to spare`
      : `${fmt(perCharge - maximum, 2)} over (${fmt(perCharge / maximum, 1)}x the goal)`,
    note: transactionsNote(phase),
  };
}

function roundTrips(name: string, phase: PhaseResult): GoalResult {
  const s = phase.statements!;
  const statements = s.app?.statements ?? s.allClients;
  const parts = s.app
    ? ` = ${fmt(s.app.reads / phase.load.ok, 2)} reads + ${fmt(s.app.writes / phase.load.ok, 2)} writes + ${fmt(s.app.other / phase.load.ok, 2)} other`
    : '';
  return {
    goal: `${name}: round trips per ${phase.path === '/bench/metered' ? 'charge' : 'request'}`,
    measured: `${fmt(statements / phase.load.ok, 2)} (${fmt(statements, 0)} / ${fmt(phase.load.ok, 0)})${parts}`,
    target: '-',
    pass: null,
    distance: '',
    note: statementsNote(phase),
  };
}

/** Every goal of one run, from its measured phases (keys: bare, unmetered, metered_spread, metered_hot). */
export function evaluateGoals(measured: PhaseResult[], spreadLabel: string): GoalResult[] {
  const byKey = (key: string): PhaseResult | undefined => measured.find((p) => p.key === key);
  const [bare, unmetered, spread, hot] = ['bare', 'unmetered', 'metered_spread', 'metered_hot'].map(byKey);
  const goals: GoalResult[] = [];
  if (bare && unmetered) goals.push(throughputGoal('unmetered vs bare NestJS + Fastify', unmetered, bare, GOALS.unmeteredVsBare));
  if (spread && unmetered) goals.push(throughputGoal(`${spreadLabel} vs unmetered`, spread, unmetered, GOALS.spreadVsUnmetered));
  if (hot && unmetered) goals.push(throughputGoal('metered, one hot user vs unmetered', hot, unmetered, GOALS.hotVsUnmetered));
  if (spread && unmetered) goals.push(addedP99Goal(spreadLabel, spread, unmetered, GOALS.addedP99Ms));
  if (hot && unmetered) goals.push(addedP99Goal('metered, one hot user', hot, unmetered, GOALS.addedP99Ms));
  for (const [label, phase] of [
    [spreadLabel, spread],
    ['metered, one hot user', hot],
  ] as const)
    if (phase?.statements && phase.load.ok > 0)
      goals.push(transactionsGoal(label, phase, GOALS.transactionsPerCharge), roundTrips(label, phase));
  if (unmetered?.statements && unmetered.load.ok > 0) goals.push(roundTrips('unmetered', unmetered));
  return goals;
}

export function goalsTable(goals: GoalResult[]): string {
  return table(
    ['goal', 'result', 'measured', 'target', 'distance'],
    goals.map((g) => [g.goal, g.pass === null ? '(no goal)' : g.pass ? 'PASS' : 'BELOW GOAL', g.measured, g.target, g.distance]),
  );
}
