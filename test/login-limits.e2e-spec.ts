/**
 * Failed-login limits that hold, over real HTTP against the real app: the per-address limit is taken
 * before a password is checked (a parallel burst checks at most the limit, also across two instances
 * sharing Redis) and given back by a right password, so successful logins never use it up; the
 * per-account limit counts per account and address, so an attacker at one address never locks the
 * owner out at another; a limit per account across all addresses stops guessing spread over many
 * addresses. The client address comes from X-Forwarded-For behind a trusted proxy.
 */
import { randomUUID } from 'node:crypto';
import { registerUser, uniqueEmail } from './support/factories.js';
import type { HttpClient, HttpResponse } from './support/http-client.js';
import { startTestApp, TestApp } from './support/test-app.js';
import { TEST_DB } from './support/test-database.js';

const PASSWORD = 'password-123';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Past the per-second allowance of an account: what answers after it is a limit of 15 minutes. */
const PAST_THE_SECOND = 1100;

const from = (address: string) => ({ 'x-forwarded-for': address });
const login = (http: HttpClient, email: string, password: string, address: string) =>
  http.post('/auth/login', { email, password }, { headers: from(address) });

/** 429 TOO_MANY_REQUESTS in the contract's shape, with Retry-After in seconds (header and body agree). */
function expectTooManyRequests(response: HttpResponse, atLeastSeconds = 1): void {
  expect([response.status, response.body?.code]).toEqual([429, 'TOO_MANY_REQUESTS']);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(atLeastSeconds);
  expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  expect(response.body.retryAfter).toBe(retryAfter);
}

/** Answers of `count` wrong logins sent all at once from one address, each for another (unknown) email. */
async function parallelWrongLogins(http: HttpClient | HttpClient[], count: number, address: string): Promise<HttpResponse[]> {
  const clients = Array.isArray(http) ? http : [http];
  return Promise.all(
    Array.from({ length: count }, (_, i) => login(clients[i % clients.length], uniqueEmail('guess'), `guess-${i}`, address)),
  );
}

/** Every answer is a checked password (401) or a refusal before the check (429): how many of each. */
function tally(answers: HttpResponse[]): { checked: number; refused: number } {
  expect(answers.filter((r) => r.status !== 401 && r.status !== 429).map((r) => [r.status, r.body])).toEqual([]);
  for (const response of answers.filter((r) => r.status === 429)) expectTooManyRequests(response);
  return { checked: answers.filter((r) => r.status === 401).length, refused: answers.filter((r) => r.status === 429).length };
}

const ADDRESS_LIMIT = 100;
const registerUsers = (http: HttpClient, count: number) => Promise.all(Array.from({ length: count }, () => registerUser(http)));

/**
 * The per-address limit (ADDRESS_LIMIT) on one instance or on several sharing Redis: a right password
 * gives its slot back, exactly, so at most the limit of password checks are in flight or failed.
 */
function successesGiveTheirSlotBack(instances: () => HttpClient[]): void {
  const on = (i: number) => instances()[i % instances().length];

  it('150 successful logins from one address all succeed; then failures still lock the address at the limit', async () => {
    const address = '198.51.100.80';
    // Ten accounts in turn: each signs in far below its per-second allowance.
    const users = await registerUsers(on(0), 10);
    const statuses: number[] = [];
    for (let i = 0; i < 150; i++) statuses.push((await login(on(i), users[i % users.length].email, PASSWORD, address)).status);
    expect(statuses).toEqual(Array(150).fill(200));
    // Every slot came back: the full limit of wrong passwords is checked, not one more.
    const { checked, refused } = tally(await parallelWrongLogins(instances(), ADDRESS_LIMIT + 20, address));
    expect({ checked, refused }).toEqual({ checked: ADDRESS_LIMIT, refused: 20 });
    expectTooManyRequests(await login(on(1), users[0].email, PASSWORD, address), 60);
    expect((await login(on(1), users[0].email, PASSWORD, '198.51.100.81')).status).toBe(200);
  });

  it('100 right and 200 wrong passwords at once: at most the limit fail, and the slots of the successes all come back', async () => {
    const address = '198.51.100.85';
    const users = await registerUsers(on(0), 20);
    const isRight = (i: number) => i % 3 === 0;
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        isRight(i)
          ? login(on(i), users[i % users.length].email, PASSWORD, address)
          : login(on(i), uniqueEmail('guess'), `guess-${i}`, address),
      ),
    );
    const right = answers.filter((_, i) => isRight(i));
    const wrong = answers.filter((_, i) => !isRight(i));
    for (const response of answers.filter((r) => r.status === 429)) expectTooManyRequests(response);
    expect(right.filter((r) => r.status !== 200 && r.status !== 429).map((r) => [r.status, r.body])).toEqual([]);
    const failed = tally(wrong).checked;
    const succeeded = right.filter((r) => r.status === 200).length;
    // Failures keep their slots; a refusal means that the limit's slots were all held by password checks.
    expect(failed).toBeLessThanOrEqual(ADDRESS_LIMIT);
    expect(succeeded + failed).toBeGreaterThanOrEqual(ADDRESS_LIMIT);
    // What is left is exactly the limit less the failures: no success and no refusal kept a slot.
    const room = ADDRESS_LIMIT - failed;
    expect(tally(await parallelWrongLogins(instances(), room + 10, address))).toEqual({ checked: room, refused: 10 });
  });
}

/**
 * Once, on SQLite: the limits live in memory or Redis, never in the database, and what they ask of it
 * (a user, a password check) is the auth suites' work on both databases. Their scrypt hashing is most of
 * this suite's minute and more.
 */
const describeOnce = TEST_DB === 'sqlite' ? describe : describe.skip;

describeOnce(`failed-login limits (${TEST_DB})`, () => {
  describe('per account: per address, and across all addresses (defaults: 10 and 100 per 15 minutes)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { TRUST_PROXY: '127.0.0.1' } });
    });
    afterAll(() => t.close());

    it('failures from one address never lock the owner out at another: after 12 wrong passwords from A, the owner signs in from B', async () => {
      const owner = await registerUser(t.http);
      const attacker = '198.51.100.10';
      const answers: HttpResponse[] = [];
      for (let i = 0; i < 12; i++) answers.push(await login(t.http, owner.email, `wrong-${i}`, attacker));
      expect(answers.slice(0, 10).map((r) => r.status)).toEqual(Array(10).fill(401));
      for (const response of answers.slice(10)) expectTooManyRequests(response);
      await sleep(PAST_THE_SECOND);
      // The attacker's address is locked for this account, even with the right password...
      expectTooManyRequests(await login(t.http, owner.email, PASSWORD, attacker), 60);
      // ...the owner elsewhere is not.
      const signedIn = await login(t.http, owner.email, PASSWORD, '198.51.100.11');
      expect(signedIn.status).toBe(200);
      expect((await t.http.get('/users/me', { token: signedIn.body.accessToken })).body.id).toBe(owner.id);
    });

    it('100 failures spread over many addresses lock the account everywhere, even the right password from a new address', async () => {
      const owner = await registerUser(t.http);
      let failures = 0;
      for (let i = 0; failures < 100; i++) {
        // Two guesses per address: far below the 10 one address may fail.
        const response = await login(t.http, owner.email, `wrong-${i}`, `203.0.113.${1 + Math.floor(i / 2)}`);
        if (response.status === 429) {
          expectTooManyRequests(response); // the account's per-second allowance: wait and guess again
          await sleep(PAST_THE_SECOND);
          continue;
        }
        expect(response.status).toBe(401);
        failures++;
        if (failures === 99) {
          // One below the limit: the owner still signs in from anywhere.
          await sleep(PAST_THE_SECOND);
          expect((await login(t.http, owner.email, PASSWORD, '192.0.2.98')).status).toBe(200);
        }
      }
      await sleep(PAST_THE_SECOND);
      expectTooManyRequests(await login(t.http, owner.email, PASSWORD, '192.0.2.99'), 60);
      // Another account is not touched.
      const bystander = await registerUser(t.http);
      expect((await login(t.http, bystander.email, PASSWORD, '192.0.2.99')).status).toBe(200);
    });
  });

  describe(`per client address (THROTTLE_LOGIN_FAILURES_PER_ADDRESS=${ADDRESS_LIMIT})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { TRUST_PROXY: '127.0.0.1', THROTTLE_LOGIN_FAILURES_PER_ADDRESS: String(ADDRESS_LIMIT) } });
    });
    afterAll(() => t.close());

    it('a parallel burst of 200 wrong logins from one address checks at most 100 passwords; the rest are 429 before any check', async () => {
      const user = await registerUser(t.http);
      const { checked, refused } = tally(await parallelWrongLogins(t.http, 200, '198.51.100.77'));
      expect({ checked, refused }).toEqual({ checked: 100, refused: 100 });
      // The address stays refused, the right password included; another address is not.
      expectTooManyRequests(await login(t.http, user.email, PASSWORD, '198.51.100.77'), 60);
      expect((await login(t.http, user.email, PASSWORD, '198.51.100.78')).status).toBe(200);
    });

    successesGiveTheirSlotBack(() => [t.http]);
  });

  describe('per client address across two instances sharing Redis', () => {
    let a: TestApp;
    let b: TestApp;
    const env = {
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `test-${randomUUID()}:`,
      TRUST_PROXY: '127.0.0.1',
      THROTTLE_LOGIN_FAILURES_PER_ADDRESS: String(ADDRESS_LIMIT),
    };
    beforeAll(async () => {
      a = await startTestApp({ env });
      b = await startTestApp({ env, database: a.database });
    });
    afterAll(async () => {
      await b.close({ keepDatabase: true });
      await a.close();
    });

    it('200 wrong logins at once from one address, split over both instances, check at most 100 passwords', async () => {
      const { checked, refused } = tally(await parallelWrongLogins([a.http, b.http], 200, '198.51.100.120'));
      expect({ checked, refused }).toEqual({ checked: 100, refused: 100 });
      expectTooManyRequests(await login(b.http, uniqueEmail('after'), PASSWORD, '198.51.100.120'), 60);
    });

    describe('successful logins split over both instances', () => successesGiveTheirSlotBack(() => [a.http, b.http]));
  });
});
