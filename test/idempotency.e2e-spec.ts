import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Clock } from '@token-metering/database';
import { FakeClock } from './support/fake-clock.js';
import { loginAdmin, registerUser } from './support/factories.js';
import { expectLedgerConsistent } from './support/ledger-assertions.js';
import { createProbe, TextDto } from './support/probe.js';
import { startTestApp, TestApp } from './support/test-app.js';
import { TEST_DB } from './support/test-database.js';

const echo = (body: TextDto, runs: number) => ({ text: body.text, run: runs });
const probe = createProbe('idem', [
  { path: 'slow', action: 'idem_slow', cost: 3, body: TextDto, waits: true, answer: echo },
  { path: 'answered', action: 'idem_answered', cost: 3, body: TextDto, answer: echo },
  { path: 'flaky', action: 'idem_flaky', cost: 3, body: TextDto, answer: echo, flaky: 'provider timeout' },
]);

describe('Idempotency-Key on metered requests', () => {
  let t: TestApp;
  const clock = new FakeClock();
  const key = (name: string) => ({ 'Idempotency-Key': `${name}-${Math.random().toString(36).slice(2)}` });

  beforeAll(async () => {
    t = await startTestApp({ controllers: [probe.controller], override: (b) => b.overrideProvider(Clock).useValue(clock) });
  });
  afterAll(() => t.close());
  beforeEach(() => probe.reset());

  it('replays the first answer for a repeated key and charges nothing more', async () => {
    const user = await registerUser(t.http);
    const headers = key('replay');
    const first = await t.http.post('/services/chat', { message: 'What does metering cost?' }, { token: user.token, headers });
    const second = await t.http.post('/services/chat', { message: 'What does metering cost?' }, { token: user.token, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('x-tokens-charged')).toBe('1');
    expect(second.headers.get('x-tokens-remaining')).toBe('99');
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.balance).toBe(99);
  });

  it('the same key with another body is 409 IDEMPOTENCY_KEY_REUSED and charges nothing', async () => {
    const user = await registerUser(t.http);
    const headers = key('reuse');
    expect((await t.http.post('/services/chat', { message: 'one' }, { token: user.token, headers })).status).toBe(201);
    const reused = await t.http.post('/services/chat', { message: 'two' }, { token: user.token, headers });
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherRoute = await t.http.post('/services/find-image', { query: 'one' }, { token: user.token, headers });
    expect(otherRoute.status).toBe(409);
    expect((await expectLedgerConsistent(t.dataSource, user.id)).balance).toBe(99);
  });

  it('while the first request runs, a repeat is 409 IDEMPOTENCY_IN_PROGRESS; afterwards it replays', async () => {
    const user = await registerUser(t.http);
    const headers = key('slow');
    const first = t.http.post('/idem/slow', { text: 'a' }, { token: user.token, headers });
    while (probe.runs === 0) await new Promise((resolve) => setImmediate(resolve));
    const during = await t.http.post('/idem/slow', { text: 'a' }, { token: user.token, headers });
    expect(during.status).toBe(409);
    expect(during.body.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    probe.release();
    expect((await first).status).toBe(201);
    const after = await t.http.post('/idem/slow', { text: 'a' }, { token: user.token, headers });
    expect(after.status).toBe(201);
    expect(after.body).toEqual({ text: 'a', run: 1 });
    expect(probe.runs).toBe(1);
    expect((await expectLedgerConsistent(t.dataSource, user.id)).balance).toBe(97);
  });

  it('a failed first attempt is refunded and frees the key, so the retry runs and is charged once', async () => {
    const user = await registerUser(t.http);
    const headers = key('flaky');
    probe.failNext();
    expect((await t.http.post('/idem/flaky', { text: 'x' }, { token: user.token, headers })).status).toBe(502);
    const retry = await t.http.post('/idem/flaky', { text: 'x' }, { token: user.token, headers });
    expect(retry.status).toBe(201);
    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.balance).toBe(97);
    expect(state.entries.map((e) => e.type)).toEqual(['initial_grant', 'usage', 'refund', 'usage']);
  });

  it('keys are per user: two users with the same key are each charged and see their own answer', async () => {
    const [alice, bob] = await Promise.all([registerUser(t.http), registerUser(t.http)]);
    const headers = key('shared');
    const a = await t.http.post('/services/chat', { message: 'same' }, { token: alice.token, headers });
    const b = await t.http.post('/services/chat', { message: 'same' }, { token: bob.token, headers });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect((await expectLedgerConsistent(t.dataSource, alice.id)).balance).toBe(99);
    expect((await expectLedgerConsistent(t.dataSource, bob.id)).balance).toBe(99);
  });

  it('a key older than 24 hours no longer replays: the request runs and is charged again', async () => {
    const user = await registerUser(t.http);
    const headers = key('expiry');
    expect((await t.http.post('/services/chat', { message: 'hi' }, { token: user.token, headers })).status).toBe(201);
    clock.advance(24 * 3600 * 1000 + 1000);
    const later = await t.http.post('/services/chat', { message: 'hi' }, { token: user.token, headers });
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
    expect((await expectLedgerConsistent(t.dataSource, user.id)).balance).toBe(98);
  });

  it('a malformed key is a 400 and charges nothing', async () => {
    const user = await registerUser(t.http);
    for (const bad of ['x'.repeat(256), 'with space', 'ünïcode']) {
      const response = await t.http
        .post('/services/chat', { message: 'hi' }, { token: user.token, headers: { 'Idempotency-Key': bad } })
        .catch(() => null);
      if (response) {
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('VALIDATION_FAILED');
      }
    }
    expect((await expectLedgerConsistent(t.dataSource, user.id)).balance).toBe(100);
  });

  it('stores and replays the largest answer, 1,000 leads (about 1.8 MB), byte for byte, charged once', async () => {
    const user = await registerUser(t.http);
    const admin = await loginAdmin(t.http);
    expect(
      (await t.http.post(`/admin/users/${user.id}/tokens/grant`, { amount: 1000, reason: 'large answers' }, { token: admin })).status,
    ).toBe(201);
    const headers = key('leads');
    // 200 characters of 4-byte letters, nearly all in one search term, which every lead repeats twice.
    const body = { query: `${'𝐛'.repeat(195)} in 𝐜`, count: 1000 };
    const first = await t.http.post('/services/business-collector', body, { token: user.token, headers });
    expect(first.status).toBe(201);
    expect(first.body.leads).toHaveLength(1000);
    expect(Buffer.byteLength(first.text)).toBeGreaterThan(1024 * 1024);
    expect([first.headers.get('x-tokens-charged'), first.headers.get('x-tokens-remaining')]).toEqual(['200', '900']);

    const replay = await t.http.post('/services/business-collector', body, { token: user.token, headers });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect([replay.headers.get('x-tokens-charged'), replay.headers.get('x-tokens-remaining')]).toEqual(['200', '900']);
    expect(replay.text === first.text).toBe(true); // not toBe: a failure would print two 1.8 MB strings

    const state = await expectLedgerConsistent(t.dataSource, user.id);
    expect(state.balance).toBe(900);
    expect(state.entries.filter((e) => e.type === 'usage')).toEqual([
      expect.objectContaining({ action: 'business_collector', amount: -200 }),
    ]);
    expect(state.entries.filter((e) => e.type === 'refund')).toEqual([]);
  });

  describe('an answer that cannot be stored', () => {
    const trigger = 'idem_test_block_answer';
    const errors: string[] = [];
    let logSpy: ReturnType<typeof jest.spyOn>;

    /** Makes the database refuse updates of idempotency_keys: all of them, or only those that store an answer. */
    async function blockKeyUpdates(scope: 'answers' | 'all'): Promise<void> {
      const answersOnly = scope === 'answers';
      if (TEST_DB === 'mariadb') {
        const signal = "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'answer refused'";
        await t.dataSource.query(
          `CREATE TRIGGER ${trigger} BEFORE UPDATE ON idempotency_keys FOR EACH ROW ${answersOnly ? `IF NEW.response_body IS NOT NULL THEN ${signal}; END IF` : signal}`,
        );
      } else {
        await t.dataSource.query(
          `CREATE TRIGGER ${trigger} BEFORE UPDATE ON idempotency_keys ${answersOnly ? 'WHEN NEW.response_body IS NOT NULL ' : ''}BEGIN SELECT RAISE(ABORT, 'answer refused'); END`,
        );
      }
    }

    beforeEach(() => {
      errors.length = 0;
      logSpy = jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void errors.push(String(message)));
    });
    afterEach(async () => {
      logSpy.mockRestore();
      await t.dataSource.query(`DROP TRIGGER IF EXISTS ${trigger}`);
    });

    it('still answers 201 and is never refunded; a retry is 409 IDEMPOTENCY_ANSWER_UNAVAILABLE and neither runs nor charges', async () => {
      const user = await registerUser(t.http);
      const headers = key('unstored');
      await blockKeyUpdates('answers');
      const first = await t.http.post('/idem/answered', { text: 'done' }, { token: user.token, headers });
      expect([first.status, first.body]).toEqual([201, { text: 'done', run: 1 }]);
      expect([first.headers.get('x-tokens-charged'), first.headers.get('x-tokens-remaining')]).toEqual(['3', '97']);
      const logged = errors.map((line) => JSON.parse(line)).find((line) => line.event === 'idempotent_answer_not_stored');
      expect(logged).toEqual(
        expect.objectContaining({ payerId: user.id, action: 'idem_answered', requestId: first.headers.get('x-request-id') }),
      );

      for (const attempt of [1, 2]) {
        const retry = await t.http.post('/idem/answered', { text: 'done' }, { token: user.token, headers });
        expect({ attempt, status: retry.status, code: retry.body.code }).toEqual({
          attempt,
          status: 409,
          code: 'IDEMPOTENCY_ANSWER_UNAVAILABLE',
        });
      }
      expect(probe.runs).toBe(1);
      const state = await expectLedgerConsistent(t.dataSource, user.id);
      expect(state.balance).toBe(97);
      expect(state.entries.map((e) => e.type)).toEqual(['initial_grant', 'usage']);
    });

    it('when the key cannot be closed either, it stays in progress: 201, charged once, a retry is 409 IDEMPOTENCY_IN_PROGRESS and does not run', async () => {
      const user = await registerUser(t.http);
      const headers = key('stuck');
      await blockKeyUpdates('all');
      const first = await t.http.post('/idem/answered', { text: 'done' }, { token: user.token, headers });
      expect([first.status, first.headers.get('x-tokens-charged'), first.headers.get('x-tokens-remaining')]).toEqual([201, '3', '97']);
      expect(errors.map((line) => JSON.parse(line).event)).toEqual(
        expect.arrayContaining(['idempotent_answer_not_stored', 'idempotency_key_left_in_progress']),
      );

      await t.dataSource.query(`DROP TRIGGER ${trigger}`);
      const retry = await t.http.post('/idem/answered', { text: 'done' }, { token: user.token, headers });
      expect([retry.status, retry.body.code]).toEqual([409, 'IDEMPOTENCY_IN_PROGRESS']);
      expect(probe.runs).toBe(1);
      const state = await expectLedgerConsistent(t.dataSource, user.id);
      expect(state.balance).toBe(97);
      expect(state.entries.map((e) => e.type)).toEqual(['initial_grant', 'usage']);
    });
  });
});
