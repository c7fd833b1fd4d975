/**
 * Pricing below HTTP: TokenPrices on a real database (TokensModule alone, the suites' account
 * policy: one price tier, `flat`), called directly. The most specific override wins (payer > tier >
 * global > the @TokenPrice default), a change applies to the next price asked on every instance,
 * and bad targets change nothing.
 */
import { Controller, Post } from '@nestjs/common';
import { TokenPrice, TokenPrices } from '../../src/index.js';
import { createTestDatabase, TEST_DB } from '../support/test-database.js';
import { startTokensModule, type TokensTestModule } from '../support/tokens-test-module.js';

/** The host's one metered route: the price catalog knows the actions of the controllers. */
@Controller('notes')
class NotesController {
  @Post('summary')
  @TokenPrice('note_summary', 1)
  summarize(): { summary: string } {
    return { summary: '' };
  }
}

const NOTE = { action: 'note_summary', price: 1 };
const ADMIN = 'spec-admin';

describe(`TokenPrices (${TEST_DB})`, () => {
  let a: TokensTestModule;
  let b: TokensTestModule;
  let prices: TokenPrices;
  let other: TokenPrices;

  beforeAll(async () => {
    // Two instances of the module on one database, as two app processes.
    const database = await createTestDatabase({ shared: true });
    a = await startTokensModule({ database, controllers: [NotesController] });
    b = await startTokensModule({ database, controllers: [NotesController] });
    prices = a.app.get(TokenPrices);
    other = b.app.get(TokenPrices);
  });
  afterAll(async () => {
    await b.close({ keepDatabase: true });
    await a.close();
  });

  it('the most specific override wins: payer > tier > global > default; the price list describes the price it shows', async () => {
    expect(await prices.priceFor(NOTE, 'acme')).toBe(1);
    expect((await prices.pricesFor('acme'))[0].description).toBe('1 token per request');
    await prices.setOverride('note_summary', 5, {}, ADMIN);
    expect(await prices.priceFor(NOTE, 'acme')).toBe(5);
    await prices.setOverride('note_summary', 3, { tier: 'flat' }, ADMIN);
    expect(await prices.priceFor(NOTE, 'acme')).toBe(3);
    await prices.setOverride('note_summary', 0, { payerId: 'acme' }, ADMIN);
    expect([await prices.priceFor(NOTE, 'acme'), await prices.priceFor(NOTE, 'globex')]).toEqual([0, 3]);
    const list = await prices.pricesFor('acme');
    expect(list).toEqual([{ action: 'note_summary', cost: 0, defaultCost: 1, overriddenBy: 'user', description: '0 tokens per request' }]);
    expect((await prices.pricesFor('globex'))[0]).toMatchObject({ cost: 3, description: '3 tokens per request' });
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
    await expect(prices.setOverride('note_summary', 1, { tier: 'flat', payerId: 'acme' }, ADMIN)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(prices.removeOverride('note_summary', { payerId: 'nobody' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await prices.listOverrides()).toEqual(before);
  });
});
