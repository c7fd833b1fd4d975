/**
 * The compiled app, started as a real process, refuses to start (exit status not 0, the reason on
 * stderr) with placeholder secrets in production, when ADMIN_EMAIL belongs to someone else, when
 * existing emails would share one address in their normal form, and with a named AI upstream it
 * cannot use (while it starts, and serves the mapped models, with good ones).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { appDir, REPO_ROOT } from './support/app-build.js';
import { ADMIN, AppProcess, killAllApps } from './support/app-process.js';
import { ReliabilityDatabase } from './support/database.js';
import { randomUUID } from 'node:crypto';
import { adminToken, expectCall, registerUser } from './support/load.js';
import { FakeOpenAi } from '../support/fake-openai.js';

/** Runs `node main.js` until it exits by itself (at most 30 s). */
function runApp(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(appDir(), 'main.js')], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LOG_LEVEL: 'error', PORT: '0', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the app did not exit within 30 s; stderr:\n${stderr}`));
    }, 30000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('the compiled app refuses to start', () => {
  let db: ReliabilityDatabase;

  beforeAll(async () => {
    db = await ReliabilityDatabase.create('startup');
  });
  afterAll(async () => {
    await killAllApps();
    await db?.drop();
  });

  test('with NODE_ENV=production and placeholder secrets, naming each one', async () => {
    const example = parseEnv(readFileSync(join(REPO_ROOT, '.env.example'), 'utf8'));
    const { code, stderr } = await runApp({
      NODE_ENV: 'production',
      DATABASE_URL: db.url(),
      // Refused only because it is a value of .env.example: the compiled app found the file.
      JWT_SECRET: example.STRIPE_SUCCESS_URL!,
      PAYMENT_WEBHOOK_SECRET: example.PAYMENT_WEBHOOK_SECRET!,
      ADMIN_EMAIL: 'ops@tokens.example',
      ADMIN_PASSWORD: 'short-admin-password',
    });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(stderr).toContain('JWT_SECRET: JWT_SECRET is a placeholder from .env.example, which is refused when NODE_ENV=production');
    expect(stderr).toContain('PAYMENT_WEBHOOK_SECRET: PAYMENT_WEBHOOK_SECRET contains the placeholder "change-me"');
    expect(stderr).toContain('ADMIN_PASSWORD: ADMIN_PASSWORD is shorter than 32 characters');
    expect(stderr).toContain('openssl rand -base64 48');
  });

  test('when ADMIN_EMAIL belongs to an account someone else registered', async () => {
    const app = await AppProcess.start('app', db.url(), { ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    const squatter = await registerUser(app.baseUrl, 'squatter');
    await app.kill9();

    const { code, stderr } = await runApp({
      NODE_ENV: 'test',
      DATABASE_URL: db.url(),
      ADMIN_EMAIL: squatter.email,
      ADMIN_PASSWORD: ADMIN.password,
    });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(stderr).toContain(`ADMIN_EMAIL ${squatter.email} belongs to an existing account that is not an admin`);
    expect(stderr).toContain('The account was not promoted');
    expect(await db.query('SELECT role FROM users WHERE email = ?', [squatter.email])).toEqual([{ role: 'user' }]);
  });

  test('when two accounts would share an address once emails are normalized, naming both, at once and changing nothing', async () => {
    const app = await AppProcess.start('app', db.url(), { ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    await app.kill9();
    // The database as it was before migration ExactEmailsAndKeys, with an address in two spellings.
    await db.query('ALTER TABLE users MODIFY email VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL');
    await db.query("DELETE FROM migrations WHERE name = 'ExactEmailsAndKeys1763700000010'");
    const email = `twin-${randomUUID().slice(0, 8)}@tokens.test`;
    const twins = [
      { id: randomUUID(), email },
      { id: randomUUID(), email: ` ${email.toUpperCase()}` },
    ];
    for (const twin of twins) {
      await db.query("INSERT INTO users (id, email, name, password_hash, role, created_at) VALUES (?, ?, 'Twin', 'x', 'user', NOW(3))", [
        twin.id,
        twin.email,
      ]);
    }

    const started = Date.now();
    const { code, stderr } = await runApp({ NODE_ENV: 'test', DATABASE_URL: db.url() });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    // Data does not fix itself: no retries.
    expect(Date.now() - started).toBeLessThan(15000);
    expect(stderr).toContain('Migration ExactEmailsAndKeys1763700000010 refused, nothing was changed');
    for (const twin of twins) expect(stderr).toContain(`user ${twin.id} (email ${JSON.stringify(twin.email)})`);
    expect(await db.query('SELECT name FROM migrations WHERE name = ?', ['ExactEmailsAndKeys1763700000010'])).toEqual([]);
    const rows = await db.query<{ id: string; email: string }>('SELECT id, email FROM users WHERE name = ?', ['Twin']);
    expect(rows).toEqual(expect.arrayContaining(twins));
  });

  test('with a named AI upstream it cannot use, naming the variable and quoting no key; with good ones it serves the mapped models', async () => {
    const key = 'sk-never-shown-on-stderr';
    const refused = await runApp({
      NODE_ENV: 'test',
      DATABASE_URL: db.url(),
      LLM_UPSTREAMS: 'hosted,vllm',
      LLM_UPSTREAM_HOSTED_BASE_URL: `ftp://user:${key}@models.internal/v1`,
      LLM_UPSTREAM_HOSTED_API_KEY: key,
    });
    expect(refused.code).not.toBe(0);
    expect(refused.code).not.toBeNull();
    expect(refused.stderr).toContain('LLM_UPSTREAM_HOSTED_BASE_URL: must be an http(s) URL');
    expect(refused.stderr).toContain('LLM_UPSTREAM_VLLM_BASE_URL: is required: LLM_UPSTREAMS lists "vllm"');
    expect(refused.stderr).not.toContain(key);

    // A database of its own: the test before leaves this one refusing to start.
    const own = await ReliabilityDatabase.create('startup_upstreams');
    const vllm = new FakeOpenAi();
    const app = await AppProcess.start('app', own.url(), { LLM_UPSTREAMS: 'vllm', LLM_UPSTREAM_VLLM_BASE_URL: await vllm.start() });
    try {
      const admin = await adminToken(app.baseUrl);
      const model = { inputPer1k: 1, outputPer1k: 1, maxOutputTokens: 8, upstream: 'vllm' };
      const { body } = await expectCall(app.baseUrl, 'PUT', '/admin/models/llama-small', model, 200, { token: admin });
      expect(body).toMatchObject({ upstream: 'vllm', served: true });
      const user = await registerUser(app.baseUrl, 'upstreams');
      const messages = [{ role: 'user', content: 'hello there' }];
      await expectCall(app.baseUrl, 'POST', '/v1/chat/completions', { model: 'llama-small', messages }, 200, { token: user.token });
      expect(vllm.requests.map((request) => [request.body.model, request.headers.authorization])).toEqual([['llama-small', undefined]]);
    } finally {
      await app.kill9();
      await vllm.stop();
      await own.drop();
    }
  });
});
