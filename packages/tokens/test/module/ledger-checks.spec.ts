/**
 * The ledger checks a host's tests get from `./testing`: nothing reported on a ledger the module
 * wrote, and each kind of damage named once rows are changed behind the module's back.
 */
import { randomUUID } from 'node:crypto';
import { TokenLedger } from '../../src/ledger/token-ledger.js';
import { ledgerProblems } from '../../src/testing/index.js';
import { TEST_DB } from '../support/test-database.js';
import { startTokensModule, type TokensTestModule } from '../support/tokens-test-module.js';

describe(`ledgerProblems (${TEST_DB})`, () => {
  let t: TokensTestModule;
  const charged = async (payerId: string) => {
    await t.app.get(TokenLedger).charge({ payerId, action: 'note_summary', price: 30, requestId: randomUUID() });
    return payerId;
  };

  beforeAll(async () => {
    t = await startTokensModule();
  });
  afterAll(() => t.close());

  it('finds nothing wrong with what the module wrote', async () => {
    const { state, problems } = await ledgerProblems(t.dataSource, await charged('p-clean'));
    expect([state.balance, problems]).toEqual([970, []]);
  });

  it('names a payer without an account', async () => {
    expect((await ledgerProblems(t.dataSource, 'p-nobody')).problems).toEqual(['no account for p-nobody']);
  });

  it.each([
    ['a balance that drifted from its entries', 'UPDATE token_accounts SET balance = balance + 1, credits = credits + 1', /entries sum to/],
    ['a bucket that drifted from its movements', 'UPDATE token_accounts SET allowance = allowance - 5, credits = credits + 5', /allowance/],
    ['held without an open hold', 'UPDATE token_accounts SET held = 7', /held 7/],
    ['owed the ledger never left', 'UPDATE token_accounts SET owed = 3', /owed 3/],
  ])('names %s', async (_what, damage, expected) => {
    const payerId = await charged(randomUUID());
    await t.dataSource.query(`${damage} WHERE user_id = ?`, [payerId]);
    const { problems } = await ledgerProblems(t.dataSource, payerId);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });
});
