/**
 * A process killed with SIGKILL in the middle of a streamed completion: its hold is never settled.
 * Two instances run the expiry job; after HOLD_TTL_SECONDS the hold is released exactly once, with
 * a `hold_release` whose reason is `expired`, and the caller is charged nothing for the completion
 * that never finished.
 */
import { FakeOpenAi, readUntilContent } from '../support/fake-openai.js';
import { AppProcess, killAllApps } from './support/app-process.js';
import { expectInvariants } from './support/checks.js';
import { ReliabilityDatabase } from './support/database.js';
import { adminToken, expectCall, registerUser } from './support/load.js';
import { sleep } from './support/ports.js';

const HOLD_TTL_SECONDS = 10;

describe('a completion whose process dies mid-stream', () => {
  let db: ReliabilityDatabase;
  const upstream = new FakeOpenAi();
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    db = await ReliabilityDatabase.create('holds');
    const env = { LLM_BASE_URL: await upstream.start(), LLM_API_KEY: 'upstream-key', HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS) };
    apps.push(await AppProcess.start('app-1', db.url(), env));
    apps.push(await AppProcess.start('app-2', db.url(), env));
  }, 120000);

  afterAll(async () => {
    await killAllApps();
    await upstream.stop();
    await db?.drop();
  });

  test('its hold is released once after the hold TTL, by one of the instances, and nothing is charged', async () => {
    const admin = await adminToken(apps[0].baseUrl);
    await expectCall(apps[0].baseUrl, 'PUT', '/admin/models/fake-gpt', { inputPer1k: 1000, outputPer1k: 2000, maxOutputTokens: 50 }, 200, {
      token: admin,
    });
    const user = await registerUser(apps[0].baseUrl, 'holds');
    await expectCall(apps[0].baseUrl, 'POST', `/admin/users/${user.id}/tokens/grant`, { amount: 900, reason: 'set-up' }, 201, {
      token: admin,
    });
    const { body: key } = await expectCall(apps[0].baseUrl, 'POST', '/api-keys', { name: 'sdk' }, 201, { token: user.token });

    upstream.next({ kind: 'slow', delayMs: 500 });
    const response = await fetch(`${apps[0].baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-gpt', messages: [{ role: 'user', content: 'never finished' }], stream: true }),
    });
    const reader = await readUntilContent(response);
    await apps[0].kill9();
    await reader.cancel().catch(() => undefined);

    const holds = () =>
      db.query<{ amount: unknown; outcome: string | null }>('SELECT amount, outcome FROM token_holds WHERE user_id = ?', [user.id]);
    const [open] = await holds();
    expect(open.outcome).toBeNull();
    const [account] = await db.query<{ balance: unknown; held: unknown }>('SELECT balance, held FROM token_accounts WHERE user_id = ?', [
      user.id,
    ]);
    expect(Number(account.held)).toBe(Number(open.amount));
    expect(Number(account.balance)).toBe(1000 - Number(open.amount));

    await apps[0].restart();
    const deadline = Date.now() + (HOLD_TTL_SECONDS + 15) * 1000;
    while ((await holds())[0].outcome === null && Date.now() < deadline) await sleep(250);
    expect((await holds()).map((h) => h.outcome)).toEqual(['expired']);

    const rows = await db.query<{ type: string; amount: unknown; metadata: string | null }>(
      "SELECT type, amount, metadata FROM token_ledger_entries WHERE user_id = ? AND type IN ('hold', 'hold_release', 'usage') ORDER BY seq",
      [user.id],
    );
    expect(rows.map((r) => [r.type, Number(r.amount), r.type === 'hold_release' ? JSON.parse(r.metadata!).reason : null])).toEqual([
      ['hold', -Number(open.amount), null],
      ['hold_release', Number(open.amount), 'expired'],
    ]);
    const [after] = await db.query<{ balance: unknown; held: unknown }>('SELECT balance, held FROM token_accounts WHERE user_id = ?', [
      user.id,
    ]);
    expect([Number(after.balance), Number(after.held)]).toEqual([1000, 0]);
    await expectInvariants(
      db,
      apps.map((app) => app.baseUrl),
      admin,
    );
  });
});
