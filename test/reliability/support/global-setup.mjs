// Compiles src/ with the build's tsconfig into a private directory under tmp/ (git-ignored, and
// inside the checkout so the compiled files resolve node_modules) and hands it to the suites in
// RELIABILITY_APP_DIR. A private copy rather than dist/: `nest build` empties dist/ first, and a
// rebuild running beside the suites must not pull the files from under a process a suite is about
// to restart. RELIABILITY_APP_DIR=dist (or any built directory) skips the compilation.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');

export default function globalSetup() {
  const given = process.env.RELIABILITY_APP_DIR;
  if (given) {
    const dir = resolve(root, given);
    if (!existsSync(join(dir, 'main.js'))) throw new Error(`RELIABILITY_APP_DIR=${given}: no main.js there (run npm run build)`);
    process.env.RELIABILITY_APP_DIR = dir;
    return;
  }
  const dir = join(root, 'tmp', `reliability-app-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const started = Date.now();
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', dir, '--incremental', 'false'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  process.env.RELIABILITY_APP_DIR = dir;
  process.env.RELIABILITY_OWN_BUILD = '1';
  process.stdout.write(`\nreliability: app compiled from src/ to ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
