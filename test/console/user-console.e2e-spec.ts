/**
 * The user's web console at /, in a real browser against the real app and database: sign-up and
 * sign-in, a session that survives a reload, the balance and its usage chart, the ledger with a
 * completion read as one line, API keys, buying tokens through the demo provider, and the page at
 * balance 0. Every page: no console error, no CSP violation, no serious accessibility violation.
 */
import type { Browser } from 'playwright-core';
import { describeInBrowser, expectClean, launchBrowser, openPage, signedIn, tokensText } from '../support/browser.js';
import { registerUser, spendDownTo, uniqueEmail } from '../support/factories.js';
import { expectLedgerConsistent } from '../support/ledger-assertions.js';
import { startTestApp, TestApp } from '../support/test-app.js';

describeInBrowser('user console')('the user console in a browser', () => {
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

  const signIn = (email: string, password = 'password-123') => signedIn(browser, t.http.baseUrl, email, password);

  it('registers, survives a reload, signs out, refuses a wrong password and signs in again', async () => {
    const { page, problems } = await openPage(browser);
    const root = await page.goto(`${t.http.baseUrl}/`);
    expect(root?.status()).toBe(200);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expectClean(page, problems, 'sign-in');

    await page.getByRole('link', { name: 'Create an account' }).click();
    const email = uniqueEmail('console');
    await page.getByLabel('Name (optional)').fill('Lan');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('password-123');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await expect(page.getByTestId('balance').innerText()).resolves.toBe('100');

    await page.reload();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await expect(page.getByTestId('balance').innerText()).resolves.toBe('100');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The email or password is not right.').waitFor();
    await page.getByLabel('Password').fill('password-123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(problems).toEqual({ violations: [], errors: [] });
    await page.context().close();
  }, 90_000);

  it('signs in and moves between pages with the keyboard alone, with the focus visible', async () => {
    const user = await registerUser(t.http);
    const { page, problems } = await openPage(browser);
    await page.goto(`${t.http.baseUrl}/activity`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.type(user.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type('password-123');
    await page.keyboard.press('Enter');
    // Back where sign-in interrupted.
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/activity');

    await page.keyboard.press('Tab');
    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement as HTMLElement;
        return { text: element.textContent, outline: getComputedStyle(element).outlineStyle };
      });
    await expect(focused()).resolves.toEqual({ text: 'Skip to content', outline: 'solid' });
    let steps = 0;
    while ((await focused()).text !== 'API keys' && steps++ < 10) await page.keyboard.press('Tab');
    await expect(focused()).resolves.toEqual({ text: 'API keys', outline: 'solid' });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    expect(problems).toEqual({ violations: [], errors: [] });
    await page.context().close();
  }, 90_000);

  it('shows the balance, the usage chart by action and by model, and a completion as one ledger line', async () => {
    const user = await registerUser(t.http);
    for (let i = 0; i < 3; i++) expect((await t.http.post('/services/chat', { message: 'hello' }, { token: user.token })).status).toBe(201);
    const model = (await t.http.get('/v1/models', { token: user.token })).body.data[0].id as string;
    const completion = await t.http.post(
      '/v1/chat/completions',
      { model, messages: [{ role: 'user', content: 'Say hello' }], max_tokens: 20 },
      { token: user.token },
    );
    expect(completion.status).toBe(200);
    const { prompt_tokens, completion_tokens } = completion.body.usage;
    const charged = Number(completion.headers.get('x-tokens-charged'));
    const balance = (await t.http.get('/tokens/balance', { token: user.token })).body.balance as number;

    const { page, problems } = await signIn(user.email);
    await expect(page.getByTestId('balance').innerText()).resolves.toBe(balance.toLocaleString('en-US'));
    const usage = (await t.http.get('/tokens/usage', { token: user.token })).body;
    await expect(page.getByTestId('usage-total').innerText()).resolves.toBe(
      `${tokensText(usage.totals.tokens)} in ${usage.totals.requests} requests`,
    );
    await page.locator('.recharts-bar-rectangle').first().waitFor();
    await expect(page.locator('.recharts-legend-item-text').allInnerTexts()).resolves.toEqual(
      expect.arrayContaining(['ai_chat_message', 'ai_completion']),
    );
    await expectClean(page, problems, 'overview');
    await page.getByRole('button', { name: 'By model' }).click();
    await page.locator('.recharts-legend-item-text', { hasText: model }).waitFor();

    await page.getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    const line = `Chat completion, ${model}, ${prompt_tokens} prompt + ${completion_tokens} output tokens: ${tokensText(charged)}`;
    await page.getByRole('cell', { name: line }).waitFor();
    await expectClean(page, problems, 'activity');
    await page.getByLabel('Type').selectOption('usage');
    await page
      .getByRole('cell', { name: /^Usage · ai_chat_message/ })
      .first()
      .waitFor();
    await expect(page.getByRole('cell', { name: /^Welcome tokens/ }).count()).resolves.toBe(0);
    await page.context().close();
  }, 90_000);

  it('creates an API key shown once, which works until it is revoked', async () => {
    const user = await registerUser(t.http);
    const { page, problems } = await signIn(user.email);
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByText('No keys yet.').waitFor();
    await page.getByLabel('Key name').fill('ci');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByTestId('new-key').innerText();
    await page.getByRole('cell', { name: 'ci', exact: true }).waitFor();
    await expectClean(page, problems, 'api-keys');
    expect((await t.http.get('/tokens/balance', { apiKey: key })).status).toBe(200);

    await page.reload();
    await page.getByRole('cell', { name: 'ci', exact: true }).waitFor();
    await expect(page.getByTestId('new-key').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Revoke ci' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText('No keys yet.').waitFor();
    expect((await t.http.get('/tokens/balance', { apiKey: key })).status).toBe(401);
    await page.context().close();
  }, 90_000);

  it('buys tokens with the demo provider and shows the result and the new balance', async () => {
    const user = await registerUser(t.http);
    const { page, problems } = await signIn(user.email);
    await page.getByRole('link', { name: 'Buy tokens' }).first().click();
    await page.getByRole('heading', { name: 'Buy tokens' }).waitFor();
    const packages = (await t.http.get('/billing/packages')).body as { code: string; name: string; tokens: number }[];
    await expectClean(page, problems, 'buy');
    await page.getByRole('button', { name: `Buy ${packages[0].name}` }).click();
    await page.getByRole('button', { name: 'Complete demo payment' }).click();
    await page.getByText(`Paid: ${tokensText(packages[0].tokens)} added to your balance.`).waitFor();
    await page.getByText(`Your balance is now ${tokensText(100 + packages[0].tokens)}.`).waitFor();
    await expectClean(page, problems, 'buy-result');
    const { entries } = await expectLedgerConsistent(t.dataSource, user.id);
    expect(entries.filter((entry) => entry.type === 'purchase')).toEqual([expect.objectContaining({ amount: packages[0].tokens })]);
    await page.context().close();
  }, 90_000);

  it('at balance 0 says so, disables what needs tokens and offers to buy first', async () => {
    const user = await registerUser(t.http);
    await spendDownTo(t.http, user, 0);
    const { page, problems } = await signIn(user.email);
    await page.getByText('Your balance is 0 tokens.').waitFor();
    const notice = page.getByRole('status').filter({ hasText: 'Your balance is 0 tokens.' });
    await expect(notice.getByRole('link', { name: 'Buy tokens' }).isVisible()).resolves.toBe(true);
    const services = page.locator('.services li');
    await services.first().waitFor();
    const states = await services.evaluateAll((items) => items.map((item) => item.getAttribute('aria-disabled')));
    expect(states.length).toBeGreaterThan(0);
    expect(new Set(states)).toEqual(new Set(['true']));
    await expectClean(page, problems, 'overview-empty');
    await page.context().close();
  }, 90_000);
});
