/**
 * The console's API client is typed from the service's own OpenAPI document (openapi-typescript):
 * the committed types must be what the running app's /docs-json generates today, so a route or
 * field the console relies on cannot change without the console's type check seeing it.
 * `npm run console:types` rewrites them.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { TEST_DB } from '../support/test-database.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const GENERATOR = fileURLToPath(new URL('../../console/scripts/api-types.mjs', import.meta.url));
const TYPES_FILE = new URL('../../console/src/api/schema.d.ts', import.meta.url);
const HEADER = "// Generated from the service's OpenAPI document by `npm run console:types`. Do not edit.\n";
const UPDATE = process.env.UPDATE_CONSOLE_TYPES === '1';

// The document does not depend on the database.
const describeOnce = TEST_DB === 'sqlite' ? describe : describe.skip;

describeOnce("the console's API types", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('are generated from the current OpenAPI document', async () => {
    const document = (await t.http.get('/docs-json')).text;
    const generated = HEADER + execFileSync(process.execPath, [GENERATOR], { input: document, encoding: 'utf8' });
    if (UPDATE) await writeFile(TYPES_FILE, generated);
    const committed = await readFile(TYPES_FILE, 'utf8').catch(() => '');
    expect(committed === generated ? 'up to date' : 'stale: run npm run console:types').toBe('up to date');
  });
});
