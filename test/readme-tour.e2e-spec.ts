/**
 * The README's tour ("Try it"), step by step, as a new user on the free plan takes it in the API docs
 * with the local payment provider: the metered routes it names cost what it says, with their example
 * bodies they fit the free plan's 100 tokens, the expensive one is refused with 402 and charges
 * nothing, and the local provider's purchase works exactly as the tour describes it.
 */
import { readFileSync } from 'node:fs';
import { uniqueEmail } from './support/factories.js';
import { expectLedgerConsistent } from './support/ledger-assertions.js';
import { startTestApp, TestApp } from './support/test-app.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
/** The "Try it" section, its line breaks as spaces. */
const TOUR = README.slice(README.indexOf('## Try it'), README.indexOf('## Meter your own route')).replace(/\s+/g, ' ');
const FREE_PLAN_TOKENS = 100;

/** The metered calls the tour asks for, with the price it quotes: `POST /services/chat` (1 token). */
const QUOTED = [...TOUR.matchAll(/`POST (\/services\/[a-z-]+)` \(([\d,]+) tokens?\)/g)].map(([, path, tokens]) => ({
  path,
  tokens: Number(tokens.replace(/,/g, '')),
}));

describe("the README's tour, on the free plan with the local payment provider", () => {
  let t: TestApp;
  let openapi: any;

  beforeAll(async () => {
    t = await startTestApp({ env: { PAYMENT_PROVIDER: 'local' } });
    openapi = (await t.http.get('/docs-json')).body;
  });
  afterAll(() => t.close());

  /** The example body the API docs fill in for a route (Try it out). */
  function exampleBody(path: string): Record<string, unknown> {
    const ref: string = openapi.paths[path].post.requestBody.content['application/json'].schema.$ref;
    const schema = openapi.components.schemas[ref.split('/').pop()!];
    return Object.fromEntries(Object.entries<{ example: unknown }>(schema.properties).map(([name, property]) => [name, property.example]));
  }

  it('is affordable step by step, refuses the expensive call with 402, and buys tokens as it says', async () => {
    const spent = QUOTED.filter((call) => call.tokens <= FREE_PLAN_TOKENS);
    const refused = QUOTED.filter((call) => call.tokens > FREE_PLAN_TOKENS);
    expect(spent.map((call) => call.path)).toEqual(['/services/chat', '/services/calls', '/services/social-posts']);
    expect(refused.map((call) => call.path)).toEqual(['/services/seo-title']);
    const total = spent.reduce((sum, call) => sum + call.tokens, 0);
    expect(TOUR).toContain(`costs a new user ${total} of the free plan's ${FREE_PLAN_TOKENS} tokens`);

    // 1. Register, with the docs' example body (another email), and use the access token.
    const registered = await t.http.post('/auth/register', { ...exampleBody('/auth/register'), email: uniqueEmail('tour') });
    expect(registered.status).toBe(201);
    const token: string = registered.body.accessToken;
    const userId: string = registered.body.user.id;

    // 2. The prices the tour quotes are the ones the user pays; the free plan's balance.
    const costs = (await t.http.get('/tokens/costs', { token })).body as { action: string; cost: number }[];
    for (const call of QUOTED) {
      const action = openapi.paths[call.path].post['x-token-cost'].action;
      expect({ path: call.path, cost: costs.find((line) => line.action === action)?.cost }).toEqual({ path: call.path, cost: call.tokens });
    }
    expect((await t.http.get('/tokens/balance', { token })).body.balance).toBe(FREE_PLAN_TOKENS);

    // 3. The calls, with their example bodies: each is served and charged what the tour says.
    for (const call of spent) {
      const response = await t.http.post(call.path, exampleBody(call.path), { token });
      expect({ path: call.path, status: response.status, charged: response.headers.get('x-tokens-charged') }).toEqual({
        path: call.path,
        status: 201,
        charged: String(call.tokens),
      });
    }

    // 4. One usage entry per call, and the balance after them that the tour names.
    const transactions = (await t.http.get('/tokens/transactions?type=usage', { token })).body.items as { balanceAfter: number }[];
    expect(transactions).toHaveLength(spent.length);
    expect(transactions[0].balanceAfter).toBe(FREE_PLAN_TOKENS - total);
    expect(TOUR).toContain(`with the balance after it (${FREE_PLAN_TOKENS - total})`);

    // 5. The expensive call: 402 with the balance and what it needs, nothing charged.
    const seoTitle = refused[0];
    const short = await t.http.post(seoTitle.path, exampleBody(seoTitle.path), { token });
    expect([short.status, short.body]).toEqual([
      402,
      expect.objectContaining({ code: 'INSUFFICIENT_TOKENS', balance: FREE_PLAN_TOKENS - total, required: seoTitle.tokens }),
    ]);
    expect((await t.http.get('/tokens/balance', { token })).body.balance).toBe(FREE_PLAN_TOKENS - total);

    // 6. The local provider's purchase, as the tour's two requests make it.
    const checkout = await t.http.post('/billing/checkout', { packageCode: 'tokens_1k' }, { token });
    expect(checkout.status).toBe(201);
    const { webhookPath, signature, body } = checkout.body.completion as { webhookPath: string; signature: string; body: string };
    const paid = await t.http.post(webhookPath, undefined, { raw: body, headers: { 'x-signature': signature } });
    expect([paid.status, paid.body]).toEqual([200, { received: true, outcome: 'credited' }]);
    const balance = (await t.http.get('/tokens/balance', { token })).body.balance as number;
    expect(balance).toBe(FREE_PLAN_TOKENS - total + 1000);
    expect(TOUR).toContain(`the balance is ${balance.toLocaleString('en-US')}`);
    const served = await t.http.post(seoTitle.path, exampleBody(seoTitle.path), { token });
    expect([served.status, served.headers.get('x-tokens-charged')]).toEqual([201, String(seoTitle.tokens)]);
    await expectLedgerConsistent(t.dataSource, userId);
  });

  it("shows the local provider's completion under the names the tour's shell commands read", () => {
    for (const field of ['.completion.webhookPath', '.completion.signature', '.completion.body']) expect(TOUR).toContain(`jq -r ${field}`);
    expect(TOUR).toContain('PAYMENT_PROVIDER=local npm start');
  });
});
