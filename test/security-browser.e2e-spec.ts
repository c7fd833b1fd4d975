/**
 * Swagger UI under the real Content-Security-Policy, in a real browser (Debian's Chromium driven
 * by playwright-core): /docs loads without a CSP violation, and a user can authorize with a bearer
 * token, try a metered operation and be charged for it.
 */
import type { Browser } from 'playwright-core';
import { describeInBrowser, launchBrowser, openPage } from './support/browser.js';
import { expectLedgerConsistent } from './support/ledger-assertions.js';
import { registerUser } from './support/factories.js';
import { startTestApp, TestApp } from './support/test-app.js';

describeInBrowser('security-browser')('Swagger UI in a browser, under the Content-Security-Policy', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
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
    const { page, problems } = await openPage(browser);

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
    expect(problems).toEqual({ violations: [], errors: [] });

    expect(await balanceOf()).toBe(before - cost);
    const { entries } = await expectLedgerConsistent(t.dataSource, user.id);
    expect(entries.filter((entry) => entry.type === 'usage' && entry.action === 'ai_chat_message')).toEqual([
      expect.objectContaining({ amount: -cost }),
    ]);
  }, 60_000);
});
