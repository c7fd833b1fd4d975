/**
 * API keys' spending limits in the console, in a real browser against the real app and database: a
 * key's limit and what it spent in the limit's period, set, changed and removed from the keys page,
 * each change checked on GET /api-keys and by charges through the key.
 */
import type { Browser } from 'playwright-core';
import { describeInBrowser, expectClean, launchBrowser, signedIn } from '../support/browser.js';
import { registerUser } from '../support/factories.js';
import { startTestApp, TestApp } from '../support/test-app.js';

describeInBrowser('key limits console')('spending limits of API keys in the console', () => {
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

  it('sets a limit, shows the spend against it, changes it and removes it', async () => {
    const user = await registerUser(t.http);
    const created = await t.http.post('/api-keys', { name: 'ci' }, { token: user.token });
    const apiKey = created.body.key as string;
    const chat = () => t.http.post('/services/chat', { message: 'spend' }, { apiKey });
    const limitOf = async () => ((await t.http.get('/api-keys', { token: user.token })).body as any[]).map((key) => [key.limit, key.spent]);

    const { page, problems } = await signedIn(browser, t.http.baseUrl, user.email, 'password-123');
    await page.getByRole('link', { name: 'API keys' }).click();
    const row = page.getByRole('row', { name: /^ci / });
    const limitCell = row.getByRole('cell').nth(4);
    await expect(limitCell.innerText()).resolves.toBe('No limit');

    await row.getByRole('button', { name: 'Set a limit for ci' }).click();
    const form = page.getByRole('region', { name: 'Spending limit of ci' });
    await form.getByLabel('Tokens').fill('3');
    await form.getByLabel('Period').selectOption('day');
    await form.getByRole('button', { name: 'Save limit' }).click();
    await page.getByText('The spending limit of ci is saved.').waitFor();
    await limitCell.getByText('0 of 3 today (UTC)').waitFor();
    expect(await limitOf()).toEqual([[{ tokens: 3, period: 'day' }, 0]]);
    await expectClean(page, problems, 'api-keys-limit');

    // Three 1-token charges through the key reach the limit; the fourth is refused.
    for (let i = 0; i < 3; i++) expect((await chat()).status).toBe(201);
    const refused = await chat();
    expect([refused.status, refused.body.code]).toEqual([402, 'KEY_LIMIT_REACHED']);
    await page.reload();
    await limitCell.getByText('3 of 3 today (UTC)').waitFor();

    await row.getByRole('button', { name: 'Change the limit of ci' }).click();
    await expect(form.getByLabel('Tokens').inputValue()).resolves.toBe('3');
    await form.getByLabel('Tokens').fill('1000');
    await form.getByLabel('Period').selectOption('month');
    await form.getByRole('button', { name: 'Save limit' }).click();
    await limitCell.getByText('3 of 1,000 this month').waitFor();
    expect(await limitOf()).toEqual([[{ tokens: 1000, period: 'month' }, 3]]);
    expect((await chat()).status).toBe(201);

    await row.getByRole('button', { name: 'Change the limit of ci' }).click();
    await form.getByRole('button', { name: 'Remove limit' }).click();
    await page.getByText('ci has no spending limit now.').waitFor();
    await limitCell.getByText('No limit').waitFor();
    expect(await limitOf()).toEqual([[null, 0]]);
    await expectClean(page, problems, 'api-keys-no-limit');
    await page.context().close();
  }, 120_000);
});
