/**
 * Automatic top-up with two app instances on one database, both workers polling every 100 ms, and a
 * slow Stripe (each PaymentIntent answered after 700 ms): the attempt is sent by exactly one
 * instance, however often the other looks while the first waits for Stripe.
 */
import { AutoTopUpDriver, SETTING, THRESHOLD } from './support/auto-top-up.js';
import { FakeStripeApi } from './support/fake-stripe.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('automatic top-up on two instances', () => {
  const fake = new FakeStripeApi();
  let first: TestApp;
  let second: TestApp;
  let d: AutoTopUpDriver;

  beforeAll(async () => {
    const port = await fake.start();
    const env = { ...fake.env(port), AUTO_TOP_UP_INTERVAL_MS: '100', AUTO_TOP_UP_CLAIM_SECONDS: '30' };
    first = await startTestApp({ env });
    second = await startTestApp({ env, database: first.database });
    d = new AutoTopUpDriver(first, fake);
    await d.signInAdmin();
  });
  afterAll(async () => {
    await second?.close({ keepDatabase: true });
    await first?.close();
    await fake.stop();
  });

  it('one instance claims the attempt: a single request to Stripe, one PaymentIntent', async () => {
    const user = await d.userWithCard();
    // The setting is made on the first instance; the second sees it at its next reload.
    expect((await d.putSetting(user, SETTING)).status).toBe(200);
    fake.intents.answerDelayMs = 700;
    const keysBefore = fake.intents.keysReceived.length;
    await d.setBalance(user, THRESHOLD);
    expect((await d.spend(user)).status).toBe(201);
    const intent = await d.sentIntent(user);
    await d.workerRounds();
    const purchaseId = (await d.settingOf(user)).lastAttempt.purchaseId;
    expect(fake.intents.keysReceived.slice(keysBefore)).toEqual([purchaseId]);
    expect(d.intentsOf(user)).toEqual([expect.objectContaining({ id: intent.id })]);
  });
});
