import { resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** The directory of the compiled app (main.js), set by global-setup.mjs. */
export function appDir(): string {
  const dir = process.env.RELIABILITY_APP_DIR;
  if (!dir) throw new Error('RELIABILITY_APP_DIR is not set: run the suites with --config test/reliability/jest.config.js');
  return dir;
}
