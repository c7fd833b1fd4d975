/**
 * Abuse of access, over real HTTP against the real app: password guessing (per account, per client
 * address, in parallel, across two instances sharing Redis), sign-up farming, checkout floods,
 * sessions that must end (logout, password change), leaked API keys that must not mint or revoke
 * keys, and password hashes (OWASP cost, upgrade at login, unknown emails as slow as known ones).
 * Every refusal has the contract's error body and changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { validateEnvironment } from '../src/config/environment.js';
import { registerUser, TestUser, uniqueEmail } from './support/factories.js';
import type { HttpClient, HttpResponse } from './support/http-client.js';
import { ledgerState } from './support/ledger-assertions.js';
import { startTestApp, TestApp } from './support/test-app.js';
import { TEST_DB } from './support/test-database.js';

const PASSWORD = 'password-123';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const login = (http: HttpClient, email: string, password: string, headers: Record<string, string> = {}) =>
  http.post('/auth/login', { email, password }, { headers });

/** 429 TOO_MANY_REQUESTS in the contract's shape, with Retry-After in seconds (header and body agree). */
function expectTooManyRequests(response: HttpResponse, atLeastSeconds = 1): number {
  expect([response.status, response.body?.code]).toEqual([429, 'TOO_MANY_REQUESTS']);
  expect(response.body).toMatchObject({ statusCode: 429, message: expect.any(String), requestId: expect.any(String) });
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(atLeastSeconds);
  expect(response.body.retryAfter).toBe(retryAfter);
  return retryAfter;
}

const count = async (t: TestApp, sql: string, params: unknown[] = []) => Number((await t.dataSource.query(sql, params))[0].n);

describe(`security: rate limits (${TEST_DB})`, () => {
  describe('failed logins', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({
        env: {
          THROTTLE_LOGIN_FAILURES: '3',
          THROTTLE_LOGIN_FAILURES_PER_ACCOUNT_ALL: '4',
          THROTTLE_LOGIN_FAILURES_PER_ADDRESS: '5',
          TRUST_PROXY: '127.0.0.1',
        },
      });
    });
    afterAll(() => t.close());

    it('after THROTTLE_LOGIN_FAILURES wrong passwords the account refuses even the right one at that address, with Retry-After; other addresses and accounts are unaffected', async () => {
      const victim = await registerUser(t.http);
      const bystander = await registerUser(t.http);
      const address = { 'x-forwarded-for': '198.51.100.1' };
      for (let i = 0; i < 3; i++) expect((await login(t.http, victim.email, `wrong-${i}`, address)).status).toBe(401);
      await sleep(1100); // past the per-second burst allowance: what answers now is the lock
      const refused = await login(t.http, victim.email, PASSWORD, address);
      const retryAfter = expectTooManyRequests(refused, 60);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      // The lock is the account's at that address: the owner elsewhere signs in.
      expect((await login(t.http, victim.email, PASSWORD, { 'x-forwarded-for': '198.51.100.2' })).status).toBe(200);
      // The lock is per account and says nothing about whether the account exists.
      expect((await login(t.http, bystander.email, PASSWORD, address)).status).toBe(200);
      const unknown = uniqueEmail('nobody');
      for (let i = 0; i < 3; i++) expect((await login(t.http, unknown, 'wrong', { 'x-forwarded-for': '198.51.100.3' })).status).toBe(401);
      await sleep(1100);
      expectTooManyRequests(await login(t.http, unknown, 'wrong', { 'x-forwarded-for': '198.51.100.3' }), 60);
    });

    it('fewer failures than the limit do not lock: the right password still signs in', async () => {
      const user = await registerUser(t.http);
      for (let i = 0; i < 2; i++)
        expect((await login(t.http, user.email, 'wrong', { 'x-forwarded-for': '198.51.100.9' })).status).toBe(401);
      expect((await login(t.http, user.email, PASSWORD, { 'x-forwarded-for': '198.51.100.9' })).status).toBe(200);
    });

    it('per client address: failures spread over many accounts lock the address, not the accounts', async () => {
      const users = await Promise.all(Array.from({ length: 6 }, () => registerUser(t.http)));
      const attacker = { 'x-forwarded-for': '203.0.113.7' };
      for (const user of users.slice(0, 5)) expect((await login(t.http, user.email, 'wrong', attacker)).status).toBe(401);
      expectTooManyRequests(await login(t.http, users[5].email, PASSWORD, attacker), 60);
      // Behind the trusted proxy, another client address is another counter.
      expect((await login(t.http, users[5].email, PASSWORD, { 'x-forwarded-for': '203.0.113.8' })).status).toBe(200);
    });

    it('parallel guesses from many addresses cannot outrun the count: of 30 at once, fewer than twice the limit are checked; the account-wide limit then locks it', async () => {
      const user = await registerUser(t.http);
      const guesses = await Promise.all(
        Array.from({ length: 30 }, (_, i) => login(t.http, user.email, `guess-${i}`, { 'x-forwarded-for': `192.0.2.${i + 1}` })),
      );
      const statuses = guesses.map((response) => response.status);
      expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
      const checked = statuses.filter((status) => status === 401).length;
      expect(checked).toBeLessThan(2 * 3);
      for (const response of guesses.filter((r) => r.status === 429)) expectTooManyRequests(response);
      await sleep(1100);
      // Up to THROTTLE_LOGIN_FAILURES_PER_ACCOUNT_ALL (4) failures, each from another address.
      for (let i = checked; i < 4; i++)
        expect((await login(t.http, user.email, `more-${i}`, { 'x-forwarded-for': `192.0.2.${100 + i}` })).status).toBe(401);
      await sleep(1100);
      expectTooManyRequests(await login(t.http, user.email, PASSWORD, { 'x-forwarded-for': '192.0.2.200' }), 60);
    });

    it('a wrong current password on POST /users/me/password counts as a failed login and changes nothing', async () => {
      const user = await registerUser(t.http);
      const headers = { 'x-forwarded-for': '198.51.100.20' };
      const before = (await t.dataSource.query('SELECT password_hash FROM users WHERE id = ?', [user.id]))[0].password_hash;
      for (let i = 0; i < 3; i++) {
        const response = await t.http.post(
          '/users/me/password',
          { currentPassword: `wrong-${i}`, newPassword: 'new-password-456' },
          { token: user.token, headers },
        );
        expect([response.status, response.body.code]).toEqual([401, 'UNAUTHENTICATED']);
      }
      await sleep(1100);
      expectTooManyRequests(
        await t.http.post(
          '/users/me/password',
          { currentPassword: PASSWORD, newPassword: 'new-password-456' },
          { token: user.token, headers },
        ),
        60,
      );
      expectTooManyRequests(await login(t.http, user.email, PASSWORD, headers), 60);
      expect((await t.dataSource.query('SELECT password_hash FROM users WHERE id = ?', [user.id]))[0].password_hash).toBe(before);
      expect((await t.http.get('/users/me', { token: user.token })).status).toBe(200);
    });
  });

  describe('client address without TRUST_PROXY', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { THROTTLE_LOGIN_FAILURES: '100', THROTTLE_LOGIN_FAILURES_PER_ADDRESS: '3' } });
    });
    afterAll(() => t.close());

    it('X-Forwarded-For is not believed: a client cannot pose as many addresses', async () => {
      const users = await Promise.all(Array.from({ length: 4 }, () => registerUser(t.http)));
      for (const [i, user] of users.slice(0, 3).entries()) {
        expect((await login(t.http, user.email, 'wrong', { 'x-forwarded-for': `203.0.113.${i + 1}` })).status).toBe(401);
      }
      expectTooManyRequests(await login(t.http, users[3].email, PASSWORD, { 'x-forwarded-for': '203.0.113.99' }), 60);
    });
  });

  describe('sign-ups and checkouts', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { THROTTLE_REGISTER_PER_HOUR: '3', THROTTLE_CHECKOUT_PER_HOUR: '2', TRUST_PROXY: 'true' } });
    });
    afterAll(() => t.close());

    it('20 sign-ups at once from one address: THROTTLE_REGISTER_PER_HOUR accounts and their free tokens, the rest 429 writing nothing', async () => {
      const users = await count(t, 'SELECT COUNT(*) AS n FROM users');
      const grants = await count(t, "SELECT COUNT(*) AS n FROM token_ledger_entries WHERE type = 'initial_grant'");
      const headers = { 'x-forwarded-for': '198.51.100.50' };
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => t.http.post('/auth/register', { email: uniqueEmail('farm'), password: PASSWORD }, { headers })),
      );
      expect(answers.filter((r) => r.status === 201).length).toBe(3);
      for (const response of answers.filter((r) => r.status !== 201)) expectTooManyRequests(response, 60);
      expect(await count(t, 'SELECT COUNT(*) AS n FROM users')).toBe(users + 3);
      expect(await count(t, "SELECT COUNT(*) AS n FROM token_ledger_entries WHERE type = 'initial_grant'")).toBe(grants + 3);
      // Another address signs up as usual.
      expect(
        (
          await t.http.post(
            '/auth/register',
            { email: uniqueEmail(), password: PASSWORD },
            { headers: { 'x-forwarded-for': '198.51.100.51' } },
          )
        ).status,
      ).toBe(201);
    });

    it('checkouts per user: THROTTLE_CHECKOUT_PER_HOUR purchases, then 429 with nothing written; another user is unaffected', async () => {
      const [buyer, other] = [await registerUser(t.http, {}), await registerUser(t.http, {})].map((u) => u);
      const [pkg] = (await t.http.get('/billing/packages')).body;
      for (let i = 0; i < 2; i++)
        expect((await t.http.post('/billing/checkout', { packageCode: pkg.code }, { token: buyer.token })).status).toBe(201);
      expectTooManyRequests(await t.http.post('/billing/checkout', { packageCode: pkg.code }, { token: buyer.token }), 60);
      expect(await count(t, 'SELECT COUNT(*) AS n FROM purchases WHERE user_id = ?', [buyer.id])).toBe(2);
      expect((await t.http.post('/billing/checkout', { packageCode: pkg.code }, { token: other.token })).status).toBe(201);
    });
  });

  describe('across two instances sharing Redis (REDIS_URL)', () => {
    let a: TestApp;
    let b: TestApp;
    const env = {
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `test-${randomUUID()}:`,
      THROTTLE_LOGIN_FAILURES: '3',
      THROTTLE_REGISTER_PER_HOUR: '4',
    };
    beforeAll(async () => {
      a = await startTestApp({ env });
      b = await startTestApp({ env, database: a.database });
    });
    afterAll(async () => {
      await b.close({ keepDatabase: true });
      await a.close();
    });

    it('failures on either instance lock the account on both', async () => {
      const user = await registerUser(a.http);
      expect((await login(a.http, user.email, 'wrong-1')).status).toBe(401);
      expect((await login(b.http, user.email, 'wrong-2')).status).toBe(401);
      expect((await login(a.http, user.email, 'wrong-3')).status).toBe(401);
      await sleep(1100);
      expectTooManyRequests(await login(b.http, user.email, PASSWORD), 60);
      expectTooManyRequests(await login(a.http, user.email, PASSWORD), 60);
    });

    it('sign-ups are counted once for both instances', async () => {
      const before = await count(a, 'SELECT COUNT(*) AS n FROM users');
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? a : b).http.post('/auth/register', { email: uniqueEmail('two'), password: PASSWORD }),
        ),
      );
      // One sign-up in the suite's set-up already counted against this address.
      expect(answers.filter((r) => r.status === 201).length).toBe(3);
      for (const response of answers.filter((r) => r.status !== 201)) expectTooManyRequests(response, 60);
      expect(await count(a, 'SELECT COUNT(*) AS n FROM users')).toBe(before + 3);
    });
  });

  describe('when Redis cannot be reached', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { REDIS_URL: 'redis://127.0.0.1:1', REDIS_KEY_PREFIX: `down-${randomUUID()}:` } });
    });
    afterAll(() => t.close());

    it('requests that must be counted are refused with 503 RATE_LIMITS_UNAVAILABLE, nothing is written, and other routes keep working', async () => {
      const users = await count(t, 'SELECT COUNT(*) AS n FROM users');
      const register = await t.http.post('/auth/register', { email: uniqueEmail(), password: PASSWORD });
      expect([register.status, register.body.code]).toEqual([503, 'RATE_LIMITS_UNAVAILABLE']);
      const signIn = await login(t.http, 'admin@tokens.test', 'whatever');
      expect([signIn.status, signIn.body.code]).toEqual([503, 'RATE_LIMITS_UNAVAILABLE']);
      expect(await count(t, 'SELECT COUNT(*) AS n FROM users')).toBe(users);
      expect((await t.http.get('/plans')).status).toBe(200);
    });
  });
});

describe(`security: sessions and API keys (${TEST_DB})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function signIn(user: TestUser, password = PASSWORD): Promise<string> {
    const response = await login(t.http, user.email, password);
    expect(response.status).toBe(200);
    return response.body.accessToken;
  }

  async function createKey(token: string): Promise<{ id: string; key: string }> {
    const response = await t.http.post('/api-keys', { name: 'ci' }, { token });
    expect(response.status).toBe(201);
    return response.body;
  }

  it("POST /auth/logout ends the presented token at once; the user's other sessions stay", async () => {
    const user = await registerUser(t.http);
    const other = await signIn(user);
    expect((await t.http.post('/auth/logout', undefined, { token: user.token })).status).toBe(204);
    const after = await t.http.get('/users/me', { token: user.token });
    expect([after.status, after.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect((await t.http.post('/services/chat', { message: 'hi' }, { token: user.token })).status).toBe(401);
    expect((await t.http.post('/auth/logout', undefined, { token: user.token })).status).toBe(401);
    expect((await t.http.get('/users/me', { token: other })).status).toBe(200);
    expect((await ledgerState(t.dataSource, user.id)).balance).toBe(100);
  });

  it('concurrent requests of many users, whose sessions are read together: each is its own user; a session ended is ended for all that follow', async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => registerUser(t.http)));
    const all = () => Promise.all(users.flatMap((user) => Array.from({ length: 8 }, () => t.http.get('/users/me', { token: user.token }))));
    const before = await all();
    expect(before.map((r) => [r.status, r.body.id])).toEqual(users.flatMap((user) => Array(8).fill([200, user.id])));
    expect((await t.http.post('/auth/logout', undefined, { token: users[2].token })).status).toBe(204);
    const after = await all();
    expect(after.map((r) => r.status)).toEqual(users.flatMap((_, i) => Array(8).fill(i === 2 ? 401 : 200)));
  });

  it('POST /users/me/password ends every access token of the user, keeps API keys, and the new password is the one that works', async () => {
    const user = await registerUser(t.http);
    const second = await signIn(user);
    const { key } = await createKey(user.token);
    const changed = await t.http.post(
      '/users/me/password',
      { currentPassword: PASSWORD, newPassword: 'new-password-456' },
      { token: user.token },
    );
    expect(changed.status).toBe(204);
    for (const token of [user.token, second]) expect((await t.http.get('/users/me', { token })).status).toBe(401);
    expect((await t.http.get('/users/me', { apiKey: key })).status).toBe(200);
    expect((await login(t.http, user.email, PASSWORD)).status).toBe(401);
    const fresh = await signIn(user, 'new-password-456');
    expect((await t.http.get('/users/me', { token: fresh })).status).toBe(200);
  });

  it('a new password is validated like a registration password (400 naming the field, nothing changed)', async () => {
    const user = await registerUser(t.http);
    const before = (await t.dataSource.query('SELECT password_hash FROM users WHERE id = ?', [user.id]))[0].password_hash;
    const response = await t.http.post('/users/me/password', { currentPassword: PASSWORD, newPassword: 'short' }, { token: user.token });
    expect([response.status, response.body.code, response.body.details?.[0]?.field]).toEqual([400, 'VALIDATION_FAILED', 'newPassword']);
    expect((await t.dataSource.query('SELECT password_hash FROM users WHERE id = ?', [user.id]))[0].password_hash).toBe(before);
    expect((await t.http.get('/users/me', { token: user.token })).status).toBe(200);
  });

  it('a leaked API key cannot create, list or revoke keys, log out or change the password (403, nothing changed)', async () => {
    const user = await registerUser(t.http);
    const owned = await createKey(user.token);
    const leaked = await createKey(user.token);
    const keysBefore = await t.dataSource.query('SELECT id, revoked_at FROM api_keys WHERE user_id = ? ORDER BY id', [user.id]);
    const hashBefore = (await t.dataSource.query('SELECT password_hash FROM users WHERE id = ?', [user.id]))[0].password_hash;
    for (const auth of [{ apiKey: leaked.key }, { token: leaked.key }]) {
      const attempts = [
        await t.http.post('/api-keys', { name: 'attacker' }, auth),
        await t.http.get('/api-keys', auth),
        await t.http.delete(`/api-keys/${owned.id}`, auth),
        await t.http.delete(`/api-keys/${leaked.id}`, auth),
        await t.http.post('/auth/logout', undefined, auth),
        await t.http.post('/users/me/password', { currentPassword: PASSWORD, newPassword: 'attacker-password' }, auth),
      ];
      for (const response of attempts) {
        expect([response.status, response.body.code]).toEqual([403, 'FORBIDDEN']);
        expect(response.body).toMatchObject({ statusCode: 403, message: expect.any(String) });
      }
    }
    expect(await t.dataSource.query('SELECT id, revoked_at FROM api_keys WHERE user_id = ? ORDER BY id', [user.id])).toEqual(keysBefore);
    expect((await t.dataSource.query('SELECT password_hash FROM users WHERE id = ?', [user.id]))[0].password_hash).toBe(hashBefore);
    // Revoked by the owner's session, the leaked key stops working everywhere.
    expect((await t.http.delete(`/api-keys/${leaked.id}`, { token: user.token })).status).toBe(204);
    expect((await t.http.get('/users/me', { apiKey: leaked.key })).status).toBe(401);
    expect((await t.http.get('/users/me', { token: leaked.key })).status).toBe(401);
  });

  it('an API key is accepted as Authorization: Bearer <key>, on metered routes too', async () => {
    const user = await registerUser(t.http);
    const { key } = await createKey(user.token);
    const me = await t.http.get('/users/me', { token: key });
    expect([me.status, me.body.id]).toEqual([200, user.id]);
    const charged = await t.http.post('/services/chat', { message: 'hello' }, { token: key });
    expect([charged.status, charged.headers.get('x-tokens-charged')]).toEqual([201, '1']);
    expect((await ledgerState(t.dataSource, user.id)).balance).toBe(99);
    expect((await t.http.get('/users/me', { token: `${key}x` })).status).toBe(401);
  });
});

describe(`security: password hashes (${TEST_DB})`, () => {
  const hashOf = async (t: TestApp, userId: string): Promise<string> =>
    (await t.dataSource.query('SELECT password_hash FROM users WHERE id = ?', [userId]))[0].password_hash;

  it("new hashes use scrypt at OWASP's parameters (N=2^17, r=8, p=1) by default, and production refuses a lower cost", async () => {
    const t = await startTestApp({ env: { PASSWORD_SCRYPT_COST: '' } });
    try {
      const user = await registerUser(t.http);
      expect((await hashOf(t, user.id)).split('$').slice(0, 4)).toEqual(['scrypt', '131072', '8', '1']);
    } finally {
      await t.close();
    }
    const production = { NODE_ENV: 'production', JWT_SECRET: 'j'.repeat(48), PAYMENT_WEBHOOK_SECRET: 'p'.repeat(48) };
    expect(() => validateEnvironment({ ...production, PASSWORD_SCRYPT_COST: '16' })).toThrow(/PASSWORD_SCRYPT_COST must be at least 17/);
  });

  it('a hash made with older parameters is replaced at the next successful login, not at a failed one', async () => {
    const old = await startTestApp({ env: { PASSWORD_SCRYPT_COST: '12' } });
    const user = await registerUser(old.http);
    const oldHash = await hashOf(old, user.id);
    expect(oldHash.startsWith('scrypt$4096$8$1$')).toBe(true);
    await old.close({ keepDatabase: true });

    const t = await startTestApp({ database: old.database, env: { PASSWORD_SCRYPT_COST: '15' } });
    try {
      expect((await login(t.http, user.email, 'wrong-password')).status).toBe(401);
      expect(await hashOf(t, user.id)).toBe(oldHash);
      expect((await login(t.http, user.email, PASSWORD)).status).toBe(200);
      const upgraded = await hashOf(t, user.id);
      expect(upgraded.startsWith('scrypt$32768$8$1$')).toBe(true);
      expect((await login(t.http, user.email, PASSWORD)).status).toBe(200);
      expect(await hashOf(t, user.id)).toBe(upgraded);
    } finally {
      await t.close();
    }
  });

  it('a login with an unknown email takes as long as one with a wrong password (the hash is computed either way)', async () => {
    const t = await startTestApp({ env: { PASSWORD_SCRYPT_COST: '' } });
    try {
      const user = await registerUser(t.http);
      const timed = async (email: string) => {
        const started = performance.now();
        const response = await login(t.http, email, 'wrong-password');
        expect(response.status).toBe(401);
        return performance.now() - started;
      };
      await timed(uniqueEmail('warm-up'));
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 4; i++) {
        known.push(await timed(user.email));
        unknown.push(await timed(uniqueEmail('nobody')));
      }
      const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
      // At N=2^17 a hash takes hundreds of milliseconds; skipping it would answer in a few.
      expect(median(unknown)).toBeGreaterThan(0.5 * median(known));
      expect(median(unknown)).toBeLessThan(2 * median(known));
    } finally {
      await t.close();
    }
  });
});
