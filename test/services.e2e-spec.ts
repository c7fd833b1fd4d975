/**
 * The nine metered services of API.md ("Metered services"), end to end on the real app:
 * result shapes, contract prices and headers, the ledger row each call writes, variable
 * costs, incident 3 (402 at a short or zero balance, balance routes still usable),
 * validation before any charge, and authentication.
 *
 * The content provider is the real LocalContentProvider, wrapped only to count calls so a
 * test can show that refused requests did no work, and to fail on demand so a test can show
 * that a failed request is refunded.
 */
import { AppError, ErrorCode } from '../src/common/app-error.js';
import { ContentProvider } from '../src/services/content-provider.js';
import { LocalContentProvider } from '../src/services/local-content.provider.js';
import { loginAdmin, registerUser, spendDownTo, TestUser } from './support/factories.js';
import type { HttpResponse } from './support/http-client.js';
import { expectLedgerConsistent, ledgerState, LedgerState } from './support/ledger-assertions.js';
import { startTestApp, TestApp } from './support/test-app.js';

// ---------------------------------------------------------------------------------------------
// A call-counting provider: the local, deterministic provider, with every service method counted.

type ProviderMethod = Exclude<keyof ContentProvider, 'constructor'>;
const PROVIDER_METHODS: ProviderMethod[] = [
  'chat',
  'placeCall',
  'collectBusinesses',
  'draftSocialPosts',
  'seoTitle',
  'metaDescription',
  'rewrite',
  'writeMore',
  'findImage',
];
const providerCalls: ProviderMethod[] = [];
/** While true, every provider call fails (after being counted), as a backend that is down would. */
let providerDown = false;

class CountingContentProvider extends LocalContentProvider {}
for (const method of PROVIDER_METHODS) {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with .apply(this, args)
  const original = LocalContentProvider.prototype[method] as unknown as (...args: unknown[]) => Promise<unknown>;
  (CountingContentProvider.prototype as unknown as Record<string, unknown>)[method] = async function (
    this: LocalContentProvider,
    ...args: unknown[]
  ) {
    providerCalls.push(method);
    if (providerDown) throw new AppError(ErrorCode.SERVICE_FAILED, `the ${method} backend is down`);
    return original.apply(this, args);
  };
}

// ---------------------------------------------------------------------------------------------
// Fixtures

const ARTICLE =
  'Cold brew coffee is brewed with cold water over many hours. Cold brew tastes smoother than hot coffee, ' +
  'because the cold water extracts fewer bitter compounds from the coffee beans. To make cold brew at home, ' +
  'grind the beans coarsely, mix one part coffee with eight parts water, and let it steep for 12 to 18 hours. ' +
  'Strain it through a paper filter and keep the concentrate in the fridge for up to two weeks.';

/** A readable text of exactly `length` characters (all ASCII, so code points == UTF-16 units). */
function textOfLength(length: number): string {
  const sentence = 'We utilize a very big kettle in order to brew the coffee every morning. ';
  return sentence.repeat(Math.ceil(length / sentence.length) + 1).slice(0, length);
}

const chars = (text: string): number => [...text].length;
const SOCIAL_LIMITS: Record<string, number> = { twitter: 280, x: 280, linkedin: 3000, facebook: 63206, instagram: 2200, threads: 500 };
const E164 = /^\+[1-9]\d{6,14}$/;

type Body = Record<string, unknown>;
type InvalidCase = [label: string, body: unknown, field?: string];

interface Endpoint {
  path: string;
  action: string;
  cost: number;
  provider: ProviderMethod;
  body: Body;
  /** Properties only a successful result has; an error body must carry none of them. */
  resultKeys: string[];
  check(result: any, body: Body): void;
  invalid: InvalidCase[];
}

/** Cases every text property shares: missing, wrong types, empty, blank, over its maximum. */
function textFieldCases(field: string, max: number, rest: Body): InvalidCase[] {
  return [
    [`${field} missing`, { ...rest }, field],
    [`${field} null`, { ...rest, [field]: null }, field],
    [`${field} a number`, { ...rest, [field]: 42 }, field],
    [`${field} a boolean`, { ...rest, [field]: true }, field],
    [`${field} an array`, { ...rest, [field]: ['hello'] }, field],
    [`${field} an object`, { ...rest, [field]: { text: 'hello' } }, field],
    [`${field} empty`, { ...rest, [field]: '' }, field],
    [`${field} blank`, { ...rest, [field]: ' \t\n  ' }, field],
    [`${field} over ${max} characters`, { ...rest, [field]: textOfLength(max + 1) }, field],
  ];
}

const ENDPOINTS: Endpoint[] = [
  {
    path: '/services/chat',
    action: 'ai_chat_message',
    cost: 1,
    provider: 'chat',
    body: { message: 'How do I make cold brew coffee at home?' },
    resultKeys: ['reply', 'intent', 'keyTerms'],
    check(result) {
      expect(typeof result.reply).toBe('string');
      expect(result.reply.trim().length).toBeGreaterThan(0);
      expect(result.intent).toBe('question');
      expect(Array.isArray(result.keyTerms)).toBe(true);
      expect(result.keyTerms).toContain('coffee');
      for (const term of result.keyTerms) expect(typeof term).toBe('string');
    },
    invalid: [...textFieldCases('message', 4000, {}), ['extra property', { message: 'hello', model: 'gpt' }, 'model']],
  },
  {
    path: '/services/calls',
    action: 'outbound_call_single',
    cost: 1,
    provider: 'placeCall',
    body: { to: '+4915123456789', script: 'Hello, this is a reminder of your appointment tomorrow at 10 am.' },
    resultKeys: ['callId', 'to', 'status', 'script', 'estimatedSeconds'],
    check(result, body) {
      expect(result.status).toBe('queued');
      expect(result.to).toBe(body.to);
      expect(result.callId).toMatch(/^call_\w+$/);
      expect(result.script).toBe(body.script);
      expect(Number.isInteger(result.estimatedSeconds)).toBe(true);
      expect(result.estimatedSeconds).toBeGreaterThan(0);
    },
    invalid: [
      ['to missing', { script: 'Hello' }, 'to'],
      ['to null', { to: null }, 'to'],
      ['to a number', { to: 4915123456789 }, 'to'],
      ['to empty', { to: '' }, 'to'],
      ['to blank', { to: '   ' }, 'to'],
      ['to without +', { to: '4915123456789' }, 'to'],
      ['to with a national 0 prefix', { to: '015123456789' }, 'to'],
      ['to with country code 0', { to: '+0123456789' }, 'to'],
      ['to with spaces', { to: '+49 151 23456789' }, 'to'],
      ['to with dashes', { to: '+1-312-555-0100' }, 'to'],
      ['to too short', { to: '+12345' }, 'to'],
      ['to too long (16 digits)', { to: '+1234567890123456' }, 'to'],
      ['to with letters', { to: '+1800FLOWERS' }, 'to'],
      ['to with a trailing newline', { to: '+4915123456789\n' }, 'to'],
      ['script a number', { to: '+4915123456789', script: 12 }, 'script'],
      ['script empty', { to: '+4915123456789', script: '' }, 'script'],
      ['script blank', { to: '+4915123456789', script: '   ' }, 'script'],
      ['script over 2000 characters', { to: '+4915123456789', script: textOfLength(2001) }, 'script'],
      ['extra property', { to: '+4915123456789', from: '+4915100000000' }, 'from'],
    ],
  },
  {
    path: '/services/business-collector',
    action: 'business_collector',
    cost: 20,
    provider: 'collectBusinesses',
    body: { query: 'coffee shops in Berlin', count: 5 },
    resultKeys: ['query', 'count', 'leads'],
    check(result, body) {
      expect(result.query).toBe(body.query);
      expect(result.count).toBe(body.count);
      expect(result.leads).toHaveLength(body.count as number);
      for (const lead of result.leads) {
        expect(lead).toEqual({
          name: expect.any(String),
          category: expect.any(String),
          city: 'Berlin',
          phone: expect.stringMatching(E164),
          email: expect.stringMatching(/^[^@\s]+@[^@\s]+\.[a-z]+$/),
          website: expect.stringMatching(/^https:\/\/\S+$/),
        });
      }
      expect(new Set(result.leads.map((lead: { name: string }) => lead.name)).size).toBe(result.leads.length);
    },
    invalid: [
      ...textFieldCases('query', 200, { count: 5 }),
      ['count missing', { query: 'bakeries' }, 'count'],
      ['count null', { query: 'bakeries', count: null }, 'count'],
      ['count 0', { query: 'bakeries', count: 0 }, 'count'],
      ['count negative', { query: 'bakeries', count: -1 }, 'count'],
      ['count 1001', { query: 'bakeries', count: 1001 }, 'count'],
      ['count 2.5', { query: 'bakeries', count: 2.5 }, 'count'],
      ['count "5"', { query: 'bakeries', count: '5' }, 'count'],
      ['count a boolean', { query: 'bakeries', count: true }, 'count'],
      ['count an array', { query: 'bakeries', count: [5] }, 'count'],
      ['count huge', { query: 'bakeries', count: 1e21 }, 'count'],
      ['extra property', { query: 'bakeries', count: 5, radiusKm: 10 }, 'radiusKm'],
    ],
  },
  {
    path: '/services/social-posts',
    action: 'social_media_post',
    cost: 10,
    provider: 'draftSocialPosts',
    body: { text: 'We now roast our own beans in Berlin, every morning, in small batches.', platforms: ['x', 'linkedin', 'instagram'] },
    resultKeys: ['posts'],
    check(result, body) {
      const platforms = body.platforms as string[];
      expect(result.posts.map((post: { platform: string }) => post.platform)).toEqual(platforms);
      for (const post of result.posts) {
        expect(typeof post.text).toBe('string');
        expect(post.text.trim().length).toBeGreaterThan(0);
        expect(post.limit).toBe(SOCIAL_LIMITS[post.platform]);
        expect(post.length).toBe(chars(post.text));
        expect(post.length).toBeLessThanOrEqual(post.limit);
        expect(Array.isArray(post.hashtags)).toBe(true);
        for (const tag of post.hashtags) expect(tag).toMatch(/^#\S+$/);
      }
    },
    invalid: [
      ...textFieldCases('text', 5000, { platforms: ['x'] }),
      ['platforms missing', { text: 'hello world' }, 'platforms'],
      ['platforms null', { text: 'hello world', platforms: null }, 'platforms'],
      ['platforms a string', { text: 'hello world', platforms: 'x' }, 'platforms'],
      ['platforms empty', { text: 'hello world', platforms: [] }, 'platforms'],
      ['unknown platform', { text: 'hello world', platforms: ['x', 'myspace'] }, 'platforms'],
      ['platform not a string', { text: 'hello world', platforms: [5] }, 'platforms'],
      ['platform null', { text: 'hello world', platforms: [null] }, 'platforms'],
      ['duplicate platforms', { text: 'hello world', platforms: ['linkedin', 'linkedin'] }, 'platforms'],
      [
        'more than 5 platforms',
        { text: 'hello world', platforms: ['twitter', 'x', 'linkedin', 'facebook', 'instagram', 'threads'] },
        'platforms',
      ],
      ['extra property', { text: 'hello world', platforms: ['x'], schedule: 'now' }, 'schedule'],
    ],
  },
  {
    path: '/services/seo-title',
    action: 'generate_seo_title',
    cost: 300,
    provider: 'seoTitle',
    body: { text: ARTICLE },
    resultKeys: ['title', 'length'],
    check(result) {
      expect(typeof result.title).toBe('string');
      expect(result.title.trim().length).toBeGreaterThan(0);
      expect(chars(result.title)).toBeLessThanOrEqual(60);
      expect(result.length).toBe(chars(result.title));
    },
    invalid: [...textFieldCases('text', 20000, {}), ['extra property', { text: 'hello', keywords: ['a'] }, 'keywords']],
  },
  {
    path: '/services/meta-description',
    action: 'generate_meta_description',
    cost: 400,
    provider: 'metaDescription',
    body: { text: ARTICLE },
    resultKeys: ['description', 'length'],
    check(result) {
      expect(typeof result.description).toBe('string');
      expect(result.description.trim().length).toBeGreaterThan(0);
      expect(chars(result.description)).toBeLessThanOrEqual(155);
      expect(result.length).toBe(chars(result.description));
    },
    invalid: [...textFieldCases('text', 20000, {}), ['extra property', { text: 'hello', lang: 'en' }, 'lang']],
  },
  {
    path: '/services/rewrite',
    action: 'ai_rewrite',
    cost: 500,
    provider: 'rewrite',
    body: { text: 'We utilize a very big kettle in order to brew the coffee.' },
    resultKeys: ['text', 'substitutions'],
    check(result) {
      expect(typeof result.text).toBe('string');
      expect(result.text.trim().length).toBeGreaterThan(0);
      expect(result.substitutions).toBe(3);
      expect(result.text).toBe('We use a huge kettle to brew the coffee.');
    },
    invalid: [...textFieldCases('text', 20000, {}), ['extra property', { text: 'hello', tone: 'formal' }, 'tone']],
  },
  {
    path: '/services/write-more',
    action: 'write_more',
    cost: 1500,
    provider: 'writeMore',
    body: { text: ARTICLE },
    resultKeys: ['text', 'keyTerms'],
    check(result) {
      expect(typeof result.text).toBe('string');
      expect(result.text.trim().length).toBeGreaterThan(0);
      expect(result.text).not.toBe(ARTICLE);
      expect(Array.isArray(result.keyTerms)).toBe(true);
      expect(result.keyTerms).toContain('coffee');
    },
    invalid: [...textFieldCases('text', 20000, {}), ['extra property', { text: 'hello', words: 100 }, 'words']],
  },
  {
    path: '/services/find-image',
    action: 'find_image',
    cost: 100,
    provider: 'findImage',
    body: { query: 'mountain lake at dawn' },
    resultKeys: ['query', 'url', 'width', 'height', 'alt'],
    check(result, body) {
      expect(result.query).toBe(body.query);
      expect(result.url.startsWith('data:image/svg+xml')).toBe(true);
      const svg = Buffer.from(result.url.replace(/^data:image\/svg\+xml;base64,/, ''), 'base64').toString('utf8');
      expect(svg).toMatch(/^<svg[\s>][\s\S]*<\/svg>$/);
      expect(Number.isInteger(result.width) && result.width > 0).toBe(true);
      expect(Number.isInteger(result.height) && result.height > 0).toBe(true);
      expect(typeof result.alt).toBe('string');
      expect(result.alt).toContain('mountain lake at dawn');
    },
    invalid: [...textFieldCases('query', 200, {}), ['extra property', { query: 'lake', size: 'large' }, 'size']],
  },
];

/** Bodies that are not an object at all: every endpoint answers 400, never 500. */
const MALFORMED_BODIES: [label: string, raw: string | undefined][] = [
  ['no body', undefined],
  ['JSON null', 'null'],
  ['a JSON array', '[]'],
  ['a JSON string', '"hello"'],
  ['a JSON number', '42'],
  ['invalid JSON', '{"text": '],
];

const byPath = (path: string): Endpoint => ENDPOINTS.find((e) => e.path === path) as Endpoint;

// ---------------------------------------------------------------------------------------------

describe('metered services', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp({ override: (builder) => builder.overrideProvider(ContentProvider).useClass(CountingContentProvider) });
    adminToken = await loginAdmin(t.http);
  });
  afterAll(() => t?.close());
  beforeEach(() => {
    providerCalls.length = 0;
    providerDown = false;
  });

  /** A new user moved to the professional plan: 100 + 1,999,900 = 2,000,000 tokens. */
  async function richUser(): Promise<TestUser> {
    const user = await registerUser(t.http);
    const response = await t.http.put(`/admin/users/${user.id}/subscription`, { planCode: 'professional' }, { token: adminToken });
    expect(response.status).toBe(200);
    expect((await ledgerState(t.dataSource, user.id)).balance).toBe(2_000_000);
    return user;
  }

  /** A new free user (100 tokens) spent down to `balance` through real chat calls. */
  async function userWithBalance(balance: number): Promise<TestUser> {
    const user = await registerUser(t.http);
    await spendDownTo(t.http, user, balance);
    expect((await ledgerState(t.dataSource, user.id)).balance).toBe(balance);
    providerCalls.length = 0;
    return user;
  }

  /** Asserts a 201 charged `cost` and that the ledger gained exactly one matching usage row. */
  async function expectCharged(
    user: TestUser,
    before: LedgerState,
    response: HttpResponse,
    action: string,
    cost: number,
  ): Promise<LedgerState> {
    expect(response.status).toBe(201);
    const balanceAfter = (before.balance as number) - cost;
    expect(response.headers.get('x-tokens-charged')).toBe(String(cost));
    expect(response.headers.get('x-tokens-remaining')).toBe(String(balanceAfter));
    const after = await expectLedgerConsistent(t.dataSource, user.id);
    expect(after.entries.slice(0, before.entries.length)).toEqual(before.entries);
    expect(
      after.entries
        .slice(before.entries.length)
        .map((e) => ({ type: e.type, action: e.action, amount: e.amount, balanceAfter: e.balanceAfter })),
    ).toEqual([{ type: 'usage', action, amount: -cost, balanceAfter }]);
    expect(after.balance).toBe(balanceAfter);
    return after;
  }

  async function totalLedgerRows(): Promise<number> {
    const [row] = await t.dataSource.query('SELECT COUNT(*) AS n FROM token_ledger_entries');
    return Number(row.n);
  }

  // -------------------------------------------------------------------------------------------
  describe('a valid request', () => {
    it.each(ENDPOINTS.map((e) => [e.path, e] as const))(
      '%s answers 201 with its result, charges the contract cost and writes one usage row',
      async (_path, endpoint) => {
        const user = await richUser();
        const before = await ledgerState(t.dataSource, user.id);
        const response = await t.http.post(endpoint.path, endpoint.body, { token: user.token });
        expect(response.status).toBe(201);
        endpoint.check(response.body, endpoint.body);
        await expectCharged(user, before, response, endpoint.action, endpoint.cost);
        expect(providerCalls).toEqual([endpoint.provider]);

        const balance = await t.http.get('/tokens/balance', { token: user.token });
        expect(balance.status).toBe(200);
        expect(balance.body).toMatchObject({ balance: 2_000_000 - endpoint.cost, usedThisPeriod: endpoint.cost, featuresDisabled: false });
        const transactions = await t.http.get('/tokens/transactions?limit=1', { token: user.token });
        expect(transactions.status).toBe(200);
        expect(transactions.body.items[0]).toMatchObject({
          type: 'usage',
          action: endpoint.action,
          amount: -endpoint.cost,
          balanceAfter: 2_000_000 - endpoint.cost,
        });
      },
    );

    it.each(ENDPOINTS.map((e) => [e.path, e] as const))(
      '%s gives the same result to the same request, and charges each call',
      async (_path, endpoint) => {
        const user = await richUser();
        const first = await t.http.post(endpoint.path, endpoint.body, { token: user.token });
        const second = await t.http.post(endpoint.path, endpoint.body, { token: user.token });
        expect([first.status, second.status]).toEqual([201, 201]);
        expect(second.body).toEqual(first.body);
        expect(first.headers.get('x-tokens-remaining')).toBe(String(2_000_000 - endpoint.cost));
        expect(second.headers.get('x-tokens-remaining')).toBe(String(2_000_000 - 2 * endpoint.cost));
        const state = await expectLedgerConsistent(t.dataSource, user.id);
        expect(state.entries.filter((e) => e.type === 'usage').map((e) => [e.action, e.amount])).toEqual([
          [endpoint.action, -endpoint.cost],
          [endpoint.action, -endpoint.cost],
        ]);
      },
    );

    it.each(ENDPOINTS.map((e) => [e.path, e] as const))(
      '%s refunds the charge when its provider fails, and leaves the balance as it was',
      async (_path, endpoint) => {
        const user = await richUser();
        const before = await ledgerState(t.dataSource, user.id);
        providerDown = true;
        const response = await t.http.post(endpoint.path, endpoint.body, { token: user.token });
        expect([response.status, response.body.code]).toEqual([502, 'SERVICE_FAILED']);
        for (const key of endpoint.resultKeys) expect(response.body).not.toHaveProperty(key);
        expect(response.headers.get('x-tokens-charged')).toBeNull();
        expect(providerCalls).toEqual([endpoint.provider]);
        const after = await expectLedgerConsistent(t.dataSource, user.id);
        expect(after.entries.slice(0, before.entries.length)).toEqual(before.entries);
        expect(after.entries.slice(before.entries.length).map((e) => [e.type, e.action, e.amount])).toEqual([
          ['usage', endpoint.action, -endpoint.cost],
          ['refund', endpoint.action, endpoint.cost],
        ]);
        expect((await t.http.get('/tokens/balance', { token: user.token })).body).toMatchObject({ balance: 2_000_000, usedThisPeriod: 0 });
      },
    );

    it('places a call without a script, using a default script', async () => {
      const user = await registerUser(t.http);
      const before = await ledgerState(t.dataSource, user.id);
      const response = await t.http.post('/services/calls', { to: '+13125550142' }, { token: user.token });
      await expectCharged(user, before, response, 'outbound_call_single', 1);
      expect(response.body).toMatchObject({ to: '+13125550142', status: 'queued' });
      expect(response.body.script.trim().length).toBeGreaterThan(0);
    });

    it('drafts one post per platform for every supported platform, within each limit, even for a long text', async () => {
      const user = await registerUser(t.http);
      const text = textOfLength(5000);
      for (const platforms of [['twitter', 'x', 'linkedin', 'facebook', 'instagram'], ['threads']]) {
        const before = await ledgerState(t.dataSource, user.id);
        const response = await t.http.post('/services/social-posts', { text, platforms }, { token: user.token });
        await expectCharged(user, before, response, 'social_media_post', 10);
        byPath('/services/social-posts').check(response.body, { text, platforms });
      }
    });

    it('keeps the SEO title within 60 and the meta description within 155 characters for long and unbroken input', async () => {
      const user = await richUser();
      const inputs = [
        textOfLength(20000),
        'x'.repeat(500),
        'Supercalifragilisticexpialidocious'.repeat(10) + ' tail',
        '😀'.repeat(300),
        'One.',
      ];
      for (const text of inputs) {
        const title = await t.http.post('/services/seo-title', { text }, { token: user.token });
        expect(title.status).toBe(201);
        byPath('/services/seo-title').check(title.body, { text });
        const meta = await t.http.post('/services/meta-description', { text }, { token: user.token });
        expect(meta.status).toBe(201);
        byPath('/services/meta-description').check(meta.body, { text });
      }
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it.each([
      ['only punctuation', '?!... -- ;;'],
      ['only stop words', 'the and in of to a'],
      ['only emoji', '😀🎉👍🏽❤️'],
      ['markup and quotes', '<b>"Tom & Jerry\'s" <script>alert(1)</script></b>'],
      ['right-to-left and combining text', 'مرحبا بالعالم — שלום עולם — café'],
      ['control and zero-width characters', 'tab\there\u0000nul\u200bzero width\u202eflip'],
      ['a lone surrogate', 'broken \ud800 text'],
      ['a city suffix only', 'in Berlin'],
    ])('odd but valid input (%s) is served by every endpoint, never a 500', async (_label, text) => {
      const user = await richUser();
      const bodies: Record<string, Body> = {
        '/services/chat': { message: text },
        '/services/calls': { to: '+4915123456789', script: text },
        '/services/business-collector': { query: text, count: 3 },
        '/services/social-posts': { text, platforms: ['x', 'threads'] },
        '/services/seo-title': { text },
        '/services/meta-description': { text },
        '/services/rewrite': { text },
        '/services/write-more': { text },
        '/services/find-image': { query: text },
      };
      for (const endpoint of ENDPOINTS) {
        const response = await t.http.post(endpoint.path, bodies[endpoint.path], { token: user.token });
        expect({ path: endpoint.path, status: response.status }).toEqual({ path: endpoint.path, status: 201 });
        expect(response.headers.get('x-tokens-charged')).toBe(String(endpoint.cost));
      }
      const svg = await t.http.post('/services/find-image', { query: text }, { token: user.token });
      const decoded = Buffer.from(svg.body.url.replace(/^data:image\/svg\+xml;base64,/, ''), 'base64').toString('utf8');
      expect(decoded).not.toMatch(/<(b|script)>/);
      const title = await t.http.post('/services/seo-title', { text }, { token: user.token });
      expect(title.body.title.length).toBeGreaterThan(0);
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it('accepts a valid request through an API key and charges the key owner', async () => {
      const user = await registerUser(t.http);
      const key = await t.http.post('/api-keys', { name: 'services test' }, { token: user.token });
      expect(key.status).toBe(201);
      const before = await ledgerState(t.dataSource, user.id);
      const response = await t.http.post('/services/chat', { message: 'hello' }, { apiKey: key.body.key });
      await expectCharged(user, before, response, 'ai_chat_message', 1);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('variable costs', () => {
    it.each([
      [1, 20],
      [99, 20],
      [100, 20],
      [101, 40],
      [200, 40],
      [201, 60],
      [999, 200],
      [1000, 200],
    ])('business-collector with count %i costs %i and returns exactly count leads', async (count, cost) => {
      const user = await richUser();
      const before = await ledgerState(t.dataSource, user.id);
      const body = { query: 'bakeries in Chicago', count };
      const response = await t.http.post('/services/business-collector', body, { token: user.token });
      await expectCharged(user, before, response, 'business_collector', cost);
      expect(response.body.count).toBe(count);
      expect(response.body.leads).toHaveLength(count);
      expect(new Set(response.body.leads.map((lead: { name: string }) => lead.name)).size).toBe(count);
    });

    it.each([
      [1, 500],
      [999, 500],
      [1000, 500],
      [1001, 1000],
      [2000, 1000],
      [2500, 1500],
      [3001, 2000],
      [4000, 2000],
      [4001, 2000],
      [10000, 2000],
      [20000, 2000],
    ])('rewrite of %i characters costs %i (500 per started 1,000, at most 2,000)', async (length, cost) => {
      const user = await richUser();
      const text = length === 1 ? 'a' : textOfLength(length);
      expect(text).toHaveLength(length);
      const before = await ledgerState(t.dataSource, user.id);
      const response = await t.http.post('/services/rewrite', { text }, { token: user.token });
      await expectCharged(user, before, response, 'ai_rewrite', cost);
      expect(typeof response.body.text).toBe('string');
    });

    it.each([
      ['1001 emoji (2002 UTF-16 units)', '😀'.repeat(1001), 1000],
      ['1000 emoji (2000 UTF-16 units)', '😀'.repeat(1000), 500],
      ['1001 accented letters', 'é'.repeat(1001), 1000],
      ['999 letters and 1 emoji', `${'a'.repeat(999)}😀`, 500],
    ])('rewrite counts characters as code points: %s', async (_label, text, cost) => {
      const user = await richUser();
      const before = await ledgerState(t.dataSource, user.id);
      const response = await t.http.post('/services/rewrite', { text }, { token: user.token });
      await expectCharged(user, before, response, 'ai_rewrite', cost);
    });

    it('lists the contract prices in GET /tokens/costs', async () => {
      const user = await registerUser(t.http);
      const response = await t.http.get('/tokens/costs', { token: user.token });
      expect(response.status).toBe(200);
      const costs = Object.fromEntries((response.body as { action: string; cost: number }[]).map((c) => [c.action, c.cost]));
      expect(costs).toMatchObject({
        ai_chat_message: 1,
        outbound_call_single: 1,
        business_collector: 20,
        social_media_post: 10,
        generate_seo_title: 300,
        generate_meta_description: 400,
        ai_rewrite: 500,
        write_more: 1500,
        find_image: 100,
      });
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('incident 3: a short balance blocks the work', () => {
    async function expectRefused(
      user: TestUser,
      path: string,
      body: unknown,
      balance: number,
      required: number,
      resultKeys: string[],
    ): Promise<void> {
      const before = await ledgerState(t.dataSource, user.id);
      const response = await t.http.post(path, body, { token: user.token });
      expect(response.status).toBe(402);
      expect(response.body).toMatchObject({ statusCode: 402, code: 'INSUFFICIENT_TOKENS', balance, required });
      expect(typeof response.body.message).toBe('string');
      for (const key of resultKeys) expect(response.body).not.toHaveProperty(key);
      expect(response.headers.get('x-tokens-charged')).toBeNull();
      expect(providerCalls).toEqual([]);
      expect(await ledgerState(t.dataSource, user.id)).toEqual(before);
    }

    it.each(ENDPOINTS.map((e) => [e.path, e] as const))(
      '%s answers 402 at balance 0, runs nothing and leaves the ledger as it was',
      async (_path, endpoint) => {
        const user = await userWithBalance(0);
        await expectRefused(user, endpoint.path, endpoint.body, 0, endpoint.cost, endpoint.resultKeys);
        // A second attempt is refused the same way: zero is a real balance, never a reason to re-seed.
        await expectRefused(user, endpoint.path, endpoint.body, 0, endpoint.cost, endpoint.resultKeys);
        await expectLedgerConsistent(t.dataSource, user.id);
      },
    );

    it.each([
      ['/services/seo-title', { text: ARTICLE }, 100, 300],
      ['/services/meta-description', { text: ARTICLE }, 100, 400],
      ['/services/rewrite', { text: 'short' }, 100, 500],
      ['/services/rewrite', { text: textOfLength(4001) }, 100, 2000],
      ['/services/write-more', { text: ARTICLE }, 100, 1500],
      ['/services/find-image', { query: 'lake' }, 99, 100],
      ['/services/business-collector', { query: 'bakeries', count: 100 }, 19, 20],
      ['/services/business-collector', { query: 'bakeries', count: 101 }, 39, 40],
      ['/services/business-collector', { query: 'bakeries', count: 1000 }, 100, 200],
      ['/services/social-posts', { text: 'hello world', platforms: ['x'] }, 9, 10],
    ] as const)('%s with %j at balance %i answers 402 (required %i)', async (path, body, balance, required) => {
      const user = await userWithBalance(balance);
      await expectRefused(user, path, body, balance, required, byPath(path).resultKeys);
      expect((await expectLedgerConsistent(t.dataSource, user.id)).balance).toBe(balance);
    });

    it.each([
      ['/services/find-image', { query: 'lake' }, 100, 'find_image'],
      ['/services/business-collector', { query: 'bakeries', count: 100 }, 20, 'business_collector'],
      ['/services/social-posts', { text: 'hello world', platforms: ['x'] }, 10, 'social_media_post'],
      ['/services/chat', { message: 'hello' }, 1, 'ai_chat_message'],
      ['/services/calls', { to: '+4915123456789' }, 1, 'outbound_call_single'],
    ] as const)('%s at a balance exactly equal to its cost succeeds and leaves 0', async (path, body, cost, action) => {
      const user = await userWithBalance(cost);
      const before = await ledgerState(t.dataSource, user.id);
      const response = await t.http.post(path, body, { token: user.token });
      await expectCharged(user, before, response, action, cost);
      expect(response.headers.get('x-tokens-remaining')).toBe('0');
      const next = await t.http.post(path, body, { token: user.token });
      expect(next.status).toBe(402);
      expect(next.body).toMatchObject({ code: 'INSUFFICIENT_TOKENS', balance: 0, required: cost });
    });

    it('keeps balance, plan, subscription and profile routes working at 0, with featuresDisabled', async () => {
      const user = await userWithBalance(0);
      const before = await ledgerState(t.dataSource, user.id);

      const balance = await t.http.get('/tokens/balance', { token: user.token });
      expect(balance.status).toBe(200);
      expect(balance.body).toMatchObject({ balance: 0, tokensLimit: 100, usedThisPeriod: 100, plan: 'free', featuresDisabled: true });

      const plans = await t.http.get('/plans', { token: user.token });
      expect(plans.status).toBe(200);
      expect(plans.body.map((p: { code: string }) => p.code)).toEqual(expect.arrayContaining(['free', 'starter', 'pro', 'professional']));

      const subscription = await t.http.get('/subscriptions/me', { token: user.token });
      expect(subscription.status).toBe(200);
      expect(subscription.body).toMatchObject({ plan: { code: 'free' }, tokensLimit: 100 });

      const me = await t.http.get('/users/me', { token: user.token });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: user.id, email: user.email, plan: 'free', balance: 0 });

      for (const path of ['/tokens/transactions', '/tokens/costs']) {
        expect((await t.http.get(path, { token: user.token })).status).toBe(200);
      }
      expect(await ledgerState(t.dataSource, user.id)).toEqual(before);
    });

    it('re-enables the features once the balance is above the cheapest price again', async () => {
      const user = await userWithBalance(0);
      expect((await t.http.get('/tokens/balance', { token: user.token })).body.featuresDisabled).toBe(true);
      const upgrade = await t.http.put(`/admin/users/${user.id}/subscription`, { planCode: 'professional' }, { token: adminToken });
      expect(upgrade.status).toBe(200);
      const balance = await t.http.get('/tokens/balance', { token: user.token });
      expect(balance.body).toMatchObject({ balance: 1_999_900, featuresDisabled: false });
      const before = await ledgerState(t.dataSource, user.id);
      const response = await t.http.post('/services/write-more', { text: ARTICLE }, { token: user.token });
      await expectCharged(user, before, response, 'write_more', 1500);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('validation happens before any charge', () => {
    const cases = ENDPOINTS.flatMap((endpoint) =>
      endpoint.invalid.map(([label, body, field]) => [endpoint.path, label, body, field] as const),
    );

    it.each(cases)('%s rejects %s with 400 VALIDATION_FAILED and charges nothing', async (path, _label, body, field) => {
      const user = await registerUser(t.http);
      const before = await ledgerState(t.dataSource, user.id);
      const response = await t.http.post(path, body, { token: user.token });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      expect(Array.isArray(response.body.details)).toBe(true);
      expect(response.body.details.length).toBeGreaterThan(0);
      if (field) expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(response.headers.get('x-tokens-charged')).toBeNull();
      expect(providerCalls).toEqual([]);
      expect(await ledgerState(t.dataSource, user.id)).toEqual(before);
    });

    it.each(ENDPOINTS.flatMap((e) => MALFORMED_BODIES.map(([label, raw]) => [e.path, label, raw] as const)))(
      '%s rejects %s with 400 VALIDATION_FAILED (never 500) and charges nothing',
      async (path, _label, raw) => {
        const user = await registerUser(t.http);
        const before = await ledgerState(t.dataSource, user.id);
        const response =
          raw === undefined
            ? await t.http.post(path, undefined, { token: user.token })
            : await t.http.post(path, undefined, { token: user.token, raw });
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
        expect(Array.isArray(response.body.details)).toBe(true);
        expect(providerCalls).toEqual([]);
        expect(await ledgerState(t.dataSource, user.id)).toEqual(before);
      },
    );

    it('validates before checking the balance: a bad body at balance 0 is a 400, not a 402', async () => {
      const user = await userWithBalance(0);
      const before = await ledgerState(t.dataSource, user.id);
      for (const endpoint of ENDPOINTS) {
        const response = await t.http.post(endpoint.path, { ...endpoint.body, unexpected: 1 }, { token: user.token });
        expect({ path: endpoint.path, status: response.status, code: response.body.code }).toEqual({
          path: endpoint.path,
          status: 400,
          code: 'VALIDATION_FAILED',
        });
      }
      expect(providerCalls).toEqual([]);
      expect(await ledgerState(t.dataSource, user.id)).toEqual(before);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('authentication', () => {
    const credentials: [label: string, options: { token?: string; apiKey?: string; headers?: Record<string, string> }][] = [
      ['no credentials', {}],
      ['a malformed bearer token', { token: 'not-a-jwt' }],
      [
        'a bearer token signed with another key',
        { token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.c2lnbmF0dXJl' },
      ],
      ['an unknown API key', { apiKey: 'tk_not-a-real-key' }],
      ['a Basic authorization header', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }],
    ];
    const cases = ENDPOINTS.flatMap((endpoint) =>
      credentials.map(([label, options]) => [endpoint.path, label, options, endpoint] as const),
    );

    it.each(cases)('%s with %s answers 401 and runs nothing', async (path, _label, options, endpoint) => {
      const rowsBefore = await totalLedgerRows();
      const response = await t.http.post(path, endpoint.body, options);
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
      for (const key of endpoint.resultKeys) expect(response.body).not.toHaveProperty(key);
      expect(response.headers.get('x-tokens-charged')).toBeNull();
      expect(providerCalls).toEqual([]);
      expect(await totalLedgerRows()).toBe(rowsBefore);
    });

    it.each(ENDPOINTS.map((e) => [e.path] as const))('%s without credentials and with an invalid body is still 401', async (path) => {
      const response = await t.http.post(path, { nonsense: true });
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('UNAUTHENTICATED');
      expect(providerCalls).toEqual([]);
    });

    it('a revoked API key stops working at once', async () => {
      const user = await registerUser(t.http);
      const key = await t.http.post('/api-keys', { name: 'to revoke' }, { token: user.token });
      expect(key.status).toBe(201);
      expect((await t.http.delete(`/api-keys/${key.body.id}`, { token: user.token })).status).toBe(204);
      const before = await ledgerState(t.dataSource, user.id);
      const response = await t.http.post('/services/chat', { message: 'hello' }, { apiKey: key.body.key });
      expect(response.status).toBe(401);
      expect(providerCalls).toEqual([]);
      expect(await ledgerState(t.dataSource, user.id)).toEqual(before);
    });
  });
});
