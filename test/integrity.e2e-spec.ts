/**
 * The integrity report (GET /admin/tokens/integrity and the `integrity` command) on a real
 * database: clean, then corrupted directly in each way the report must catch; and the
 * `seed-accounts` command, alone and beside metered traffic for the same users.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataSource, type EntityManager } from 'typeorm';
import { runCli } from '../src/cli/run-cli.js';
import { TransactionRunner } from '@token-metering/database';
import { type Hold, TokenLedger, TokensService } from '@token-metering/tokens';
import { bearerTokenFor, insertUserWithoutAccount, loginAdmin, registerUser, TestUser } from './support/factories.js';
import { expectLedgerConsistent, ledgerState, NO_INTEGRITY_PROBLEMS } from './support/ledger-assertions.js';
import { startTestApp, TestApp } from './support/test-app.js';
import { TEST_DB } from './support/test-database.js';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command line in-process against the test application. */
async function cli(t: TestApp, argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { context: async () => t.app, io: { out: (s) => out.push(s), err: (s) => err.push(s) } });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const owedOf = async (dataSource: DataSource, userId: string) =>
  Number((await dataSource.query<Array<{ owed: unknown }>>('SELECT owed FROM token_accounts WHERE user_id = ?', [userId]))[0].owed);

const sqlDate = (date: Date) => date.toISOString().slice(0, 19).replace('T', ' ');

/** Writes a row the CHECK (balance >= 0) constraint would refuse, on one connection with the check off. */
async function writeIgnoringChecks(dataSource: DataSource, sql: string, parameters: unknown[]): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const [off, on] =
    TEST_DB === 'mariadb'
      ? ['SET SESSION check_constraint_checks = 0', 'SET SESSION check_constraint_checks = 1']
      : ['PRAGMA ignore_check_constraints = ON', 'PRAGMA ignore_check_constraints = OFF'];
  try {
    await expect(runner.query(sql, parameters)).rejects.toThrow(); // the constraint is in place
    await runner.query(off);
    await runner.query(sql, parameters);
  } finally {
    await runner.query(on);
    await runner.release();
  }
}

/** Updates a ledger row with the append-only trigger dropped for that one statement. */
async function rewriteLedgerRow(dataSource: DataSource, sql: string, parameters: unknown[]): Promise<void> {
  await expect(dataSource.query(sql, parameters)).rejects.toThrow(/append-only/);
  const body =
    TEST_DB === 'mariadb'
      ? "FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'token_ledger_entries is append-only'"
      : "BEGIN SELECT RAISE(ABORT, 'token_ledger_entries is append-only'); END";
  await dataSource.query('DROP TRIGGER token_ledger_no_update');
  try {
    await dataSource.query(sql, parameters);
  } finally {
    await dataSource.query(`CREATE TRIGGER token_ledger_no_update BEFORE UPDATE ON token_ledger_entries ${body}`);
  }
}

/** Appends a ledger row by hand (inserts are allowed by the triggers; only the ledger should make them). */
async function insertLedgerRow(
  dataSource: DataSource,
  row: { userId: string; seq: number; amount: number; balanceAfter: number },
): Promise<void> {
  await dataSource.query(
    'INSERT INTO token_ledger_entries (user_id, seq, id, type, action, amount, allowance_amount, credits_amount, balance_after, request_id, actor_id, metadata, created_at) VALUES (?, ?, ?, ?, NULL, ?, 0, ?, ?, NULL, NULL, NULL, ?)',
    [row.userId, row.seq, randomUUID(), 'admin_grant', row.amount, row.amount, row.balanceAfter, sqlDate(new Date())],
  );
}

async function initialGrants(dataSource: DataSource, userIds: string[]): Promise<Map<string, { count: number; amount: number }>> {
  const rows: Record<string, unknown>[] = await dataSource.query(
    `SELECT user_id, COUNT(*) AS n, SUM(amount) AS total FROM token_ledger_entries WHERE type = 'initial_grant' AND user_id IN (${userIds.map(() => '?').join(', ')}) GROUP BY user_id`,
    userIds,
  );
  return new Map(rows.map((r) => [String(r.user_id), { count: Number(r.n), amount: Number(r.total) }]));
}

const EMPTY_REPORT = {
  mismatches: [],
  bucketMismatches: [],
  negativeBalances: [],
  usersWithoutAccount: [],
  brokenChains: [],
  heldMismatches: [],
  owedMismatches: [],
  grantMismatches: [],
  counts: NO_INTEGRITY_PROBLEMS,
  truncated: false,
  ok: true,
};

describe('integrity report', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    adminToken = await loginAdmin(t.http);
  });
  afterAll(() => t.close());

  const report = async (query = '') => {
    const response = await t.http.get(`/admin/tokens/integrity${query}`, { token: adminToken });
    expect(response.status).toBe(200);
    return response.body;
  };
  const spend = async (user: TestUser, times: number) => {
    for (let i = 0; i < times; i++)
      expect((await t.http.post('/services/chat', { message: 'hi' }, { token: user.token })).status).toBe(201);
  };

  it('is for admins only; a bad limit is a 400', async () => {
    expect((await t.http.get('/admin/tokens/integrity')).status).toBe(401);
    const user = await registerUser(t.http);
    const forbidden = await t.http.get('/admin/tokens/integrity', { token: user.token });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('FORBIDDEN');
    for (const query of ['?limit=0', '?limit=1001', '?limit=abc', '?limit=1.5', '?other=1']) {
      const response = await t.http.get(`/admin/tokens/integrity${query}`, { token: adminToken });
      expect({ query, status: response.status, code: response.body.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
    }
  });

  it('reports a consistent database as ok, and the CLI exits 0', async () => {
    const users = [await registerUser(t.http), await registerUser(t.http)];
    await spend(users[0], 3);
    await spend(users[1], 1);

    const body = await report();
    expect(body).toEqual({ ...EMPTY_REPORT, accountsChecked: expect.any(Number), limit: 100, checkedAt: expect.any(String) });
    expect(body.accountsChecked).toBeGreaterThanOrEqual(4); // admin, the 403 user, these two
    expect(new Date(body.checkedAt).toISOString()).toBe(body.checkedAt);

    const human = await cli(t, ['integrity']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`${body.accountsChecked} accounts checked`);
    expect(human.stdout).toMatch(/\nOK$/);

    const json = await cli(t, ['integrity', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ ...body, checkedAt: expect.any(String) });
  });

  it('reports a balance that differs from its ledger', async () => {
    const user = await registerUser(t.http);
    await t.dataSource.query('UPDATE token_accounts SET balance = balance + 7 WHERE user_id = ?', [user.id]);

    const body = await report();
    expect(body.ok).toBe(false);
    expect(body.mismatches).toContainEqual({ userId: user.id, balance: 107, ledgerSum: 100 });
    expect(body.brokenChains).toContainEqual({ userId: user.id, seq: 1, expected: 100, actual: 107, problem: 'account_balance' });

    const result = await cli(t, ['integrity']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('PROBLEMS FOUND');
    expect(result.stdout).toContain(`${user.id}  balance 107  ledger sum 100`);
  });

  it('reports a negative balance (written with the CHECK constraint switched off)', async () => {
    const user = await registerUser(t.http);
    await writeIgnoringChecks(t.dataSource, 'UPDATE token_accounts SET balance = -5 WHERE user_id = ?', [user.id]);
    expect((await ledgerState(t.dataSource, user.id)).balance).toBe(-5);

    const body = await report();
    expect(body.ok).toBe(false);
    expect(body.negativeBalances).toEqual([{ userId: user.id, balance: -5 }]);
    expect(body.counts.negativeBalances).toBe(1);
    expect(body.mismatches).toContainEqual({ userId: user.id, balance: -5, ledgerSum: 100 });

    const result = await cli(t, ['integrity', '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).negativeBalances).toEqual([{ userId: user.id, balance: -5 }]);
  });

  it('checks held against the open holds: a tampered held is reported', async () => {
    const user = await registerUser(t.http);
    const hold = (await t.app.get(TokenLedger).hold({ payerId: user.id, action: 'probe', amount: 30, requestId: randomUUID() })) as Hold;
    expect((await report()).heldMismatches).toEqual([]);

    await t.dataSource.query('UPDATE token_accounts SET held = held + 5 WHERE user_id = ?', [user.id]);
    const body = await report();
    expect(body.heldMismatches).toEqual([{ userId: user.id, held: 35, openHolds: 30 }]);
    expect(body.counts.heldMismatches).toBe(1);
    const result = await cli(t, ['integrity']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${user.id}  held 35  open holds 30`);

    await t.dataSource.query('UPDATE token_accounts SET held = held - 5 WHERE user_id = ?', [user.id]);
    await t.app.get(TokenLedger).releaseHold(hold);
    expect((await report()).heldMismatches).toEqual([]);
  });

  it('checks owed against the ledger (uncollected minus repaid): a tampered owed is reported', async () => {
    const user = await registerUser(t.http);
    const tokens = t.app.get(TokensService);
    const run = <T>(work: (em: EntityManager) => Promise<T>) => t.app.get(TransactionRunner).run(work);
    // 100 of allowance; a reversal of 250 takes them and leaves 150 owed; a grant of 60 repays 60 of it.
    await run((em) =>
      tokens.reversePurchase(em, { payerId: user.id, tokens: 250, purchaseId: randomUUID(), reason: 'refund', eventId: 'evt_1' }),
    );
    await run((em) =>
      tokens.adjust(
        em,
        user.id,
        { kind: 'grant', amount: 60, reason: 'goodwill' },
        { actorId: user.id, requestId: 'r', clientRequestId: null },
      ),
    );
    expect(await owedOf(t.dataSource, user.id)).toBe(90);
    const clean = await report();
    expect([clean.owedMismatches, clean.mismatches.filter((m: { userId: string }) => m.userId === user.id)]).toEqual([[], []]);

    await t.dataSource.query('UPDATE token_accounts SET owed = 10 WHERE user_id = ?', [user.id]);
    const body = await report();
    expect(body.owedMismatches).toEqual([{ userId: user.id, owed: 10, ledgerOwed: 90 }]);
    const result = await cli(t, ['integrity']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${user.id}  owed 10  ledger 90`);
    await t.dataSource.query('UPDATE token_accounts SET owed = 90 WHERE user_id = ?', [user.id]);
  });

  it('reports a subscribed user without an account, which seed-accounts repairs', async () => {
    const legacy = await insertUserWithoutAccount(t.dataSource, 'starter');

    const body = await report();
    expect(body.ok).toBe(false);
    expect(body.usersWithoutAccount).toEqual([{ userId: legacy.id, planCode: 'starter' }]);
    const result = await cli(t, ['integrity']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${legacy.id}  plan starter`);

    const seeded = await cli(t, ['seed-accounts']);
    expect(seeded).toMatchObject({ code: 0, stdout: expect.stringContaining('Seeded 1 token account ') });
    const state = await expectLedgerConsistent(t.dataSource, legacy.id);
    expect(state.entries).toEqual([{ seq: 1, type: 'initial_grant', action: null, amount: 10000, balanceAfter: 10000 }]);
    expect((await report()).usersWithoutAccount).toEqual([]);
  });

  it('reports a ledger row whose balance_after does not follow the row before', async () => {
    const user = await registerUser(t.http);
    await spend(user, 2); // rows: 1 (100 -> 100), 2 (-1 -> 99), 3 (-1 -> 98)
    await rewriteLedgerRow(
      t.dataSource,
      'UPDATE token_ledger_entries SET balance_after = balance_after + 5 WHERE user_id = ? AND seq = 2',
      [user.id],
    );

    const body = await report();
    expect(body.ok).toBe(false);
    const chains = body.brokenChains.filter((c: { userId: string }) => c.userId === user.id);
    expect(chains).toEqual([
      { userId: user.id, seq: 2, expected: 99, actual: 104, problem: 'balance_after' },
      { userId: user.id, seq: 3, expected: 103, actual: 98, problem: 'balance_after' },
    ]);
    expect(body.mismatches.some((m: { userId: string }) => m.userId === user.id)).toBe(false); // the sum is still right

    const result = await cli(t, ['integrity']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${user.id}  seq 2  balance_after: expected 99, actual 104`);
  });

  it('reports a sequence gap, an account behind its ledger and ledger rows without an account', async () => {
    const user = await registerUser(t.http);
    await spend(user, 1); // rows 1 and 2, balance 99
    await insertLedgerRow(t.dataSource, { userId: user.id, seq: 4, amount: 0, balanceAfter: 99 });
    const ghost = randomUUID();
    await insertLedgerRow(t.dataSource, { userId: ghost, seq: 1, amount: 50, balanceAfter: 50 });

    const body = await report();
    expect(body.brokenChains.filter((c: { userId: string }) => c.userId === user.id)).toEqual([
      { userId: user.id, seq: 4, expected: 3, actual: 2, problem: 'seq_gap' },
      { userId: user.id, seq: 4, expected: 4, actual: 2, problem: 'ledger_seq' },
    ]);
    expect(body.brokenChains).toContainEqual({ userId: ghost, seq: 1, expected: 50, actual: null, problem: 'missing_account' });

    const result = await cli(t, ['integrity']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${user.id}  seq 4  seq_gap: expected 3, actual 2`);
    expect(result.stdout).toContain(`${ghost}  seq 1  missing_account: expected 50, actual none`);
  });

  it('reports an account without any ledger row', async () => {
    const legacy = await insertUserWithoutAccount(t.dataSource, 'free');
    const now = sqlDate(new Date());
    await t.dataSource.query(
      'INSERT INTO token_accounts (user_id, balance, used_this_period, ledger_seq, period_end, updated_at) VALUES (?, ?, 0, 1, ?, ?)',
      [legacy.id, 100, sqlDate(new Date(Date.now() + 86400000)), now],
    );

    const body = await report();
    expect(body.mismatches).toContainEqual({ userId: legacy.id, balance: 100, ledgerSum: 0 });
    expect(body.brokenChains.filter((c: { userId: string }) => c.userId === legacy.id)).toEqual([
      { userId: legacy.id, seq: 0, expected: 0, actual: 100, problem: 'account_balance' },
      { userId: legacy.id, seq: 0, expected: 0, actual: 1, problem: 'ledger_seq' },
    ]);
    expect(body.usersWithoutAccount).toEqual([]);
    expect((await cli(t, ['integrity'])).code).toBe(1);
  });

  it('caps every list at the limit and still counts everything', async () => {
    const full = await report();
    expect(full.counts.mismatches).toBe(3);
    expect(full.counts.brokenChains).toBe(full.brokenChains.length);
    expect(full.counts.brokenChains).toBe(9);
    expect(full.truncated).toBe(false);

    const capped = await report('?limit=1');
    expect(capped).toMatchObject({ limit: 1, truncated: true, ok: false, counts: full.counts });
    expect(capped.mismatches).toEqual([full.mismatches[0]]);
    expect(capped.brokenChains).toEqual([full.brokenChains[0]]);

    const result = await cli(t, ['integrity', '--limit', '1']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`Broken ledger chain (${full.counts.brokenChains}, first 1 listed):`);
    expect(result.stdout).toContain('use --limit for more');
  });

  it('refuses a bad command line with exit code 2 before touching the application', async () => {
    const untouchable = async () => {
      throw new Error('the application must not start');
    };
    for (const argv of [
      [],
      ['nope'],
      ['integrity', '--limit', '0'],
      ['integrity', '--limit'],
      ['integrity', '--bogus'],
      ['integrity', 'extra'],
      ['seed-accounts', '--batch-size', 'x'],
      ['create-admin', '--email', 'not-an-email', '--password', 'password-123'],
      ['create-admin', '--email', 'a@b.test', '--password', 'short'],
    ]) {
      const err: string[] = [];
      const code = await runCli(argv, { context: untouchable, io: { out: () => undefined, err: (s) => err.push(s) } });
      expect({ argv, code }).toEqual({ argv, code: 2 });
      expect(err.join('\n')).toContain('Usage: npm run cli --');
    }
    const help: string[] = [];
    expect(await runCli(['--help'], { context: untouchable, io: { out: (s) => help.push(s), err: () => undefined } })).toBe(0);
    expect(help.join('\n')).toMatch(/integrity[\s\S]*seed-accounts[\s\S]*create-admin/);
  });

  it('create-admin creates an admin who can use the admin routes; an existing email is refused', async () => {
    const email = `cli-admin.${randomUUID().slice(0, 8)}@tokens.test`;
    const created = await cli(t, ['create-admin', '--email', email, '--password', 'admin-password-456']);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`Created admin ${email}`);
    const login = await t.http.post('/auth/login', { email, password: 'admin-password-456' });
    expect(login.status).toBe(200);
    expect((await t.http.get('/admin/tokens/integrity', { token: login.body.accessToken })).status).toBe(200);

    const again = await cli(t, ['create-admin', '--email', email.toUpperCase(), '--password', 'other-password-789']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
  });
});

describe('seed-accounts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const PLANS = { free: 100, starter: 10000, pro: 200000 } as const;

  async function importUsers(count: number): Promise<{ id: string; plan: keyof typeof PLANS }[]> {
    const plans = Object.keys(PLANS) as (keyof typeof PLANS)[];
    const users: { id: string; plan: keyof typeof PLANS }[] = [];
    for (let i = 0; i < count; i++) {
      const plan = plans[i % plans.length];
      users.push({ id: (await insertUserWithoutAccount(t.dataSource, plan)).id, plan });
    }
    return users;
  }

  it('seeds 25 imported users once each in batches; a second run seeds nothing', async () => {
    const users = await importUsers(25);
    const before = await cli(t, ['integrity', '--json']);
    expect(before.code).toBe(1);
    expect(JSON.parse(before.stdout).counts.usersWithoutAccount).toBe(25);

    const first = await cli(t, ['seed-accounts', '--batch-size', '10']);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('Seeded 25 token accounts (25 users without an account examined, 0 skipped, 0 failed).');
    expect(first.stderr.split('\n')).toHaveLength(3); // one progress line per batch: 10, 10, 5

    const grants = await initialGrants(
      t.dataSource,
      users.map((u) => u.id),
    );
    for (const user of users) {
      expect(grants.get(user.id)).toEqual({ count: 1, amount: PLANS[user.plan] });
      const state = await expectLedgerConsistent(t.dataSource, user.id);
      expect(state.balance).toBe(PLANS[user.plan]);
    }

    const second = await cli(t, ['seed-accounts', '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual({ examined: 0, seeded: 0, skipped: 0, failed: 0, failures: [] });
    expect(
      await initialGrants(
        t.dataSource,
        users.map((u) => u.id),
      ),
    ).toEqual(grants);

    expect((await cli(t, ['integrity'])).code).toBe(0);
  });

  it('never seeds twice beside metered requests of the same users', async () => {
    const users = await importUsers(25);
    const tokens = await Promise.all(users.map((u) => bearerTokenFor(t.app, u.id)));
    const requests = users.flatMap((_, i) =>
      [0, 1, 2].map(() => t.http.post('/services/chat', { message: 'first' }, { token: tokens[i] })),
    );
    const [seed, ...responses] = await Promise.all([cli(t, ['seed-accounts', '--batch-size', '5']), ...requests]);

    expect(seed.code).toBe(0);
    expect(seed.stdout).toMatch(/^Seeded \d+ token accounts? \(\d+ users without an account examined, 0 skipped, 0 failed\)\.$/);
    expect(responses.map((r) => r.status)).toEqual(requests.map(() => 201));
    const grants = await initialGrants(
      t.dataSource,
      users.map((u) => u.id),
    );
    for (const user of users) {
      expect(grants.get(user.id)).toEqual({ count: 1, amount: PLANS[user.plan] });
      const state = await expectLedgerConsistent(t.dataSource, user.id);
      expect(state.balance).toBe(PLANS[user.plan] - 3);
    }

    const result = await cli(t, ['integrity', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject(EMPTY_REPORT);
  });
});

/** Transpiles src/**\/*.ts to the directory given as argument, as isolated modules (like ts-jest). */
const TRANSPILE = `
import ts from 'typescript';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
const outDir = process.argv[process.argv.length - 1];
const config = ts.parseJsonConfigFileContent(ts.readConfigFile('tsconfig.build.json', ts.sys.readFile).config, ts.sys, process.cwd());
// Every file is an ES module (package.json type: module); transpileModule alone cannot tell.
const compilerOptions = { ...config.options, module: ts.ModuleKind.ES2022, moduleResolution: ts.ModuleResolutionKind.Bundler, sourceMap: false, incremental: false, declaration: false };
for (const file of ts.sys.readDirectory('src', ['.ts'], ['**/*.spec.ts'])) {
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
  const target = join(outDir, relative('src', file)).replace(/\\.ts$/, '.js');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, outputText);
}
`;

/**
 * The real entry point in its own process: argv, exit codes, and an application that starts
 * without HTTP and closes. The sources are transpiled file by file (what `nest build` emits,
 * without the type check) into a git-ignored directory inside the project, so that imports
 * resolve against its node_modules.
 */
describe('the CLI as a process', () => {
  const outDir = resolve('tmp', `cli-e2e-${process.pid}-${randomUUID().slice(0, 8)}`);
  let t: TestApp;

  beforeAll(async () => {
    mkdirSync(outDir, { recursive: true });
    execFileSync(process.execPath, ['--input-type=module', '-e', TRANSPILE, outDir], { stdio: 'inherit' });
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  function run(args: string[]): Promise<CliResult> {
    // No LOG_LEVEL: the CLI's own default keeps log lines out of stdout.
    const env = { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...t.database.env };
    return new Promise((done) => {
      execFile(process.execPath, [join(outDir, 'cli.js'), ...args], { env, timeout: 60000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout: stdout.trim(), stderr: stderr.trim() });
      });
    });
  }

  it('exits 0 on a clean database, 1 once it is corrupted, 2 on a bad command line', async () => {
    const user = await registerUser(t.http);
    const legacy = await insertUserWithoutAccount(t.dataSource, 'pro');

    const before = await run(['integrity', '--json']);
    expect(before.code).toBe(1);
    expect(JSON.parse(before.stdout).usersWithoutAccount).toEqual([{ userId: legacy.id, planCode: 'pro' }]);

    const seeded = await run(['seed-accounts', '--json']);
    expect(seeded.code).toBe(0);
    expect(JSON.parse(seeded.stdout)).toEqual({ examined: 1, seeded: 1, skipped: 0, failed: 0, failures: [] });
    expect((await ledgerState(t.dataSource, legacy.id)).balance).toBe(200000);

    const clean = await run(['integrity']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/\nOK$/);

    await t.dataSource.query('UPDATE token_accounts SET balance = balance + 1 WHERE user_id = ?', [user.id]);
    const corrupted = await run(['integrity', '--json']);
    expect(corrupted.code).toBe(1);
    expect(JSON.parse(corrupted.stdout).mismatches).toEqual([{ userId: user.id, balance: 101, ledgerSum: 100 }]);

    const bad = await run(['integrity', '--limit', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--limit must be an integer from 1 to 1000');
  });
});
