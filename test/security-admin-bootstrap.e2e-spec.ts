/**
 * The first admin from ADMIN_EMAIL / ADMIN_PASSWORD, across real restarts of the app on one database.
 * Whoever registers the admin's address before the operator must not become admin at the next start.
 */
import { randomBytes } from 'node:crypto';
import type { HttpClient } from './support/http-client.js';
import { registerUser, uniqueEmail } from './support/factories.js';
import { ADMIN, startTestApp, TestApp } from './support/test-app.js';
import { createTestDatabase, TestDatabase } from './support/test-database.js';

// One signing secret for every start, so a token stays valid across restarts.
const JWT_SECRET = randomBytes(32).toString('hex');
const NO_ADMIN = { JWT_SECRET, ADMIN_EMAIL: '', ADMIN_PASSWORD: '' };
const withAdmin = (email: string, password = ADMIN.password) => ({ JWT_SECRET, ADMIN_EMAIL: email, ADMIN_PASSWORD: password });

async function login(http: HttpClient, email: string, password: string): Promise<string> {
  const response = await http.post('/auth/login', { email, password });
  expect(response.status).toBe(200);
  return response.body.accessToken;
}

async function accounts(t: TestApp, email: string): Promise<{ role: string }[]> {
  return t.dataSource.query('SELECT role FROM users WHERE email = ?', [email]);
}

async function countAdmins(t: TestApp): Promise<number> {
  return Number((await t.dataSource.query("SELECT COUNT(*) AS n FROM users WHERE role = 'admin'"))[0].n);
}

describe('the first admin at start-up', () => {
  let database: TestDatabase;
  const running: TestApp[] = [];

  const start = async (env: Record<string, string>): Promise<TestApp> => {
    const t = await startTestApp({ env, database });
    running.push(t);
    return t;
  };
  const stop = async (t: TestApp) => {
    running.splice(running.indexOf(t), 1);
    await t.close({ keepDatabase: true });
  };

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    for (const t of running.splice(0)) await t.close({ keepDatabase: true });
    await database.drop();
  });

  it('creates the admin on a fresh database: it logs in with ADMIN_PASSWORD and has the admin role', async () => {
    const email = uniqueEmail('operator');
    const t = await start(withAdmin(email));
    const token = await login(t.http, email, ADMIN.password);
    expect((await t.http.get('/users/me', { token })).body).toMatchObject({ email, role: 'admin' });
    expect((await t.http.get('/admin/tokens/integrity', { token })).status).toBe(200);
    expect(await countAdmins(t)).toBe(1);
  });

  it('refuses to start rather than promote an account someone else registered with the address', async () => {
    const email = uniqueEmail('squatted');
    let t = await start(NO_ADMIN);
    const attacker = await registerUser(t.http, { email, password: 'attacker-password-1' });
    await stop(t);

    const failure = await startTestApp({ env: withAdmin(email), database }).then(
      (app) => {
        running.push(app);
        return null;
      },
      (error: Error) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(failure!.message).toContain(`ADMIN_EMAIL ${email} belongs to an existing account that is not an admin`);
    expect(failure!.message).toContain('its password is not ADMIN_PASSWORD');
    expect(failure!.message).toContain('someone registered that address first');
    expect(failure!.message).toContain('The account was not promoted');
    expect(failure!.message).toMatch(/another ADMIN_EMAIL[\s\S]*create-admin[\s\S]*remove that account/);

    t = await start(NO_ADMIN);
    expect(await accounts(t, email)).toEqual([{ role: 'user' }]);
    expect(await countAdmins(t)).toBe(0);
    expect((await t.http.get('/users/me', { token: attacker.token })).body).toMatchObject({ email, role: 'user' });
    const fresh = await login(t.http, email, 'attacker-password-1');
    for (const token of [attacker.token, fresh]) {
      const response = await t.http.get('/admin/tokens/integrity', { token });
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('FORBIDDEN');
    }
  });

  it('promotes an existing account whose password is ADMIN_PASSWORD', async () => {
    const email = uniqueEmail('operator');
    let t = await start(NO_ADMIN);
    const operator = await registerUser(t.http, { email, password: ADMIN.password });
    await stop(t);

    t = await start(withAdmin(email));
    expect(await accounts(t, email)).toEqual([{ role: 'admin' }]);
    expect((await t.http.get('/admin/tokens/integrity', { token: operator.token })).status).toBe(200);
    expect((await t.http.get('/users/me', { token: await login(t.http, email, ADMIN.password) })).body).toMatchObject({
      id: operator.id,
      role: 'admin',
    });
  });

  it('changes nothing at a restart when the admin exists, even with another ADMIN_PASSWORD', async () => {
    const email = uniqueEmail('operator');
    let t = await start(withAdmin(email));
    const before = await t.dataSource.query('SELECT id, email, role, password_hash FROM users ORDER BY id');
    await stop(t);

    for (const password of [ADMIN.password, 'a-rotated-admin-password']) {
      t = await start(withAdmin(email, password));
      expect(await t.dataSource.query('SELECT id, email, role, password_hash FROM users ORDER BY id')).toEqual(before);
      await stop(t);
    }
    t = await start(NO_ADMIN);
    await login(t.http, email, ADMIN.password);
  });

  // On an empty MariaDB database one instance waits for the other's migrations (TypeORM retries the
  // connection), so the second case, schema already there, is where the two create the admin together.
  it.each([
    ['an empty database', false],
    ['a migrated database without accounts', true],
  ])('two instances starting at once on %s both start, with exactly one admin', async (_, migrated) => {
    if (migrated) await stop(await start(NO_ADMIN));
    const email = uniqueEmail('operator');
    const [a, b] = await Promise.all([start(withAdmin(email)), start(withAdmin(email))]);
    for (const t of [a, b]) expect((await t.http.get('/health')).status).toBe(200);
    expect(await accounts(a, email)).toEqual([{ role: 'admin' }]);
    expect(await countAdmins(a)).toBe(1);
    await login(b.http, email, ADMIN.password);
  });
});
