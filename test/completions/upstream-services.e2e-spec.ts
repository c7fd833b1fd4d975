/**
 * The text services of /services/* on the AI upstream (LLM_BASE_URL pointing at a fake
 * OpenAI-compatible server): the upstream's text comes back in each service's own shape and
 * limits, at the service's fixed contract price; an upstream failure or an empty answer is 502
 * UPSTREAM_FAILED and refunded; calls, the business collector and find-image stay local.
 */
import { countTokens } from '../../src/completions/index.js';
import { longestBlockDuring, randomWord } from '../support/event-loop.js';
import { FakeOpenAi } from '../support/fake-openai.js';
import { loginAdmin, registerUser, TestUser } from '../support/factories.js';
import { expectLedgerConsistent, ledgerState } from '../support/ledger-assertions.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { TEST_DB } from '../support/test-database.js';

const ARTICLE =
  'Cold brew coffee is brewed with cold water over many hours. Cold brew tastes smoother than hot coffee, ' +
  'because the cold water extracts fewer bitter compounds from the coffee beans.';
const LONG =
  'Cold brew coffee is a smooth and gentle drink that takes its time: coarse grounds steep in cold water for twelve to eighteen ' +
  'hours, and what comes out is sweeter, rounder and far less bitter than anything a kettle could give you in the same cup';

describe(`text services on the AI upstream (${TEST_DB})`, () => {
  const fake = new FakeOpenAi();
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    const baseUrl = await fake.start();
    t = await startTestApp({ env: { LLM_BASE_URL: baseUrl, LLM_API_KEY: 'sk-fake-services', LLM_SERVICES_MODEL: 'gpt-4o-mini' } });
    adminToken = await loginAdmin(t.http);
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  /** A new user on the professional plan: 2,000,000 tokens. */
  async function richUser(): Promise<TestUser> {
    const user = await registerUser(t.http);
    expect((await t.http.put(`/admin/users/${user.id}/subscription`, { planCode: 'professional' }, { token: adminToken })).status).toBe(
      200,
    );
    return user;
  }

  /** The call answered 201 and charged exactly `cost` for `action`, as the local services do. */
  async function expectCharged(
    user: TestUser,
    before: number,
    response: { status: number; headers: Headers },
    action: string,
    cost: number,
  ) {
    expect(response.status).toBe(201);
    expect([response.headers.get('x-tokens-charged'), response.headers.get('x-tokens-remaining')]).toEqual([
      String(cost),
      String(2_000_000 - before - cost),
    ]);
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.entries.at(-1)).toMatchObject({ type: 'usage', action, amount: -cost });
  }

  it("/services/chat answers with the upstream's reply, charged its fixed price of 1 token", async () => {
    const user = await richUser();
    const response = await t.http.post('/services/chat', { message: 'How do I make cold brew coffee?' }, { token: user.token });
    await expectCharged(user, 0, response, 'ai_chat_message', 1);
    expect(response.body).toEqual({
      reply: 'Fake reply to: How do I make cold brew coffee?',
      intent: 'question',
      keyTerms: ['cold', 'brew', 'coffee'],
    });
    // One upstream completion: the configured model, the key, a system prompt and the message.
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request.headers.authorization).toBe('Bearer sk-fake-services');
    expect(request.body).toMatchObject({ model: 'gpt-4o-mini', stream: false, max_completion_tokens: 512 });
    expect(request.body.messages).toEqual([
      { role: 'system', content: expect.stringMatching(/assistant/) },
      { role: 'user', content: 'How do I make cold brew coffee?' },
    ]);
  });

  it('an upstream failure is 502 UPSTREAM_FAILED and refunded: the balance is as it was', async () => {
    const user = await richUser();
    const before = await ledgerState(t.dataSource, user.id);
    fake.next({ kind: 'fail', status: 500, message: 'overloaded' });
    const response = await t.http.post('/services/chat', { message: 'hello there, anyone?' }, { token: user.token });
    expect([response.status, response.body.code, response.body.upstreamStatus]).toEqual([502, 'UPSTREAM_FAILED', 500]);
    expect(response.body.message).not.toContain('overloaded');
    expect(response.headers.get('x-tokens-charged')).toBeNull();
    const after = await expectLedgerConsistent(t.dataSource, user.id);
    expect(after.entries.slice(before.entries.length).map((e) => [e.type, e.action, e.amount])).toEqual([
      ['usage', 'ai_chat_message', -1],
      ['refund', 'ai_chat_message', 1],
    ]);
    expect(after.balance).toBe(before.balance);
    const refunds = (await t.http.get('/tokens/transactions?type=refund', { token: user.token })).body.items;
    expect(refunds[0].metadata).toMatchObject({ reason: 'UPSTREAM_FAILED' });
  });

  it('a stream of the upstream cut before the answer, and an empty answer, are refunded too', async () => {
    const user = await richUser();
    fake.next({ kind: 'cut', afterChunks: 0 }, { kind: 'reply', text: '' });
    for (const path of ['/services/seo-title', '/services/write-more']) {
      const response = await t.http.post(path, { text: ARTICLE }, { token: user.token });
      expect([response.status, response.body.code]).toEqual([502, 'UPSTREAM_FAILED']);
    }
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.balance).toBe(2_000_000);
    expect(state.entries.filter((e) => e.type === 'refund').map((e) => [e.action, e.amount])).toEqual([
      ['generate_seo_title', 300],
      ['write_more', 1500],
    ]);
  });

  it('/services/seo-title keeps the title within 60 characters, cut at a word boundary, without quotes', async () => {
    const user = await richUser();
    fake.next({ kind: 'reply', text: `"${LONG}"` });
    const response = await t.http.post('/services/seo-title', { text: ARTICLE }, { token: user.token });
    await expectCharged(user, 0, response, 'generate_seo_title', 300);
    const { title, length } = response.body;
    expect(length).toBe([...title].length);
    expect(length).toBeLessThanOrEqual(60);
    expect(LONG.startsWith(title)).toBe(true);
    expect(LONG[title.length]).toBe(' ');
    expect(fake.requests[0].body.messages[1]).toEqual({ role: 'user', content: ARTICLE });

    fake.next({ kind: 'reply', text: 'Title: "Cold Brew at Home"' });
    expect((await t.http.post('/services/seo-title', { text: ARTICLE }, { token: user.token })).body).toEqual({
      title: 'Cold Brew at Home',
      length: 17,
    });
  });

  it('/services/meta-description keeps it within 155 characters, cut at a word boundary with an ellipsis', async () => {
    const user = await richUser();
    fake.next({ kind: 'reply', text: LONG });
    const response = await t.http.post('/services/meta-description', { text: ARTICLE }, { token: user.token });
    await expectCharged(user, 0, response, 'generate_meta_description', 400);
    const { description, length } = response.body;
    expect(length).toBe([...description].length);
    expect(length).toBeLessThanOrEqual(155);
    expect(description.endsWith('…')).toBe(true);
    const kept = description.slice(0, -1);
    expect(LONG.startsWith(kept)).toBe(true);
    expect(LONG[kept.length]).toBe(' ');
  });

  it('/services/social-posts asks once per platform and keeps each post within its limit, with its hashtags', async () => {
    const user = await richUser();
    const post = `${LONG}. ${LONG}. #coldbrew #coffee`;
    fake.next({ kind: 'reply', text: post }, { kind: 'reply', text: post });
    const response = await t.http.post('/services/social-posts', { text: ARTICLE, platforms: ['x', 'linkedin'] }, { token: user.token });
    await expectCharged(user, 0, response, 'social_media_post', 10);
    expect(fake.requests).toHaveLength(2);
    const [x, linkedin] = response.body.posts;
    expect(x).toMatchObject({ platform: 'x', limit: 280, length: [...x.text].length });
    expect(x.length).toBeLessThanOrEqual(280);
    expect(x.text.endsWith('…')).toBe(true);
    expect(linkedin).toEqual({
      platform: 'linkedin',
      text: post,
      length: [...post].length,
      limit: 3000,
      hashtags: ['#coldbrew', '#coffee'],
    });
    const prompts = fake.requests.map((request) => request.body.messages[0].content).sort();
    expect(prompts[0]).toMatch(/LinkedIn post .*at most 3000 characters/);
    expect(prompts[1]).toMatch(/X \(Twitter\) post .*at most 280 characters/);
  });

  it("/services/rewrite and /services/write-more answer the upstream's text at their fixed prices", async () => {
    const user = await richUser();
    fake.next({ kind: 'reply', text: 'Cold brew is made with cold water over many hours.' });
    const rewrite = await t.http.post('/services/rewrite', { text: ARTICLE }, { token: user.token });
    await expectCharged(user, 0, rewrite, 'ai_rewrite', 500);
    expect(rewrite.body.text).toBe('Cold brew is made with cold water over many hours.');
    expect(rewrite.body.substitutions).toBeGreaterThan(0);

    fake.next({ kind: 'reply', text: 'Serve it over ice,\n\nor with milk.' });
    const more = await t.http.post('/services/write-more', { text: ARTICLE }, { token: user.token });
    await expectCharged(user, 500, more, 'write_more', 1500);
    expect(more.body).toEqual({ text: 'Serve it over ice, or with milk.', keyTerms: ['cold', 'coffee', 'brew'] });
  });

  it('/services/rewrite of 20,000 characters of Chinese counts their tokens without holding the event loop over 50 ms', async () => {
    const user = await richUser();
    const characters = [...'的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自可过天能对'];
    const letters = randomWord(20_000, 9);
    const text = Array.from(letters, (letter, i) =>
      i % 40 === 39 ? '，' : characters[(letter.charCodeAt(0) * 31 + i) % characters.length],
    ).join('');
    // A first, short call warms up the way (the SDK, its connection, the compiled code for such text): only the count is left to measure.
    fake.next({ kind: 'reply', text: '冷萃。' }, { kind: 'reply', text: '冷萃咖啡更顺滑。' });
    const short = await t.http.post('/services/rewrite', { text: text.slice(0, 999) }, { token: user.token });
    await expectCharged(user, 0, short, 'ai_rewrite', 500);
    const { result: rewrite, ...longest } = await longestBlockDuring(() =>
      t.http.post('/services/rewrite', { text }, { token: user.token }),
    );
    await expectCharged(user, 500, rewrite, 'ai_rewrite', 2_000);
    expect(fake.requests[1].body.max_completion_tokens).toBe(Math.min(8192, 2 * countTokens(text) + 64));
    expect(longest.cpuMs).toBeLessThanOrEqual(50);
    expect(longest.withGc.cpuMs).toBeLessThan(250);
  });

  it('calls, the business collector and find-image stay local: the upstream is not asked', async () => {
    const user = await richUser();
    expect((await t.http.post('/services/calls', { to: '+13125550142' }, { token: user.token })).status).toBe(201);
    expect(
      (await t.http.post('/services/business-collector', { query: 'coffee shops in Berlin', count: 3 }, { token: user.token })).status,
    ).toBe(201);
    expect((await t.http.post('/services/find-image', { query: 'mountain lake' }, { token: user.token })).status).toBe(201);
    expect(fake.requests).toHaveLength(0);
  });
});
