/**
 * Pricing below HTTP: TokenPrices on a real database (the example app's module: one price tier,
 * `flat`), called directly. The most specific override wins (payer > tier > global > the @TokenPrice
 * default), a change applies to the next price asked on every instance, and bad targets change nothing.
 */
import { ExampleAppModule } from '../../../examples/metered-notes/app.module.js';
import { TokenPrices } from '../src/prices/token-prices.service.js';
import { startTestApp, TestApp } from '../../../test/support/test-app.js';
import { TEST_DB } from '../../../test/support/test-database.js';

const NOTE = { action: 'note_summary', price: 1 };
const ADMIN = 'spec-admin';

describe(`TokenPrices (${TEST_DB})`, () => {
  let a: TestApp;
  let b: TestApp;
  let prices: TokenPrices;
  let other: TokenPrices;

  beforeAll(async () => {
    a = await startTestApp({ root: ExampleAppModule });
    b = await startTestApp({ root: ExampleAppModule, database: a.database });
    prices = a.app.get(TokenPrices);
    other = b.app.get(TokenPrices);
  });
  afterAll(async () => {
    await b.close({ keepDatabase: true });
    await a.close();
  });

  it('the most specific override wins: payer > tier > global > default', async () => {
    expect(await prices.priceFor(NOTE, 'acme')).toBe(1);
    await prices.setOverride('note_summary', 5, {}, ADMIN);
    expect(await prices.priceFor(NOTE, 'acme')).toBe(5);
    await prices.setOverride('note_summary', 3, { tier: 'flat' }, ADMIN);
    expect(await prices.priceFor(NOTE, 'acme')).toBe(3);
    await prices.setOverride('note_summary', 0, { userId: 'acme' }, ADMIN);
    expect([await prices.priceFor(NOTE, 'acme'), await prices.priceFor(NOTE, 'globex')]).toEqual([0, 3]);
    const list = await prices.pricesFor('acme');
    expect(list).toEqual([{ action: 'note_summary', cost: 0, defaultCost: 1, overriddenBy: 'user', description: expect.any(String) }]);
  });

  it('a change made on one instance is the price of the next request on another', async () => {
    expect(await other.priceFor(NOTE, 'globex')).toBe(3);
    await prices.setOverride('note_summary', 7, { tier: 'flat' }, ADMIN);
    expect(await other.priceFor(NOTE, 'globex')).toBe(7);
    await prices.removeOverride('note_summary', { tier: 'flat' });
    expect(await other.priceFor(NOTE, 'globex')).toBe(5);
  });

  it('an unknown action or tier, or a tier and a payer at once, is refused and changes nothing', async () => {
    const before = await prices.listOverrides();
    await expect(prices.setOverride('no_such_action', 1, {}, ADMIN)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(prices.setOverride('note_summary', 1, { tier: 'gold' }, ADMIN)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(prices.setOverride('note_summary', 1, { tier: 'flat', userId: 'acme' }, ADMIN)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(prices.removeOverride('note_summary', { userId: 'nobody' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await prices.listOverrides()).toEqual(before);
  });
});
