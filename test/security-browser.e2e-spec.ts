/**
 * Swagger UI under the real Content-Security-Policy, in a real browser (Debian's Chromium driven
 * by playwright-core): /docs loads without a CSP violation, and a user can authorize with a bearer
 * token, try a metered operation and be charged for it.
 *
 * Without Chromium the suite is skipped locally, with a message; with CI=true it fails.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { expectLedgerConsistent } from './support/ledger-assertions.js';
import { registerUser } from './support/factories.js';
import { TEST_DB } from './support/test-database.js';
import { startTestApp, TestApp } from './support/test-app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const IN_CI = process.env.CI === 'true';
const HAVE_CHROMIUM = existsSync(CHROMIUM);

// Once per run (on SQLite): what the browser checks does not depend on the database, and it is the slowest suite.
const RUN_HERE = TEST_DB === 'sqlite';
if (RUN_HERE && !HAVE_CHROMIUM && !IN_CI) {
  console.warn(
    `security-browser: skipped, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH); with CI=true this fails`,
  );
}
const describeInBrowser = RUN_HERE && (HAVE_CHROMIUM || IN_CI) ? describe : describe.skip;

interface Violation {
  directive: string;
  blockedURI: string;
}

describeInBrowser('Swagger UI in a browser, under the Content-Security-Policy', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
    t = await startTestApp();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('loads /docs without a CSP violation; Authorize, Try it out and Execute charge the user', async () => {
    const user = await registerUser(t.http);
    const balanceOf = async () => (await t.http.get('/tokens/balance', { token: user.token })).body.balance as number;
    const before = await balanceOf();
    const costs = (await t.http.get('/tokens/costs', { token: user.token })).body as { action: string; cost: number }[];
    const cost = costs.find((c) => c.action === 'ai_chat_message')!.cost;
    const page = await browser.newPage();
    const violations: Violation[] = [];
    const cspConsoleMessages: string[] = [];
    page.on('console', (message) => {
      if (/content security policy/i.test(message.text())) cspConsoleMessages.push(message.text());
    });
    await page.exposeFunction('reportCspViolation', (violation: Violation) => violations.push(violation));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        void (window as unknown as { reportCspViolation(v: Violation): void }).reportCspViolation({
          directive: event.effectiveDirective,
          blockedURI: event.blockedURI,
        });
      });
    });

    const docs = await page.goto(`${t.http.baseUrl}/docs`);
    expect(docs?.status()).toBe(200);
    await page.locator('.swagger-ui .info .title').waitFor();

    await page.locator('.swagger-ui .auth-wrapper button.authorize').click();
    const bearer = page.locator('.dialog-ux .auth-container').filter({ has: page.locator('h4', { hasText: /^bearer\b/ }) });
    await bearer.locator('input').fill(user.token);
    await bearer.locator('button.authorize').click();
    await page.locator('.dialog-ux button.close-modal').click();

    const chat = page.locator('.opblock-post').filter({ has: page.locator('.opblock-summary-path', { hasText: /^\/services\/chat$/ }) });
    await chat.locator('.opblock-summary').click();
    await chat.locator('button.try-out__btn').click();
    await chat.locator('textarea.body-param__text').fill(JSON.stringify({ message: 'hello from the browser' }));
    await chat.locator('button.execute').click();
    const status = chat.locator('.live-responses-table .response .response-col_status');
    await status.waitFor();
    expect((await status.innerText()).trim()).toBe('201');

    // Give late reports (images, styles applied after rendering) a moment to arrive.
    await page.waitForTimeout(200);
    expect({ violations, cspConsoleMessages }).toEqual({ violations: [], cspConsoleMessages: [] });

    expect(await balanceOf()).toBe(before - cost);
    const { entries } = await expectLedgerConsistent(t.dataSource, user.id);
    expect(entries.filter((entry) => entry.type === 'usage' && entry.action === 'ai_chat_message')).toEqual([
      expect.objectContaining({ amount: -cost }),
    ]);
  }, 60_000);
});
