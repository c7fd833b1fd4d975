/**
 * Promotional grants in the console, in a real browser against the real app and database: an admin
 * grants tokens with an expiry and a priority (and without, tokens that never expire), the account page
 * lists the grants, the user's overview shows what is left of each inside the credits, the ledger
 * reads a promotional grant and its expiry, and the integrity page names a grant the ledger disagrees
 * with. Time on the server is a fake clock, so a grant can expire during the test.
 */
import { Clock } from '@token-metering/database';
import type { Browser } from 'playwright-core';
import { describeInBrowser, expectClean, launchBrowser, signedIn } from '../support/browser.js';
import { FakeClock } from '../support/fake-clock.js';
import { loginAdmin, registerUser, spendDownTo, sqlDate, type TestUser } from '../support/factories.js';
import { expectLedgerConsistent } from '../support/ledger-assertions.js';
import { ADMIN, startTestApp, TestApp } from '../support/test-app.js';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const clock = new FakeClock();
/** What a datetime-local field holds for `date` in the browser's time zone (UTC in these tests), to the minute. */
const localField = (date: Date) => date.toISOString().slice(0, 16);

describeInBrowser('promotional grants console')('promotional grants in the console', () => {
  let t: TestApp;
  let browser: Browser;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp({ override: (builder) => builder.overrideProvider(Clock).useValue(clock) });
    browser = await launchBrowser();
    adminToken = await loginAdmin(t.http);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const balanceOf = async (user: TestUser) => (await t.http.get('/tokens/balance', { token: user.token })).body;
  const entriesOf = async (user: TestUser, type: string) =>
    (await t.http.get(`/tokens/transactions?limit=100&type=${type}`, { token: user.token })).body.items as any[];

  it('grants with an expiry and a priority, or without (never expiring), and lists the account grants', async () => {
    const user = await registerUser(t.http);
    const { page, problems } = await signedIn(browser, t.http.baseUrl, ADMIN.email, ADMIN.password);
    await page.goto(`${t.http.baseUrl}/admin/accounts/${user.id}`);
    await page.getByRole('heading', { name: user.email }).waitFor();
    const grants = page.getByRole('region', { name: 'Promotional grants' });
    await grants.getByText('No promotional grants.').waitFor();

    const expiresAt = new Date(Math.ceil((clock.now().getTime() + 2 * DAY) / 60_000) * 60_000);
    const form = page.getByRole('region', { name: 'Grant tokens' });
    await form.getByLabel('Amount').fill('300');
    await form.getByLabel('Reason').fill('Launch promotion');
    await form.getByLabel('Expires at (optional)').fill(localField(expiresAt));
    await expect(form.getByLabel('Priority').inputValue()).resolves.toBe('50');
    await form.getByLabel('Priority').fill('10');
    await form.getByRole('button', { name: 'Grant tokens' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(`Grant 300 tokens to ${user.email}?`).waitFor();
    await dialog.getByText(/^Expires on .+; priority 10\.$/).waitFor();
    await dialog.getByRole('button', { name: 'Grant 300 tokens' }).click();
    await page.getByText(`Granted 300 tokens to ${user.email}.`).waitFor();
    const row = grants.getByRole('row', { name: /Launch promotion/ });
    await row.waitFor();
    await expect(row.getByRole('cell').allInnerTexts()).resolves.toEqual(['Launch promotion', '300', '300', '10', expect.any(String)]);
    await page.getByRole('cell', { name: /^Granted by an admin · Launch promotion · promotional, expires on / }).waitFor();
    await expectClean(page, problems, 'admin-account-grants');

    // Without an expiry: tokens that never expire, and no priority sent (the API refuses one alone).
    await form.getByLabel('Amount').fill('40');
    await form.getByLabel('Reason').fill('goodwill');
    await form.getByRole('button', { name: 'Grant tokens' }).click();
    await dialog.getByText('These tokens never expire.').waitFor();
    await dialog.getByRole('button', { name: 'Grant 40 tokens' }).click();
    await page.getByText(`Granted 40 tokens to ${user.email}.`).waitFor();
    await page.getByTestId('balance').getByText('440').waitFor();
    await expect(grants.getByRole('row').count()).resolves.toBe(2); // the header and the one grant

    const balance = await balanceOf(user);
    expect(balance.grants).toEqual([
      { id: expect.any(String), amount: 300, remaining: 300, priority: 10, expiresAt: expiresAt.toISOString(), reason: 'Launch promotion' },
    ]);
    const granted = (await entriesOf(user, 'admin_grant')).map((entry) => [entry.amount, entry.metadata]);
    expect(granted).toEqual([
      [40, { reason: 'goodwill' }],
      [300, { reason: 'Launch promotion', grantId: balance.grants[0].id, expiresAt: expiresAt.toISOString(), priority: 10 }],
    ]);
    await expectLedgerConsistent(t.dataSource, user.id);
    await page.context().close();
  }, 120_000);

  it('shows the user what is left of each grant and when it expires; its expiry reads as one ledger line', async () => {
    const user = await registerUser(t.http);
    const expiresAt = new Date(clock.now().getTime() + 2 * HOUR);
    const answer = await t.http.post(
      `/admin/users/${user.id}/tokens/grant`,
      { amount: 30, reason: 'Welcome offer', expiresAt: expiresAt.toISOString() },
      { token: adminToken },
    );
    expect(answer.status).toBe(201);
    await spendDownTo(t.http, user, 20); // the allowance (100) first, then 10 of the grant

    const { page, problems } = await signedIn(browser, t.http.baseUrl, user.email, 'password-123');
    await expect(page.getByTestId('credits').innerText()).resolves.toBe('20');
    const line = page.getByTestId('grants').getByRole('listitem');
    await expect(line.innerText()).resolves.toMatch(/^Welcome offer 20 of 30 tokens left · expires on \w{3} \d+, \d{4}$/);
    await expectClean(page, problems, 'overview-grants');

    clock.advance(2 * HOUR);
    // The first charge after expiresAt finds only the expired grant: refused, and what was left of it removed.
    expect((await t.http.post('/services/chat', { message: 'late' }, { token: user.token })).status).toBe(402);
    expect((await entriesOf(user, 'grant_expiry')).map((entry) => entry.amount)).toEqual([-20]);
    expect((await balanceOf(user)).grants).toEqual([]);
    await page.reload();
    await page.getByText('Your balance is 0 tokens.').waitFor();
    await expect(page.getByTestId('grants').count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('cell', { name: /^Promotional grant expired: what was left of it removed/ }).waitFor();
    await expectClean(page, problems, 'activity-grant-expiry');
    await expectLedgerConsistent(t.dataSource, user.id);
    await page.context().close();
  }, 120_000);

  it('names a grant the ledger never granted on the integrity page', async () => {
    const user = await registerUser(t.http);
    const grant = await t.http.post(`/admin/users/${user.id}/tokens/grant`, { amount: 80, reason: 'permanent' }, { token: adminToken });
    const grantId = '00000000-0000-4000-8000-00000000c0de';
    const expires = sqlDate(new Date(clock.now().getTime() + DAY));
    await t.dataSource.query(
      'INSERT INTO token_grants (id, user_id, amount, priority, expires_at, reason, entry_seq, created_at) VALUES (?, ?, 5, 1, ?, ?, ?, ?)',
      [grantId, user.id, expires, 'forged', grant.body.seq, sqlDate(clock.now())],
    );
    try {
      const report = (await t.http.get('/admin/tokens/integrity', { token: adminToken })).body;
      expect(report.grantMismatches).toContainEqual({ userId: user.id, grantId, amount: 5, remaining: 0, credits: 80 });
      const { page, problems } = await signedIn(browser, t.http.baseUrl, ADMIN.email, ADMIN.password);
      await page.getByRole('link', { name: 'Integrity' }).click();
      await page.getByText(/^Problems found: /).waitFor();
      const findings = page.getByRole('region', { name: /^Promotional grants do not match the ledger/ });
      const cells = findings.getByRole('row', { name: new RegExp(user.id) }).getByRole('cell');
      await expect(cells.allInnerTexts()).resolves.toEqual([user.id, grantId, '5', '0', '80']);
      await expectClean(page, problems, 'admin-integrity-grants');
      await page.context().close();
    } finally {
      await t.dataSource.query('DELETE FROM token_grants WHERE user_id = ?', [user.id]);
    }
  }, 90_000);
});
