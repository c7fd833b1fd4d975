/**
 * How a completion is settled at its edges, through HTTP against a fake OpenAI-compatible upstream:
 * the actual price is charged whatever the upstream reports (above the hold: from the balance as far
 * as it goes, the rest owed), a client that leaves after the upstream took the request pays its
 * prompt, a request that outlives HOLD_TTL_SECONDS keeps its hold, and a settlement that finds its
 * hold released is still charged.
 */
import { TokenLedger } from '@token-metering/tokens';
import { type CompletionsApp, FAKE_MODEL, startCompletionsApp } from '../support/completions.js';
import type { FakeOpenAi } from '../support/fake-openai.js';
import type { TestUser } from '../support/factories.js';
import { expectLedgerConsistent, owedState } from '../support/ledger-assertions.js';
import type { TestApp } from '../support/test-app.js';
import { TEST_DB } from '../support/test-database.js';

const priceOf = (promptTokens: number, completionTokens: number) =>
  Math.ceil((promptTokens * FAKE_MODEL.inputPer1k + completionTokens * FAKE_MODEL.outputPer1k) / 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Row {
  type: string;
  amount: number;
  metadata: Record<string, unknown> | null;
}

describe(`completion settlements at the edges (${TEST_DB})`, () => {
  let app: CompletionsApp;
  let t: TestApp;
  let upstream: FakeOpenAi;
  let admin: string;
  const client = (tokens = 0) => app.client(tokens);

  beforeAll(async () => {
    // The shortest hold TTL there is: the expiry job checks every second, renewals run every 3.3 s.
    app = await startCompletionsApp({ HOLD_TTL_SECONDS: '10', LLM_MAX_CONCURRENT_PER_USER: '64' });
    ({ t, upstream, adminToken: admin } = app);
  });
  afterAll(() => app?.close());
  beforeEach(() => upstream.reset());

  const entriesOf = async (userId: string): Promise<Row[]> => {
    const rows = await t.dataSource.query<Array<{ type: string; amount: unknown; metadata: string | null }>>(
      "SELECT type, amount, metadata FROM token_ledger_entries WHERE user_id = ? AND type NOT IN ('initial_grant', 'admin_grant') ORDER BY seq",
      [userId],
    );
    return rows.map((r) => ({ type: r.type, amount: Number(r.amount), metadata: r.metadata ? JSON.parse(r.metadata) : null }));
  };
  /** The entries past the grants, once the account is checked consistent (call it when no request of the account is running). */
  const rowsOf = async (userId: string): Promise<Row[]> => {
    await expectLedgerConsistent(t.dataSource, userId);
    return entriesOf(userId);
  };
  const balanceOf = async (user: TestUser) => (await t.http.get('/tokens/balance', { token: user.token })).body;
  /** Polls until the account's ledger has `count` rows past its grants. */
  const waitForRows = async (userId: string, count: number): Promise<Row[]> => {
    const deadline = Date.now() + 10_000;
    while ((await entriesOf(userId)).length < count && Date.now() < deadline) await sleep(50);
    return rowsOf(userId);
  };
  const post = (key: string, body: object, signal?: AbortSignal, headers: Record<string, string> = {}) =>
    fetch(`${t.http.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal,
    });

  it('usage above the hold is charged in full: the hold and what the balance covers, the rest owed and repaid first', async () => {
    const { user, sdk } = await client(100); // 200 tokens
    upstream.next({ kind: 'usage', promptTokens: 50_010, completionTokens: 2 });
    const { data, response } = await sdk.chat.completions
      .create({ model: 'fake-gpt', messages: [{ role: 'user', content: 'count me' }], max_tokens: 10 })
      .withResponse();
    const price = priceOf(50_010, 2);
    expect(data.usage).toMatchObject({ prompt_tokens: 50_010, completion_tokens: 2 });
    expect(response.headers.get('x-tokens-charged')).toBe(String(price));
    expect(response.headers.get('x-tokens-remaining')).toBe('0');
    const rows = await rowsOf(user.id);
    expect(rows.map((r) => [r.type, r.amount])).toEqual([
      ['hold', rows[0].amount],
      ['hold_release', -rows[0].amount],
      ['usage', -200],
    ]);
    expect(rows[2].metadata).toMatchObject({ promptTokens: 50_010, completionTokens: 2, uncollected: price - 200 });
    expect(await balanceOf(user)).toMatchObject({ balance: 0, held: 0, owed: price - 200 });
    expect((await t.http.get(`/admin/users/${user.id}/tokens`, { token: admin })).body).toMatchObject({ balance: 0, owed: price - 200 });

    // Tokens the account receives repay what it owes first.
    expect((await t.http.post(`/admin/users/${user.id}/tokens/grant`, { amount: price, reason: 'top up' }, { token: admin })).status).toBe(
      201,
    );
    expect(await balanceOf(user)).toMatchObject({ balance: 200, owed: 0 });
    expect((await rowsOf(user.id)).at(-1)).toMatchObject({ type: 'owed_repayment', amount: -(price - 200) });
  });

  it('parallel completions whose actual prices exceed their holds: the balance never goes below 0, owed is exact', async () => {
    const { user, sdk } = await client(900); // 1,000 tokens
    upstream.next(...Array.from({ length: 10 }, () => ({ kind: 'usage' as const, promptTokens: 300, completionTokens: 1, delayMs: 1000 })));
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        sdk.chat.completions.create({ model: 'fake-gpt', messages: [{ role: 'user', content: `p ${i}` }], max_tokens: 1 }),
      ),
    );
    expect(answers).toHaveLength(10);
    const due = 10 * priceOf(300, 1);
    const rows = await rowsOf(user.id);
    const taken = -rows.filter((r) => r.type === 'usage').reduce((sum, r) => sum + r.amount, 0);
    expect(taken).toBe(1000);
    expect(await owedState(t.dataSource, user.id)).toMatchObject({ owed: due - 1000, ledgerOwed: due - 1000 });
    expect(await balanceOf(user)).toMatchObject({ balance: 0, held: 0, owed: due - 1000 });
  });

  it('a client that leaves before any output, once the upstream took the request, pays its prompt (streamed or not)', async () => {
    const { user, key } = await client(1000);
    const body = { model: 'fake-gpt', messages: [{ role: 'user', content: 'leave early please' }] };
    // Streamed: the upstream answers its status line and then keeps quiet.
    upstream.next({ kind: 'slow', delayMs: 3000 });
    const streamed = new AbortController();
    const pending = post(key, { ...body, stream: true }, streamed.signal).catch(() => undefined);
    await sleep(500);
    streamed.abort();
    await pending;
    const afterStream = await waitForRows(user.id, 3);
    expect(afterStream.map((r) => r.type)).toEqual(['hold', 'hold_release', 'usage']);
    const promptTokens = afterStream[2].metadata!.promptTokens as number;
    expect(afterStream[2]).toMatchObject({
      amount: -priceOf(promptTokens, 0),
      metadata: { reason: 'client_aborted', completionTokens: 0 },
    });

    // Not streamed, with an Idempotency-Key: charged the prompt, and the key never runs it again.
    upstream.next({ kind: 'stall', delayMs: 3000 });
    const plain = new AbortController();
    const sent = post(key, body, plain.signal, { 'idempotency-key': 'left-early' }).catch(() => undefined);
    await sleep(500);
    plain.abort();
    await sent;
    const afterPlain = await waitForRows(user.id, 6);
    expect(afterPlain.slice(3).map((r) => [r.type, r.metadata?.reason ?? null])).toEqual([
      ['hold', null],
      ['hold_release', 'settled'],
      ['usage', 'client_aborted'],
    ]);
    const retry = await post(key, body, undefined, { 'idempotency-key': 'left-early' });
    expect(retry.status).toBe(409);
    expect((await retry.json()).error.code).toBe('IDEMPOTENCY_ANSWER_UNAVAILABLE');

    // Before the upstream took it (no status line yet), leaving costs nothing.
    upstream.next({ kind: 'slow', delayMs: 3000 });
    const early = new AbortController();
    const unanswered = post(key, body, early.signal).catch(() => undefined);
    await sleep(500);
    early.abort();
    await unanswered;
    const afterEarly = await waitForRows(user.id, 8);
    expect(afterEarly.slice(6).map((r) => [r.type, r.metadata?.reason ?? null])).toEqual([
      ['hold', null],
      ['hold_release', 'released'],
    ]);
    expect(await balanceOf(user)).toMatchObject({ held: 0, owed: 0 });
  });

  it('requests that outlive HOLD_TTL_SECONDS keep their holds and are charged in full; the key of one not streamed is closed with its answer', async () => {
    const { user, key, sdk } = await client(1000);
    const words = 'one two three four five';
    // About 15 s in all, while the expiry job checks every second for holds older than 10 s.
    upstream.next({ kind: 'slow', delayMs: 1500 }, { kind: 'stall', delayMs: 13_000 });
    const streamed = (async () => {
      const stream = await sdk.chat.completions.create({ model: 'fake-gpt', messages: [{ role: 'user', content: words }], stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      return text;
    })();
    // The second behaviour is for the second request: sent once the first one arrived.
    while (upstream.requests.length === 0) await sleep(10);
    const plain = post(key, { model: 'fake-gpt', messages: [{ role: 'user', content: words }] }, undefined, {
      'idempotency-key': 'long-one',
    });
    const [text, answer] = await Promise.all([streamed, plain]);
    expect(text.trim()).toBe(`Fake reply to: ${words}`);
    expect(answer.status).toBe(200);
    const first = await answer.json();

    const rows = await rowsOf(user.id);
    expect(rows.filter((r) => r.type === 'hold_release').map((r) => r.metadata!.reason)).toEqual(['settled', 'settled']);
    const usage = rows.filter((r) => r.type === 'usage');
    expect(usage.map((r) => -r.amount).sort()).toEqual([priceOf(8, 8), priceOf(8, 8)]);
    expect(usage.every((r) => r.metadata!.holdClosedBefore === undefined)).toBe(true);

    const replay = await post(key, { model: 'fake-gpt', messages: [{ role: 'user', content: words }] }, undefined, {
      'idempotency-key': 'long-one',
    });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(first);
    expect(await balanceOf(user)).toMatchObject({ held: 0, owed: 0 });
  }, 60_000);

  it('a settlement that finds its hold already released still charges the actual price, the rest owed', async () => {
    const { user, key } = await client(0); // 100 tokens
    upstream.next({ kind: 'slow', delayMs: 500 });
    const answer = post(key, { model: 'fake-gpt', messages: [{ role: 'user', content: 'x' }], max_tokens: 5, stream: true });
    await sleep(300);
    // As if its process had stopped renewing it: its time is up, and the expiry releases it.
    await t.dataSource.query('UPDATE token_holds SET expires_at = ? WHERE user_id = ? AND closed_at IS NULL', [
      '2000-01-01 00:00:00.000',
      user.id,
    ]);
    await t.app.get(TokenLedger).releaseExpiredHolds(100);
    expect((await rowsOf(user.id)).map((r) => r.type)).toEqual(['hold', 'hold_release']);
    // Meanwhile the balance is spent down to 0.
    expect((await t.http.post(`/admin/users/${user.id}/tokens/deduct`, { amount: 100, reason: 'spend' }, { token: admin })).status).toBe(
      201,
    );
    expect((await answer).status).toBe(200);
    await (await answer).text();

    const rows = await rowsOf(user.id);
    expect(rows.map((r) => [r.type, r.metadata?.reason ?? null])).toEqual([
      ['hold', null],
      ['hold_release', 'expired'],
      ['admin_deduct', 'spend'],
      ['usage', null],
    ]);
    const usage = rows[3];
    const price = priceOf(usage.metadata!.promptTokens as number, usage.metadata!.completionTokens as number);
    expect(usage).toMatchObject({ amount: 0, metadata: { holdClosedBefore: 'expired', uncollected: price } });
    expect(await balanceOf(user)).toMatchObject({ balance: 0, held: 0, owed: price });
  });
});
