/**
 * The app serves its web console itself: every page path answers the console's index.html under a
 * Content-Security-Policy without 'unsafe-inline' or 'unsafe-eval', its files under /assets are
 * cached for good, and no page path shadows a route of the API.
 */
import { readdirSync } from 'node:fs';
import { PAGES } from '../../console/src/pages/index.js';
import { CONSOLE_BUILD, CONSOLE_PAGES } from '../../src/console/console-pages.js';
import { TEST_DB } from '../support/test-database.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const describeOnce = TEST_DB === 'sqlite' ? describe : describe.skip;

const directivesOf = (csp: string): Record<string, string[]> =>
  Object.fromEntries(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );

describeOnce('the console, served by the app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves the same page paths the console routes', () => {
    expect([...CONSOLE_PAGES].sort()).toEqual(Object.values(PAGES).sort());
  });

  it('answers index.html at every page path, never cached, under a policy without unsafe-inline or unsafe-eval', async () => {
    for (const path of CONSOLE_PAGES.map((p) => p.replace(':userId', '7d2f9a40-1111-4c3a-9a55-0123456789ab'))) {
      const page = await t.http.get(path);
      const csp = page.headers.get('content-security-policy')!;
      expect({ path, status: page.status, type: page.headers.get('content-type'), cache: page.headers.get('cache-control') }).toEqual({
        path,
        status: 200,
        type: 'text/html; charset=utf-8',
        cache: 'no-cache',
      });
      expect(page.text).toContain('<div id="root"></div>');
      expect({ path, unsafe: /unsafe-(inline|eval)/.test(csp) }).toEqual({ path, unsafe: false });
      expect(directivesOf(csp)).toEqual(
        expect.objectContaining({ 'script-src': ["'self'"], 'style-src': ["'self'"], 'connect-src': ["'self'"] }),
      );
    }
  });

  it('serves the built assets with a long cache, and 404s for an unknown one', async () => {
    const files = readdirSync(`${CONSOLE_BUILD}assets`);
    expect(files.some((file) => file.endsWith('.js'))).toBe(true);
    for (const file of files) {
      const asset = await t.http.get(`/assets/${file}`);
      expect({ file, status: asset.status, cache: asset.headers.get('cache-control') }).toEqual({
        file,
        status: 200,
        cache: 'public, max-age=31536000, immutable',
      });
    }
    expect((await t.http.get('/assets/no-such-file.js')).status).toBe(404);
  });

  it("keeps Swagger UI's inline styles to /docs, and the API's answers as they were", async () => {
    const docs = directivesOf((await t.http.get('/docs')).headers.get('content-security-policy')!);
    expect(docs['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    expect(docs['script-src']).toEqual(["'self'"]);
    const api = await t.http.get('/tokens/balance');
    expect({ status: api.status, code: api.body.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    const unknown = await t.http.get('/no-such-page');
    expect({ status: unknown.status, code: unknown.body.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
  });
});
