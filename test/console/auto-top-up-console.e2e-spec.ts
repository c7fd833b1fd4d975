/**
 * Automatic top-up in the console, in a real browser against the real app, database and a fake Stripe
 * API on 127.0.0.1: without a saved card the 409 NO_PAYMENT_METHOD is explained with the way to save
 * one, and a checkout with "Save my card" saves it; then the setting is saved, read back and shown, and
 * a debit that crosses the threshold shows as the last attempt, waiting for its payment, then paid, with
 * this month's spend.
 */
import type { Browser, Page } from 'playwright-core';
import { AutoTopUpDriver, PACKAGE } from '../support/auto-top-up.js';
import { describeInBrowser, expectClean, launchBrowser, signedIn } from '../support/browser.js';
import { registerUser } from '../support/factories.js';
import { FakeStripeApi } from '../support/fake-stripe.js';
import { stripeOutcomeOf } from '../support/stripe-webhooks.js';
import { startTestApp, TestApp } from '../support/test-app.js';

const money = (cents: number) => (cents / 100).toLocaleString('en-US', { style: 'currency', currency: 'USD' });

describeInBrowser('auto top-up console')('automatic top-up in the console', () => {
  const fake = new FakeStripeApi();
  let t: TestApp;
  let d: AutoTopUpDriver;
  let browser: Browser;

  beforeAll(async () => {
    const port = await fake.start();
    t = await startTestApp({ env: { ...fake.env(port), AUTO_TOP_UP_INTERVAL_MS: '100', AUTO_TOP_UP_CLAIM_SECONDS: '1' } });
    d = new AutoTopUpDriver(t, fake);
    await d.signInAdmin();
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await fake.stop();
  });

  /** Plays Stripe's hosted page: it sends the buyer back to the success URL the service gave. */
  async function stripeSendsBack(page: Page) {
    await page.route('https://checkout.stripe.com/**', async (route) => {
      const created = fake.requests.filter((request) => request.path === '/v1/checkout/sessions').at(-1)!;
      const sessionId = new URL(route.request().url()).pathname.split('/').at(-1)!;
      const target = new URL(created.form.get('success_url')!.replace('{CHECKOUT_SESSION_ID}', sessionId));
      await route.fulfill({ status: 303, headers: { location: `${t.http.baseUrl}${target.pathname}${target.search}` } });
    });
  }

  async function fillSetting(page: Page, threshold: number, limitCents: number) {
    const section = page.getByRole('region', { name: 'Automatic top-up' });
    await section.getByLabel('Top up automatically').check();
    await section.getByLabel('When the balance goes below (tokens)').fill(String(threshold));
    await section.getByLabel('Package to buy').selectOption(PACKAGE.packageCode);
    await section.getByLabel('Monthly limit (USD)').fill(String(limitCents / 100));
    await section.getByRole('button', { name: 'Save automatic top-up' }).click();
    return section;
  }

  it('explains a missing card and saves one at checkout; then saves the setting and follows an attempt to paid', async () => {
    const user = await registerUser(t.http);
    const { page, problems } = await signedIn(browser, t.http.baseUrl, user.email, 'password-123');
    await page.getByRole('link', { name: 'Buy tokens' }).first().click();
    const section = page.getByRole('region', { name: 'Automatic top-up' });
    await section.getByText('Off.').waitFor();
    await expectClean(page, problems, 'auto-top-up-off');

    await fillSetting(page, 500, 3 * PACKAGE.priceCents);
    await section.getByRole('alert').getByText('Automatic top-up needs a saved card.').waitFor();
    await section.getByText('Tick “Save my card for automatic top-up” above and buy a package').waitFor();
    expect(await d.settingOf(user)).toMatchObject({ enabled: false, thresholdTokens: null, paymentMethodSaved: false });
    await expectClean(page, problems, 'auto-top-up-no-card');

    // The way offered: a checkout that saves the card (Stripe's setup_future_usage), saved when Stripe reports the payment.
    await stripeSendsBack(page);
    await page.getByLabel('Save my card for automatic top-up').check();
    const checkout = page.waitForRequest((request) => request.url().endsWith('/billing/checkout'));
    await page.getByRole('button', { name: `Buy ${PACKAGE.tokens.toLocaleString('en-US')} tokens` }).click();
    expect((await checkout).postDataJSON()).toEqual({ packageCode: PACKAGE.packageCode, saveCard: true });
    await page.getByText('Waiting for the payment provider to confirm the payment…').waitFor();
    const providerReference = new URL(page.url()).searchParams.get('session_id')!;
    const created = fake.requests.filter((request) => request.path === '/v1/checkout/sessions').at(-1)!;
    expect(created.form.get('payment_intent_data[setup_future_usage]')).toBe('off_session');
    expect(await stripeOutcomeOf(t.http, fake.event('checkout.session.completed', fake.session(providerReference)))).toBe('credited');
    const paid = fake.event('payment_intent.succeeded', fake.sessionIntent(providerReference));
    expect(await stripeOutcomeOf(t.http, paid)).toBe('card_saved');

    await page.getByRole('link', { name: 'Buy tokens' }).first().click();
    await fillSetting(page, 500, 3 * PACKAGE.priceCents);
    await section.getByText('Automatic top-up saved.').waitFor();
    const status = section.getByTestId('auto-top-up-status');
    await status.getByText(/^On: below 500 tokens, buy .+; at most \$15\.00 a month\.$/).waitFor();
    expect(await d.settingOf(user)).toMatchObject({
      enabled: true,
      thresholdTokens: 500,
      packageCode: PACKAGE.packageCode,
      monthlyLimitCents: 3 * PACKAGE.priceCents,
      paymentMethodSaved: true,
      lastAttempt: null,
    });

    // A debit below the threshold starts an attempt: sent to Stripe, waiting for the payment, then paid.
    await d.setBalance(user, 499);
    const intent = await d.sentIntent(user);
    await page.reload();
    await status.getByText(/^Last attempt .+: waiting for the payment$/).waitFor();
    await status.getByText(`Spent this month: ${money(PACKAGE.priceCents)} of ${money(3 * PACKAGE.priceCents)}.`).waitFor();
    expect(await d.intentEvent('payment_intent.succeeded', intent.id)).toBe('credited');
    await page.reload();
    await status.getByText(/^Last attempt .+: paid and credited$/).waitFor();
    await expect(section.getByLabel('When the balance goes below (tokens)').inputValue()).resolves.toBe('500');
    expect(await d.balanceOf(user)).toBe(499 + PACKAGE.tokens);
    await expectClean(page, problems, 'auto-top-up-paid');
    await page.context().close();
  }, 120_000);
});
