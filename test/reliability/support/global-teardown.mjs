import { rmSync } from 'node:fs';

/** Removes the app compiled by global-setup.mjs (never a directory given in RELIABILITY_APP_DIR). */
export default function globalTeardown() {
  if (process.env.RELIABILITY_OWN_BUILD === '1' && process.env.RELIABILITY_APP_DIR)
    rmSync(process.env.RELIABILITY_APP_DIR, { recursive: true, force: true });
}
