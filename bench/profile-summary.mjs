#!/usr/bin/env node
/**
 * Where the app's CPU went, from a V8 .cpuprofile of the benchmark server
 * (BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=bench/results" npm run bench:metering).
 *
 *   node bench/profile-summary.mjs [profile.cpuprofile | directory] [--phase KEY] [--warmup] [--results FILE]
 *                                  [--top N] [--files] [--inclusive] [--match REGEXP]
 *
 * Without a file, the newest .cpuprofile in bench/results/. With --phase (unmetered, metered_spread,
 * metered_hot; --warmup for its warm-up), only the samples taken while that phase's load ran, cut with
 * the phase's monotonic window from the run's results JSON (--results, else the newest bench/results/*.json
 * in which that phase ran while the profile was recorded), and every figure is also given per answered
 * request of the phase.
 *
 * Prints self time by where the code lives (a package of node_modules, a file of the app, a Node
 * internal module, the garbage collector, native code), then the functions with the most self time
 * (--top, 30 by default); --files groups packages by file, --inclusive adds the total (self + callees)
 * time by where, and of the functions, --match keeps the functions whose name or place matches.
 * Only the main thread is sampled: the per-request CPU from /proc in the benchmark's table also counts
 * other threads (libuv's pool, the GC's helpers), so it is a little higher.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

function parseArgs(argv) {
  const options = { top: 30, files: false, inclusive: false, warmup: false, phase: null, results: null, match: null, profile: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--top') options.top = Number(value());
    else if (arg === '--phase') options.phase = value();
    else if (arg === '--results') options.results = value();
    else if (arg === '--match') options.match = new RegExp(value(), 'i');
    else if (arg === '--files') options.files = true;
    else if (arg === '--inclusive') options.inclusive = true;
    else if (arg === '--warmup') options.warmup = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]);
      process.exit(0);
    } else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else options.profile = arg;
  }
  return options;
}

/** The files of `dir` whose names end with `suffix`, newest first. */
function newestFirst(dir, suffix) {
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .map((name) => ({ path: join(dir, name), mtime: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime)
    .map((file) => file.path);
}

/**
 * The phase `key` of the run that was profiled: from `resultsFile`, else from the newest results JSON
 * of bench/results/ in which that phase ran while the profile was recorded.
 */
function profiledPhase(profile, key, warmup, resultsFile) {
  const candidates = resultsFile ? [resolve(resultsFile)] : newestFirst(RESULTS_DIR, '.json');
  for (const path of candidates) {
    let phases;
    try {
      phases = JSON.parse(readFileSync(path, 'utf8')).phases;
    } catch {
      continue;
    }
    const phase = Array.isArray(phases) ? phases.find((p) => p.key === key && p.warmup === warmup) : undefined;
    const window = phase?.monotonicUs;
    if (window && window.start >= profile.startTime && window.end <= profile.endTime) return { path, phase };
    if (resultsFile)
      throw new Error(
        !phase
          ? `no ${warmup ? 'warm-up' : 'measured'} phase '${key}' in ${path}`
          : !window
            ? `${path} has no phase windows (monotonicUs): written by an older benchmark`
            : `phase '${key}' of ${path} did not run while the profile was recorded`,
      );
  }
  throw new Error(`no results JSON in ${RESULTS_DIR} has a ${warmup ? 'warm-up' : 'measured'} phase '${key}' that ran during the profile`);
}

/** Where a frame's code lives: a package, a file of the app, a Node module, or one of V8's own entries. */
function placeOf(frame, byFile) {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = path.slice(modules + '/node_modules/'.length).split('/');
    const name = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    return byFile ? rest.join('/') : name;
  }
  const build = path.lastIndexOf('/.build/');
  return build >= 0 ? path.slice(build + '/.build/'.length) : relative(process.cwd(), path);
}

function functionKey(frame) {
  const name = frame.functionName || '(anonymous)';
  return frame.url ? `${name}  ${placeOf(frame, true)}:${frame.lineNumber + 1}` : name;
}

const options = parseArgs(process.argv.slice(2));
let profilePath = options.profile ? resolve(options.profile) : RESULTS_DIR;
if (statSync(profilePath).isDirectory()) {
  [profilePath] = newestFirst(profilePath, '.cpuprofile');
  if (!profilePath) throw new Error('no .cpuprofile file there');
}
const profile = JSON.parse(readFileSync(profilePath, 'utf8'));

// Sample i lasts until sample i + 1 (timeDeltas[i] is the time since the sample before it).
const times = new Float64Array(profile.samples.length);
for (let i = 0, t = profile.startTime; i < profile.samples.length; i++) times[i] = t += profile.timeDeltas[i];
const durationOf = (i) => (i + 1 < times.length ? times[i + 1] - times[i] : 0);

let window = { start: -Infinity, end: Infinity };
let requests = null;
let phaseLabel = 'the whole profile';
if (options.phase) {
  const { path: resultsPath, phase } = profiledPhase(profile, options.phase, options.warmup, options.results);
  window = phase.monotonicUs;
  requests = phase.load.ok;
  phaseLabel = `${options.warmup ? 'warm-up ' : ''}${phase.label} (${resultsPath}), ${requests.toLocaleString('en-US')} answered requests`;
}

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

const selfByPlace = new Map();
const selfByFunction = new Map();
const totalByPlace = new Map();
const totalByFunction = new Map();
const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
let sampled = 0;
let idle = 0;
for (let i = 0; i < profile.samples.length; i++) {
  if (times[i] < window.start || times[i] > window.end) continue;
  const us = durationOf(i);
  const node = nodes.get(profile.samples[i]);
  sampled += us;
  if (node.callFrame.functionName === '(idle)') {
    idle += us;
    continue;
  }
  add(selfByPlace, placeOf(node.callFrame, options.files), us);
  add(selfByFunction, functionKey(node.callFrame), us);
  if (!options.inclusive && !options.match) continue;
  const places = new Set();
  const functions = new Set();
  for (let id = node.id; id !== undefined; id = parents.get(id)) {
    const frame = nodes.get(id).callFrame;
    if (frame.functionName === '(root)') continue;
    places.add(placeOf(frame, options.files));
    functions.add(functionKey(frame));
  }
  for (const place of places) add(totalByPlace, place, us);
  for (const key of functions) add(totalByFunction, key, us);
}
const busy = sampled - idle;

const ms = (us) => (us / 1000).toFixed(1);
const share = (us) => `${((100 * us) / busy).toFixed(1)}%`;
const perRequest = (us) => (requests ? (us / requests).toFixed(1) : '-');
function print(title, map, top, keep = () => true) {
  const rows = [...map.entries()].filter(([key]) => keep(key)).sort((a, b) => b[1] - a[1]);
  const shown = rows.slice(0, top).map(([key, us]) => [ms(us), share(us), perRequest(us), key]);
  const header = ['ms', 'of busy', 'µs/req', title];
  const widths = header.map((h, i) => Math.max(h.length, ...shown.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 3 ? c : c.padStart(widths[i]))).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of shown) console.log(line(row));
  if (rows.length > shown.length) console.log(`(${rows.length - shown.length} more)`);
}

console.log(`profile: ${profilePath}`);
console.log(`window: ${phaseLabel}`);
console.log(
  `sampled ${ms(sampled)} ms, of which idle ${ms(idle)} ms; busy (main thread) ${ms(busy)} ms` +
    (requests ? `, ${(busy / requests / 1000).toFixed(3)} ms per answered request` : ''),
);
print('self time by place', selfByPlace, options.files ? options.top : Infinity);
if (options.inclusive) print('total time (self + callees) by place', totalByPlace, options.files ? options.top : Infinity);
print('self time by function', selfByFunction, options.top, (key) => !options.match || options.match.test(key));
if (options.match) print('total time by function', totalByFunction, options.top, (key) => options.match.test(key));
