/**
 * Balance alerts in the console, in a real browser against the real app and database: thresholds in
 * tokens and in percent of the allowance with a webhook URL, the signing secret shown once after saving
 * (the one the webhook's X-Signature verifies with), and the last deliveries as the outbox recorded them.
 */
import type { Browser } from 'playwright-core';
import { describeInBrowser, expectClean, launchBrowser, signedIn } from '../support/browser.js';
import { registerUser, spendDownTo } from '../support/factories.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { signatureVerifies, WebhookReceiver, waitUntil } from '../support/webhook-receiver.js';

describeInBrowser('alerts console')('balance alerts in the console', () => {
  const receiver = new WebhookReceiver();
  let url: string;
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    url = await receiver.start();
    t = await startTestApp({ env: { OUTBOX_POLL_INTERVAL_MS: '20', OUTBOX_RETRY_BASE_MS: '200' } });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await receiver.stop();
  });

  it('saves thresholds and a webhook, shows the signing secret once, and lists the delivery of a crossing', async () => {
    const user = await registerUser(t.http);
    const { page, problems } = await signedIn(browser, t.http.baseUrl, user.email, 'password-123');
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('heading', { name: 'Balance alerts' }).waitFor();
    await page.getByText('No thresholds: no alert is sent.').waitFor();
    await page.getByText('No events sent yet.').waitFor();
    await expectClean(page, problems, 'alerts-empty');

    await page.getByRole('button', { name: 'Add a threshold' }).click();
    await page.getByLabel('Threshold 1', { exact: true }).fill('50');
    await page.getByRole('button', { name: 'Add a threshold' }).click();
    await page.getByLabel('Threshold 2', { exact: true }).fill('12.5');
    await page.getByLabel('Unit of threshold 2').selectOption('percent');
    await page.getByRole('button', { name: 'Add a threshold' }).click();
    await page.getByRole('button', { name: 'Remove threshold 3' }).click();
    await page.getByLabel('Webhook URL').fill(url);
    await page.getByRole('button', { name: 'Save alerts' }).click();
    await page.getByText('Alerts saved.').waitFor();
    const secret = await page.getByTestId('signing-secret').innerText();
    expect(secret).toMatch(/^whsec_/);
    await expectClean(page, problems, 'alerts-saved');

    const saved = (await t.http.get('/alerts', { token: user.token })).body;
    expect([saved.thresholds, saved.webhookUrl]).toEqual([[{ tokens: 50 }, { percentOfAllowance: 12.5 }], url]);

    // The form reads the saved setting back; the secret is not shown again after a reload.
    await page.reload();
    await expect(page.getByLabel('Threshold 1', { exact: true }).inputValue()).resolves.toBe('50');
    await expect(page.getByLabel('Unit of threshold 2').inputValue()).resolves.toBe('percent');
    await expect(page.getByTestId('signing-secret').count()).resolves.toBe(0);

    // 100 → 49 crosses 50; 12.5% of the free plan's 100 is 12, not crossed yet.
    await spendDownTo(t.http, user, 49);
    await waitUntil(() => receiver.of(user.id).some((delivery) => delivery.status === 200), 'the alert delivered');
    const [delivery] = receiver.of(user.id);
    expect(delivery.json).toMatchObject({ type: 'balance.below_threshold', data: { userId: user.id, threshold: 50, balance: 49 } });
    expect(signatureVerifies(delivery, secret)).toBe(true);
    await waitUntil(
      async () => (await t.http.get('/alerts', { token: user.token })).body.deliveries[0]?.status === 'delivered',
      'the delivery recorded',
    );
    await page.reload();
    const row = page.getByRole('row', { name: /balance\.below_threshold/ });
    await row.waitFor();
    await expect(row.getByRole('cell').allInnerTexts()).resolves.toEqual([
      'balance.below_threshold',
      '50',
      'Delivered',
      '1',
      expect.any(String),
    ]);
    await expectClean(page, problems, 'alerts-deliveries');
    await page.context().close();
  }, 120_000);

  it('says which field the service refused, and changes nothing', async () => {
    const user = await registerUser(t.http);
    const { page, problems } = await signedIn(browser, t.http.baseUrl, user.email, 'password-123');
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('button', { name: 'Add a threshold' }).click();
    await page.getByLabel('Threshold 1', { exact: true }).fill('5');
    // A URL to the browser, but not one the service posts to.
    await page.getByLabel('Webhook URL').fill('ftp://example.com/hook');
    await page.getByRole('button', { name: 'Save alerts' }).click();
    await page.getByRole('alert').getByText('Some fields need a change:').waitFor();
    expect((await t.http.get('/alerts', { token: user.token })).body).toMatchObject({ thresholds: [], webhookUrl: null });
    expect(problems.violations).toEqual([]);
    await page.context().close();
  }, 90_000);
});
