/**
 * Buying through Stripe Checkout in the console: the buyer is sent to Stripe's page, and Stripe's
 * redirect back (the default success and cancel URLs are the console's result page) shows the
 * purchase pending until the webhook credits it, then paid with the new balance; a cancelled
 * checkout says nothing was charged. Stripe's API is a fake on 127.0.0.1; its hosted page is
 * played by the browser test, which redirects as Stripe does.
 */
import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, expectClean, launchBrowser, signedIn, tokensText } from '../support/browser.js';
import { registerUser } from '../support/factories.js';
import { FakeStripeApi } from '../support/fake-stripe.js';
import { deliverStripeEvent } from '../support/stripe-webhooks.js';
import { startTestApp, TestApp } from '../support/test-app.js';

describeInBrowser('stripe return')('buying through Stripe Checkout in the console', () => {
  const fake = new FakeStripeApi();
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp({ env: fake.env(await fake.start()) });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await fake.stop();
  });

  /** Plays Stripe's hosted page: it sends the buyer to the URL the service gave for `field`, on this test's app. */
  async function stripeRedirectsTo(page: Page, field: 'success_url' | 'cancel_url') {
    await page.route('https://checkout.stripe.com/**', async (route) => {
      const created = fake.requests.filter((request) => request.path === '/v1/checkout/sessions').at(-1)!;
      const sessionId = new URL(route.request().url()).pathname.split('/').at(-1)!;
      const target = new URL(created.form.get(field)!.replace('{CHECKOUT_SESSION_ID}', sessionId));
      await route.fulfill({ status: 303, headers: { location: `${t.http.baseUrl}${target.pathname}${target.search}` } });
    });
  }

  it('shows the purchase pending after paying, then paid with the new balance once Stripe reports it', async () => {
    const user = await registerUser(t.http);
    const { page, problems } = await signedIn(browser, t.http.baseUrl, user.email, 'password-123');
    await stripeRedirectsTo(page, 'success_url');
    const [first] = (await t.http.get('/billing/packages')).body as { name: string; tokens: number }[];
    await page.getByRole('link', { name: 'Buy tokens' }).first().click();
    await page.getByRole('button', { name: `Buy ${first.name}` }).click();

    await page.getByText('Waiting for the payment provider to confirm the payment…').waitFor();
    const created = fake.requests.filter((request) => request.path === '/v1/checkout/sessions').at(-1)!;
    expect(new URL(created.form.get('success_url')!.replace('{CHECKOUT_SESSION_ID}', 'x')).pathname).toBe('/buy/result');
    expect(new URL(page.url()).pathname).toBe('/buy/result');

    const paid = await deliverStripeEvent(t.http, fake.event('checkout.session.completed', fake.session(sessionOf(page))));
    expect(paid.body.outcome).toBe('credited');
    await page.getByText(`Paid: ${tokensText(first.tokens)} added to your balance.`).waitFor({ timeout: 10_000 });
    await page.getByText(`Your balance is now ${tokensText(100 + first.tokens)}.`).waitFor();
    await expectClean(page, problems, 'buy-result-stripe');
    await page.context().close();
  }, 90_000);

  it('says a cancelled checkout charged nothing', async () => {
    const user = await registerUser(t.http);
    const { page, problems } = await signedIn(browser, t.http.baseUrl, user.email, 'password-123');
    await stripeRedirectsTo(page, 'cancel_url');
    const [first] = (await t.http.get('/billing/packages')).body as { name: string }[];
    await page.getByRole('link', { name: 'Buy tokens' }).first().click();
    await page.getByRole('button', { name: `Buy ${first.name}` }).click();
    await page.getByText('You cancelled the checkout. Nothing was charged.').waitFor();
    await expectClean(page, problems, 'buy-cancelled');
    expect((await t.http.get('/tokens/balance', { token: user.token })).body.balance).toBe(100);
    await page.context().close();
  }, 90_000);
});

/** The Checkout Session id in the result page's address (Stripe puts it in session_id). */
function sessionOf(page: Page): string {
  return new URL(page.url()).searchParams.get('session_id')!;
}
