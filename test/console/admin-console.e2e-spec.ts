/**
 * The admin console at /admin, in a real browser against the real app and database: finding users by
 * an email prefix, a user's account (grant and deduct with a reason and a confirmation, a deduct above
 * the balance refused, a plan change) and the integrity report; a non-admin is sent to the overview.
 * Prices and AI models: admin-pricing.e2e-spec.ts. Every page: no console error, no CSP violation, no
 * serious accessibility violation; each change is checked on the page, through the API and in the ledger.
 */
import type { Browser } from 'playwright-core';
import { describeInBrowser, expectClean, launchBrowser, screenshot, signedIn } from '../support/browser.js';
import { insertRawUser, loginAdmin, registerUser, uniqueEmail } from '../support/factories.js';
import { expectLedgerConsistent, ledgerState } from '../support/ledger-assertions.js';
import { ADMIN, startTestApp, TestApp } from '../support/test-app.js';

const n = (value: number) => value.toLocaleString('en-US');

describeInBrowser('admin console')('the admin console in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
    adminToken = await loginAdmin(t.http);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const signIn = (email: string, password: string) => signedIn(browser, t.http.baseUrl, email, password);
  const signedInAsAdmin = () => signIn(ADMIN.email, ADMIN.password);
  const balanceOf = async (token: string) => (await t.http.get('/tokens/balance', { token })).body.balance as number;

  it('finds a user by an email prefix, grants and deducts with a reason, refuses a deduct above the balance, changes the plan', async () => {
    const email = uniqueEmail('findme');
    const user = await registerUser(t.http, { email, name: 'Lan' });
    await registerUser(t.http, { email: uniqueEmail('other') });
    const { page, problems } = await signedInAsAdmin();

    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    const search = page.getByLabel('Email starts with');
    await search.fill('nobody-has-this-prefix');
    await page.getByText("No user's email starts with “nobody-has-this-prefix”.").waitFor();
    const prefix = email.slice(0, email.indexOf('@') - 4);
    await search.fill(prefix);
    await page.getByText(`1 user whose email starts with “${prefix}”.`).waitFor();
    await expect(page.locator('tbody tr').count()).resolves.toBe(1);
    const row = page.getByRole('row', { name: new RegExp(email.replace(/[.]/g, '\\.')) });
    await expect(row.getByRole('cell').allInnerTexts()).resolves.toEqual([email, 'Lan', 'free', '100', expect.any(String)]);
    await expectClean(page, problems, 'admin-users');

    await page.getByRole('link', { name: email }).click();
    await page.getByRole('heading', { name: email }).waitFor();
    await expect(page.getByTestId('balance').innerText()).resolves.toBe('100');

    // Grant 500 with a reason; a double click on the confirmation grants once.
    const grant = page.getByRole('region', { name: 'Grant tokens' });
    await grant.getByLabel('Amount').fill('500');
    await grant.getByLabel('Reason').fill('goodwill after the outage');
    await grant.getByRole('button', { name: 'Grant tokens' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(`Grant 500 tokens to ${email}?`).waitFor();
    await dialog.getByRole('button', { name: 'Grant 500 tokens' }).dblclick();
    await page.getByText(`Granted 500 tokens to ${email}.`).waitFor();
    await page.getByTestId('balance').getByText('600').waitFor();
    await page.getByRole('cell', { name: /^Granted by an admin · goodwill after the outage/ }).waitFor();

    const deduct = page.getByRole('region', { name: 'Deduct tokens' });
    await deduct.getByLabel('Amount').fill('200');
    await deduct.getByLabel('Reason').fill('chargeback');
    await deduct.getByRole('button', { name: 'Deduct tokens' }).click();
    await dialog.getByText(`Deduct 200 tokens from ${email}?`).waitFor();
    await dialog.getByRole('button', { name: 'Deduct 200 tokens' }).click();
    await page.getByText(`Deducted 200 tokens from ${email}.`).waitFor();
    await page.getByTestId('balance').getByText('400').waitFor();
    await page.getByRole('cell', { name: /^Deducted by an admin · chargeback/ }).waitFor();

    // A deduct above the balance: the 402 as a sentence, and nothing changes.
    const before = await ledgerState(t.dataSource, user.id);
    await deduct.getByLabel('Amount').fill('5000');
    await deduct.getByLabel('Reason').fill('too much');
    await deduct.getByRole('button', { name: 'Deduct tokens' }).click();
    await dialog.getByRole('button', { name: 'Deduct 5,000 tokens' }).click();
    await deduct.getByRole('alert').getByText(`Cannot deduct 5,000 tokens: ${email} has 400. Nothing changed.`).waitFor();
    expect(await ledgerState(t.dataSource, user.id)).toEqual(before);
    await expect(page.getByTestId('balance').innerText()).resolves.toBe('400');

    expect(await balanceOf(user.token)).toBe(400);
    const { entries } = await expectLedgerConsistent(t.dataSource, user.id);
    expect(entries.map((entry) => [entry.type, entry.amount])).toEqual([
      ['initial_grant', 100],
      ['admin_grant', 500],
      ['admin_deduct', -200],
    ]);
    const own = (await t.http.get('/tokens/transactions', { token: user.token })).body.items as any[];
    expect(own.filter((entry) => entry.type.startsWith('admin_')).map((entry) => [entry.type, entry.metadata.reason])).toEqual([
      ['admin_deduct', 'chargeback'],
      ['admin_grant', 'goodwill after the outage'],
    ]);

    // Free (100 a month) to Starter (10,000): the upgrade adds the difference at once.
    const plan = page.getByRole('region', { name: 'Plan' });
    await plan.getByLabel('Plan').selectOption('starter');
    await plan.getByRole('button', { name: 'Change plan' }).click();
    await dialog.getByText(`Change the plan of ${email} from Free to Starter?`).waitFor();
    await dialog.getByRole('button', { name: 'Change plan' }).click();
    await page.getByText(`${email} is now on the Starter plan.`).waitFor();
    const upgraded = await balanceOf(user.token);
    expect(upgraded).toBe(400 + 10_000 - 100);
    await page.getByTestId('balance').getByText(n(upgraded)).waitFor();
    expect((await t.http.get('/subscriptions/me', { token: user.token })).body.plan.code).toBe('starter');
    await page.getByRole('cell', { name: /^Plan change/ }).waitFor();
    await expectLedgerConsistent(t.dataSource, user.id);
    await expectClean(page, problems, 'admin-account');
    await page.context().close();
  }, 120_000);

  it('shows the integrity report: consistent, or what is wrong and for whom', async () => {
    const { page, problems } = await signedInAsAdmin();
    await page.getByRole('link', { name: 'Integrity' }).click();
    await page.getByRole('heading', { name: 'Integrity' }).waitFor();
    const report = (await t.http.get('/admin/tokens/integrity', { token: adminToken })).body;
    expect(report.ok).toBe(true);
    await page.getByText(new RegExp(`^Ledger consistent: ${n(report.accountsChecked)} accounts checked at `)).waitFor();
    await expectClean(page, problems, 'admin-integrity');

    // An account whose balance no longer is the sum of its ledger: named, with a link to its page.
    const user = await registerUser(t.http);
    await t.dataSource.query('UPDATE token_accounts SET balance = balance + 5 WHERE user_id = ?', [user.id]);
    try {
      await page.getByRole('button', { name: 'Check again' }).click();
      await page.getByText(/^Problems found: /).waitFor();
      const mismatches = page.getByRole('region', { name: /^Balance is not the sum of the ledger/ });
      await expect(
        mismatches
          .getByRole('row', { name: new RegExp(user.id) })
          .getByRole('cell')
          .allInnerTexts(),
      ).resolves.toEqual([user.id, '105', '100']);
      await screenshot(page, 'admin-integrity-problems');
      await mismatches.getByRole('link', { name: user.id }).click();
      await page.getByRole('heading', { name: user.email }).waitFor();
    } finally {
      await t.dataSource.query('UPDATE token_accounts SET balance = balance - 5 WHERE user_id = ?', [user.id]);
    }
    await page.getByRole('link', { name: 'Integrity' }).click();
    await page.getByText(/^Ledger consistent: /).waitFor();
    expect(problems).toEqual({ violations: [], errors: [] });
    await page.context().close();
  }, 90_000);

  it('sends a non-admin who opens /admin to the overview, without the admin navigation', async () => {
    const user = await registerUser(t.http);
    const { page, problems } = await signIn(user.email, 'password-123');
    await page.goto(`${t.http.baseUrl}/admin`);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await expect(page.getByRole('link', { name: 'Users' }).count()).resolves.toBe(0);
    expect(problems).toEqual({ violations: [], errors: [] });
    await page.context().close();
  }, 90_000);

  it('shows more users a page at a time, and the page of a user without a token account', async () => {
    const prefix = `many.${process.pid}.${Date.now()}.`;
    const users = [];
    for (let i = 0; i < 21; i++) users.push(await insertRawUser(t.dataSource, { email: `${prefix}${i}@tokens.test` }));
    const { page, problems } = await signedInAsAdmin();
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('Email starts with').fill(prefix);
    await page.getByText(`20 users whose email starts with “${prefix}”; more below.`).waitFor();
    await page.getByRole('button', { name: 'Show more users' }).click();
    await page.getByText(`21 users whose email starts with “${prefix}”.`).waitFor();
    await expect(page.getByRole('button', { name: 'Show more users' }).count()).resolves.toBe(0);
    const shown = await page.locator('tbody tr td:first-child').allInnerTexts();
    expect(new Set(shown)).toEqual(new Set(users.map((user) => user.email)));
    const row = page.getByRole('row', { name: new RegExp(`^${users[0].email.replace(/[.]/g, '\\.')} `) });
    await expect(row.getByRole('cell').allInnerTexts()).resolves.toEqual([users[0].email, 'Raw user', '—', '—', expect.any(String)]);

    await page.getByRole('link', { name: users[0].email }).click();
    await page.getByRole('heading', { name: users[0].email }).waitFor();
    await page.getByText('This user has no subscription, so no token account').waitFor();
    await expect(page.getByRole('heading', { name: 'Ledger' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Grant tokens' }).count()).resolves.toBe(0);
    expect(problems).toEqual({ violations: [], errors: [] });
    await page.context().close();
  }, 90_000);
});
