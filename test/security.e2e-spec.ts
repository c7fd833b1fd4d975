/**
 * Attacks on the running app over real HTTP: one user against another (ledger, API keys,
 * purchases, idempotency keys), a normal user against every admin route of the OpenAPI
 * document, forged and stale credentials, and SQL injection in every string the API takes.
 * Each attack must fail without changing anything; where an input is legitimately accepted
 * (SQL text in a chat message is just text), its effect is predicted exactly and checked.
 */
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../src/config/app-config.js';
import { createHmac, randomUUID } from 'node:crypto';
import { bearerTokenFor, insertRawUser, loginAdmin, openSession, registerUser, TestUser, uniqueEmail } from './support/factories.js';
import type { HttpResponse, RequestOptions } from './support/http-client.js';
import { expectLedgerConsistent, ledgerState } from './support/ledger-assertions.js';
import { startTestApp, TestApp } from './support/test-app.js';
import { TEST_DB } from './support/test-database.js';

const WEBHOOK_SECRET = 'security-webhook-secret-0123456789';
const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** A compact JWS built by hand, so forged tokens do not depend on the library the app uses. */
function handMadeJwt(header: { alg: string; typ?: string }, payload: object, secret: string | null): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature =
    secret === null
      ? ''
      : createHmac(header.alg === 'HS512' ? 'sha512' : 'sha256', secret)
          .update(signingInput)
          .digest('base64url');
  return `${signingInput}.${signature}`;
}

const SQL_PAYLOADS = [
  "' OR 1=1 --",
  "'; DROP TABLE token_accounts; --",
  '" OR ""="',
  '1; UPDATE token_accounts SET balance=999999',
  "admin'--",
  "' UNION SELECT password_hash, email FROM users --",
  "'); INSERT INTO token_ledger_entries (user_id) VALUES ('x'); --",
  "\\'; DELETE FROM token_ledger_entries; --",
  '\\',
  "\\\\' OR '1'='1",
  "%' OR '%'='",
  '` OR 1=1 --',
  "1' AND (SELECT COUNT(*) FROM users) > 0 --",
];

/** Payloads without spaces, for places that only take visible ASCII (Idempotency-Key, event ids). */
const SQL_TOKENS = [
  "'OR'1'='1",
  "';DROP/**/TABLE/**/token_accounts;--",
  '"OR""="',
  '1;UPDATE/**/token_accounts/**/SET/**/balance=999999',
  "\\'OR\\'1\\'=\\'1",
];

describe(`security: isolation, admin routes, credentials and SQL injection (${TEST_DB})`, () => {
  let t: TestApp;
  let adminToken: string;
  let alice: TestUser;
  let bob: TestUser;
  let aliceKey: { id: string; key: string };
  let bobKey: { id: string; key: string };
  let alicePurchaseId: string;
  let document: any;

  type Snapshot = Record<string, unknown[]>;

  async function snapshot(): Promise<Snapshot> {
    const q = (sql: string) =>
      t.dataSource.query(sql).then((rows: Record<string, unknown>[]) =>
        rows.map((row) =>
          Object.values(row)
            .map((v) => (v instanceof Date ? v.toISOString() : v === null ? null : String(v)))
            .join(' | '),
        ),
      );
    return {
      token_accounts: await q('SELECT user_id, balance, used_this_period, ledger_seq FROM token_accounts ORDER BY user_id'),
      token_ledger_entries: await q('SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS total FROM token_ledger_entries'),
      users: await q('SELECT id, email, name, role FROM users ORDER BY id'),
      subscriptions: await q('SELECT user_id, plan_code, tokens_limit, status FROM subscriptions ORDER BY user_id'),
      api_keys: await q('SELECT id, user_id, name, revoked_at FROM api_keys ORDER BY id'),
      purchases: await q('SELECT id, user_id, status FROM purchases ORDER BY id'),
      payment_events: await q('SELECT COUNT(*) AS n FROM payment_events'),
      token_price_overrides: await q('SELECT action, scope, scope_ref, cost FROM token_price_overrides ORDER BY action, scope, scope_ref'),
      token_price_revision: await q('SELECT revision FROM token_price_revision'),
    };
  }

  const balanceOf = async (userId: string) => (await ledgerState(t.dataSource, userId)).balance;
  const ledgerCount = async () => Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM token_ledger_entries'))[0].n);

  /** The status is one of `statuses` (with the error body when it is an error). */
  function expectStatusIn(response: HttpResponse, statuses: number[], context: unknown): void {
    expect({ context, status: statuses.includes(response.status) ? 'as expected' : response.status }).toEqual({
      context,
      status: 'as expected',
    });
    if (response.status >= 400)
      expect(response.body).toMatchObject({ statusCode: response.status, code: expect.any(String), message: expect.any(String) });
  }

  function expectError(response: HttpResponse, status: number, code: string, context: unknown): void {
    expect({ context, status: response.status, code: response.body?.code }).toEqual({ context, status, code });
    expect(response.body).toMatchObject({ statusCode: status, code, message: expect.any(String) });
  }

  beforeAll(async () => {
    // Injection attempts send many wrong passwords to one account: the lockout has its own suite (security-access).
    t = await startTestApp({ env: { PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRET, THROTTLE_LOGIN_FAILURES: '1000' } });
    adminToken = await loginAdmin(t.http);
    alice = await registerUser(t.http, { name: 'Alice' });
    bob = await registerUser(t.http, { name: 'Bob' });
    aliceKey = (await t.http.post('/api-keys', { name: 'alice key' }, { token: alice.token })).body;
    bobKey = (await t.http.post('/api-keys', { name: 'bob key' }, { token: bob.token })).body;
    // Some history on both accounts.
    for (const user of [alice, bob, alice])
      expect((await t.http.post('/services/chat', { message: 'hello' }, { token: user.token })).status).toBe(201);
    const checkout = await t.http.post('/billing/checkout', { packageCode: 'tokens_1k' }, { token: alice.token });
    expect(checkout.status).toBe(201);
    alicePurchaseId = checkout.body.purchaseId;
    document = (await t.http.get('/docs-json')).body;
  });

  afterAll(() => t?.close());

  // -------------------------------------------------------------------------------------------
  describe('one user against another', () => {
    const ownRowIds = async (userId: string) =>
      (await t.dataSource.query('SELECT id FROM token_ledger_entries WHERE user_id = ? ORDER BY seq DESC', [userId])).map(
        (r: { id: string }) => r.id,
      );

    it('GET /tokens/transactions pages through exactly the caller’s own rows', async () => {
      for (const user of [alice, bob]) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page: HttpResponse = await t.http.get(`/tokens/transactions?limit=1${cursor ? `&cursor=${cursor}` : ''}`, {
            token: user.token,
          });
          expect(page.status).toBe(200);
          seen.push(...page.body.items.map((i: { id: string }) => i.id));
          cursor = page.body.nextCursor;
        } while (cursor);
        expect(seen).toEqual(await ownRowIds(user.id));
      }
    });

    it('no filter, cursor or extra parameter reaches another user’s rows', async () => {
      const aliceIds = new Set(await ownRowIds(alice.id));
      const bobIds = await ownRowIds(bob.id);
      const queries = [
        'limit=100',
        'limit=100&cursor=999999999999999',
        'type=usage&limit=100',
        'type=initial_grant',
        'action=ai_chat_message&limit=100',
        `userId=${alice.id}`,
        `user_id=${alice.id}`,
        `userId[]=${alice.id}`,
        "action=' OR 1=1 --",
        "action=ai_chat_message' OR '1'='1",
        "type=usage' OR 'a'='a",
        'cursor=1 OR 1=1',
        'cursor=0',
        'cursor=-1',
        'limit=1000000',
        'action=%25',
        'action=_',
      ];
      for (const query of queries) {
        for (const options of [{ token: bob.token }, { apiKey: bobKey.key }] as RequestOptions[]) {
          const response = await t.http.get(`/tokens/transactions?${query.replace(/ /g, '%20')}`, options);
          expect({ query, status: response.status < 500 }).toEqual({ query, status: true });
          if (response.status === 200) {
            const ids: string[] = response.body.items.map((i: { id: string }) => i.id);
            expect({ query, leaked: ids.filter((id) => aliceIds.has(id)) }).toEqual({ query, leaked: [] });
            expect(ids.every((id) => bobIds.includes(id))).toBe(true);
          } else {
            expectError(response, 400, 'VALIDATION_FAILED', query);
          }
        }
      }
    });

    it('API keys: each list shows only its owner’s keys; revoking another user’s key is 404 and the key keeps working', async () => {
      const before = await snapshot();
      for (const [user, key] of [
        [alice, aliceKey],
        [bob, bobKey],
      ] as const) {
        const list = await t.http.get('/api-keys', { token: user.token });
        expect(list.status).toBe(200);
        const stored = await t.dataSource.query('SELECT id FROM api_keys WHERE user_id = ? AND revoked_at IS NULL', [user.id]);
        expect(list.body.map((k: { id: string }) => k.id).sort()).toEqual(stored.map((r: { id: string }) => r.id).sort());
        expect(list.body.map((k: { id: string }) => k.id)).toContain(key.id);
        expect(JSON.stringify(list.body)).not.toContain(key.key);
      }
      expectError(await t.http.delete(`/api-keys/${aliceKey.id}`, { token: bob.token }), 404, 'NOT_FOUND', 'bob revokes alice key');
      // With an API key, managing keys is refused before the key id is even looked at.
      expectError(
        await t.http.delete(`/api-keys/${aliceKey.id}`, { apiKey: bobKey.key }),
        403,
        'FORBIDDEN',
        'bob revokes alice key with his API key',
      );
      // The admin cannot revoke a user's key through the user route either: it is not theirs.
      expectError(await t.http.delete(`/api-keys/${aliceKey.id}`, { token: adminToken }), 404, 'NOT_FOUND', 'admin revokes alice key');
      const me = await t.http.get('/users/me', { apiKey: aliceKey.key });
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(alice.id);
      expect(await snapshot()).toEqual(before);
    });

    it('purchases: GET /billing/purchases lists only the caller’s purchases', async () => {
      const aliceList = await t.http.get('/billing/purchases', { token: alice.token });
      expect(aliceList.status).toBe(200);
      expect(aliceList.body.map((p: { id?: string; purchaseId?: string }) => p.id ?? p.purchaseId)).toContain(alicePurchaseId);
      for (const options of [{ token: bob.token }, { apiKey: bobKey.key }] as RequestOptions[]) {
        for (const query of ['', '?limit=100', `?userId=${alice.id}`, `?purchaseId=${alicePurchaseId}`]) {
          const response = await t.http.get(`/billing/purchases${query}`, options);
          if (response.status === 200) expect(JSON.stringify(response.body)).not.toContain(alicePurchaseId);
          else expectError(response, 400, 'VALIDATION_FAILED', query);
        }
      }
    });

    it('an Idempotency-Key is per user: bob sending alice’s key and body gets a fresh charge on his own account, never her stored answer', async () => {
      const key = `shared-${randomUUID()}`;
      const otherKey = `other-${randomUUID()}`;
      const body = { to: '+4915123456789', script: 'Hello from the security test.' };
      const aliceBefore = (await balanceOf(alice.id))!;
      const bobBefore = (await balanceOf(bob.id))!;

      // Their balances differ, so an answer shows whose account it came from.
      expect(aliceBefore).not.toBe(bobBefore);
      const first = await t.http.post('/services/calls', body, { token: alice.token, headers: { 'idempotency-key': key } });
      expect(first.status).toBe(201);
      const replay = await t.http.post('/services/calls', body, { token: alice.token, headers: { 'idempotency-key': key } });
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.callId).toBe(first.body.callId);

      const bobs = await t.http.post('/services/calls', body, { token: bob.token, headers: { 'idempotency-key': key } });
      expect(bobs.status).toBe(201);
      expect(bobs.headers.get('idempotent-replayed')).toBeNull();
      expect(bobs.headers.get('x-tokens-charged')).toBe('1');
      expect(bobs.headers.get('x-tokens-remaining')).toBe(String(bobBefore - 1));
      expect(bobs.headers.get('x-tokens-remaining')).not.toBe(first.headers.get('x-tokens-remaining'));
      // The charge is a usage row on bob's account for his request.
      const [bobsRow] = await t.dataSource.query(
        'SELECT type, action, amount, request_id FROM token_ledger_entries WHERE user_id = ? ORDER BY seq DESC LIMIT 1',
        [bob.id],
      );
      expect({ ...bobsRow, amount: Number(bobsRow.amount) }).toEqual({
        type: 'usage',
        action: 'outbound_call_single',
        amount: -1,
        request_id: bobs.headers.get('x-request-id'),
      });
      // Again, by bearer or by his API key (the same user): bob's own answer is replayed, alice's never.
      for (const options of [{ token: bob.token }, { apiKey: bobKey.key }] as RequestOptions[]) {
        const again = await t.http.post('/services/calls', body, { ...options, headers: { 'idempotency-key': key } });
        expect(again.status).toBe(201);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(again.body.callId).toBe(bobs.body.callId);
        expect(again.headers.get('x-tokens-remaining')).toBe(String(bobBefore - 1));
      }
      // Alice's key with another body is no conflict for bob: 201 and his own charge, not 409.
      expect(
        (await t.http.post('/services/chat', { message: 'hers' }, { token: alice.token, headers: { 'idempotency-key': otherKey } })).status,
      ).toBe(201);
      const other = await t.http.post('/services/chat', { message: 'his' }, { token: bob.token, headers: { 'idempotency-key': otherKey } });
      expect(other.status).toBe(201);
      expect(other.headers.get('idempotent-replayed')).toBeNull();

      // Alice: her call and her chat. Bob: his call (charged once) and his chat.
      expect(await balanceOf(alice.id)).toBe(aliceBefore - 2);
      expect(await balanceOf(bob.id)).toBe(bobBefore - 2);
      await expectLedgerConsistent(t.dataSource, alice.id);
      await expectLedgerConsistent(t.dataSource, bob.id);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('admin routes', () => {
    interface AdminCall {
      method: string;
      path: string;
      body?: unknown;
      label: string;
    }

    /** Every operation under /admin in the OpenAPI document, with plausible parameters and body. */
    function adminCalls(target: TestUser): AdminCall[] {
      const resolve = (schema: any): any => (schema?.$ref ? resolve(document.components.schemas[schema.$ref.split('/').pop()]) : schema);
      const example = (raw: any): unknown => {
        const schema = resolve(raw);
        if (schema.example !== undefined && !(schema.type === 'object' && schema.properties)) return schema.example;
        if (schema.enum) return schema.enum[0];
        if (schema.type === 'object') {
          const required: string[] = schema.required ?? [];
          return Object.fromEntries(
            Object.entries<any>(schema.properties ?? {})
              .filter(([name]) => required.includes(name))
              .map(([name, p]) => [name, example(p)]),
          );
        }
        return schema.type === 'number' || schema.type === 'integer' ? 1 : 'x';
      };
      const calls: AdminCall[] = [];
      for (const [template, item] of Object.entries<any>(document.paths)) {
        if (!template.startsWith('/admin')) continue;
        for (const [method, op] of Object.entries<any>(item)) {
          const path = template.replace('{userId}', target.id).replace('{action}', 'write_more').replace('{model}', 'local');
          expect({ template, unresolved: /\{/.test(path) }).toEqual({ template, unresolved: false });
          const schema = op.requestBody?.content?.['application/json']?.schema;
          calls.push({
            method: method.toUpperCase(),
            path,
            body: schema ? example(schema) : undefined,
            label: `${method.toUpperCase()} ${template}`,
          });
        }
      }
      return calls;
    }

    it('a normal user gets 403 FORBIDDEN on every admin operation (bearer or API key), anonymous gets 401, and nothing changes', async () => {
      // The target of the admin calls is a user of its own: the admin replay below changes it for real.
      const target = await registerUser(t.http, { name: 'Admin target' });
      const calls = adminCalls(target);
      expect(calls.length).toBeGreaterThanOrEqual(8);
      expect(calls.map((c) => c.label)).toEqual(
        expect.arrayContaining([
          'POST /admin/users/{userId}/tokens/grant',
          'PUT /admin/costs/{action}',
          'PUT /admin/users/{userId}/subscription',
        ]),
      );
      const before = await snapshot();
      for (const call of calls) {
        for (const [who, options] of [
          ['bob (bearer)', { token: bob.token }],
          ['bob (API key)', { apiKey: bobKey.key }],
          ['alice (another user)', { token: alice.token }],
        ] as const) {
          expectError(await t.http.request(call.method, call.path, call.body, options), 403, 'FORBIDDEN', `${call.label} as ${who}`);
        }
        expectError(await t.http.request(call.method, call.path, call.body, {}), 401, 'UNAUTHENTICATED', `${call.label} anonymous`);
      }
      expect(await snapshot()).toEqual(before);
      // The same requests are real: the admin gets past authorization with them.
      for (const call of calls) {
        const response = await t.http.request(call.method, call.path, call.body, { token: adminToken });
        expect({ call: call.label, status: response.status < 500 && ![401, 403].includes(response.status) }).toEqual({
          call: call.label,
          status: true,
        });
      }
      // Whatever order the document lists them in, no price override is left behind for the tests below.
      await t.http.delete('/admin/costs/write_more', { token: adminToken });
      expect(await t.dataSource.query('SELECT action FROM token_price_overrides')).toEqual([]);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('forged and stale credentials', () => {
    /** Routes each credential is tried on: a read, a metered write and an admin read. */
    const probes = [
      { method: 'GET', path: '/users/me', body: undefined },
      { method: 'GET', path: '/tokens/balance', body: undefined },
      { method: 'POST', path: '/services/chat', body: { message: 'forged' } },
      { method: 'GET', path: '/admin/costs', body: undefined },
      { method: 'POST', path: '/api-keys', body: { name: 'forged key' } },
    ];

    async function expectRefusedEverywhere(token: string | undefined, label: string, extra: RequestOptions = {}): Promise<void> {
      const before = await snapshot();
      for (const probe of probes) {
        const response = await t.http.request(probe.method, probe.path, probe.body, { ...extra, ...(token !== undefined && { token }) });
        expectError(response, 401, 'UNAUTHENTICATED', `${label}: ${probe.method} ${probe.path}`);
      }
      expect(await snapshot()).toEqual(before);
    }

    const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

    it('a payload changed under the original signature (role admin, another sub) is 401', async () => {
      const [header, , signature] = bob.token.split('.');
      const claims = claimsOf(bob.token);
      for (const [label, changed] of [
        ['role: admin', { ...claims, role: 'admin' }],
        ['sub: alice', { ...claims, sub: alice.id }],
        ['exp extended', { ...claims, exp: claims.exp + 3600 }],
      ] as const) {
        await expectRefusedEverywhere(`${header}.${base64url(JSON.stringify(changed))}.${signature}`, label);
      }
    });

    it('a token signed with another secret, unsigned (alg none) or with another algorithm is 401', async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = { sub: bob.id, role: 'admin', iat: now, exp: now + 3600 };
      await expectRefusedEverywhere(
        handMadeJwt({ alg: 'HS256', typ: 'JWT' }, claims, 'another-secret-that-is-long-enough-0123456789'),
        'foreign secret',
      );
      for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
        await expectRefusedEverywhere(handMadeJwt({ alg, typ: 'JWT' }, claims, null), `alg ${alg}`);
      }
      await expectRefusedEverywhere(
        handMadeJwt({ alg: 'HS512', typ: 'JWT' }, claims, 'another-secret-that-is-long-enough-0123456789'),
        'HS512',
      );
      await expectRefusedEverywhere(`${handMadeJwt({ alg: 'none' }, claims, null)}${'A'.repeat(43)}`, 'alg none with a made-up signature');
    });

    it('an expired token is 401, even when the app signed it', async () => {
      const jwt = t.app.get(JwtService);
      const { sessionId } = await openSession(t.app, bob.id);
      await expectRefusedEverywhere(
        await jwt.signAsync({ sub: bob.id, role: 'user', sid: sessionId }, { expiresIn: -10 }),
        'expired (expiresIn -10)',
      );
      const past = Math.floor(Date.now() / 1000) - 3600;
      // A past exp in the claims, signed with the app's own secret.
      const secret = t.app.get(AppConfig).jwtSecret;
      await expectRefusedEverywhere(
        handMadeJwt({ alg: 'HS256', typ: 'JWT' }, { sub: bob.id, role: 'user', sid: sessionId, iat: past - 60, exp: past }, secret),
        'expired an hour ago',
      );
      // The same token with a future exp works: the refusals above are about the expiry alone.
      expect(
        (
          await t.http.get('/users/me', {
            token: handMadeJwt(
              { alg: 'HS256', typ: 'JWT' },
              { sub: bob.id, role: 'user', sid: sessionId, iat: past, exp: past + 7200 },
              secret,
            ),
          })
        ).status,
      ).toBe(200);
      const admin = await openSession(t.app, adminTokenSub(), 'admin');
      await expectRefusedEverywhere(
        await jwt.signAsync({ sub: adminTokenSub(), role: 'admin', sid: admin.sessionId }, { expiresIn: -1 }),
        'expired admin',
      );
    });

    function adminTokenSub(): string {
      return claimsOf(adminToken).sub;
    }

    it('an app-signed token for an unknown or deleted user is 401', async () => {
      const jwt = t.app.get(JwtService);
      // Each with a live session id (bob's): the user read must still find no such user.
      const { sessionId } = await openSession(t.app, bob.id);
      await expectRefusedEverywhere(await jwt.signAsync({ sub: randomUUID(), role: 'user', sid: sessionId }), 'unknown user');
      await expectRefusedEverywhere(await jwt.signAsync({ sub: randomUUID(), role: 'admin', sid: sessionId }), 'unknown admin');
      await expectRefusedEverywhere(await jwt.signAsync({ sub: "' OR 1=1 --", role: 'admin', sid: sessionId }), 'SQL as sub');
      await expectRefusedEverywhere(await jwt.signAsync({ sub: bob.id, role: 'user', sid: "' OR 1=1 --" }), 'SQL as sid');

      // A user that existed: the token worked, then the user was deleted.
      const { id } = await insertRawUser(t.dataSource, { email: uniqueEmail('deleted'), name: 'Soon gone' });
      const token = await bearerTokenFor(t.app, id);
      expect((await t.http.get('/api-keys', { token })).status).toBe(200);
      await t.dataSource.query('DELETE FROM users WHERE id = ?', [id]);
      await expectRefusedEverywhere(token, 'deleted user');
    });

    it('the role comes from the database: an app-signed admin claim for a normal user opens no admin route', async () => {
      const { sessionId } = await openSession(t.app, bob.id);
      const token = await t.app.get(JwtService).signAsync({ sub: bob.id, role: 'admin', sid: sessionId });
      const before = await snapshot();
      expectError(await t.http.get('/admin/costs', { token }), 403, 'FORBIDDEN', 'admin claim of a normal user');
      expectError(
        await t.http.post(`/admin/users/${bob.id}/tokens/grant`, { amount: 1000, reason: 'self-service' }, { token }),
        403,
        'FORBIDDEN',
        'self grant',
      );
      expect(await snapshot()).toEqual(before);
    });

    it('a revoked API key is 401 at once, on every route, and charges nothing', async () => {
      const created = await t.http.post('/api-keys', { name: 'to revoke' }, { token: bob.token });
      expect(created.status).toBe(201);
      expect((await t.http.post('/services/chat', { message: 'while live' }, { apiKey: created.body.key })).status).toBe(201);
      expect((await t.http.delete(`/api-keys/${created.body.id}`, { token: bob.token })).status).toBe(204);
      await expectRefusedEverywhere(undefined, 'revoked API key', { apiKey: created.body.key });
      // Revoked twice is not found; a valid bearer token does not rescue a revoked key sent with it.
      expectError(await t.http.delete(`/api-keys/${created.body.id}`, { token: bob.token }), 404, 'NOT_FOUND', 'revoke again');
      expectError(
        await t.http.get('/users/me', { apiKey: created.body.key, token: bob.token }),
        401,
        'UNAUTHENTICATED',
        'revoked key with bearer',
      );
    });

    it('garbage in the Authorization and X-API-Key headers is 401', async () => {
      for (const authorization of [
        'Bearer',
        'Bearer ',
        `Bearer ${bob.token}.x`,
        `Bearer ${bob.token.split('.').slice(0, 2).join('.')}`,
        'Bearer a.b.c',
        `Basic ${bob.token}`,
        `Bearer ${'A'.repeat(5000)}`,
        "Bearer ' OR 1=1 --",
      ]) {
        await expectRefusedEverywhere(undefined, `Authorization: ${authorization.slice(0, 30)}`, { headers: { authorization } });
      }
      for (const apiKey of [
        'tk_',
        `${bobKey.key}x`,
        bobKey.key.slice(0, -1),
        "tk_' OR 1=1 --",
        `tk_${'x'.repeat(97)}`,
        bobKey.key.toUpperCase(),
      ]) {
        await expectRefusedEverywhere(undefined, `X-API-Key: ${apiKey.slice(0, 30)}`, { apiKey });
      }
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('SQL injection in every string field', () => {
    const TABLES = [
      'users',
      'api_keys',
      'plans',
      'subscriptions',
      'token_accounts',
      'token_ledger_entries',
      'idempotency_keys',
      'token_price_overrides',
      'token_price_revision',
      'token_packages',
      'purchases',
      'payment_events',
    ];
    let mallory: TestUser;

    async function expectTablesIntact(): Promise<void> {
      for (const table of TABLES) {
        const [row] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`);
        expect({ table, rows: Number(row.n) >= 0 }).toEqual({ table, rows: true });
      }
      const integrity = await t.http.get('/admin/tokens/integrity', { token: adminToken });
      expect(integrity.status).toBe(200);
      expect(integrity.body.ok).toBe(true);
    }

    /** Every account's balance, to compare with what the test predicts. */
    async function balances(): Promise<Record<string, number>> {
      const rows = await t.dataSource.query('SELECT user_id, balance FROM token_accounts');
      return Object.fromEntries(rows.map((r: { user_id: string; balance: unknown }) => [r.user_id, Number(r.balance)]));
    }

    beforeAll(async () => {
      mallory = await registerUser(t.http, { name: 'Mallory' });
      // Enough tokens for every metered call below; the grant is the admin's, not an injection.
      expect(
        (
          await t.http.post(
            `/admin/users/${mallory.id}/tokens/grant`,
            { amount: 100_000, reason: 'budget for the injection tests' },
            { token: adminToken },
          )
        ).status,
      ).toBe(201);
    });

    it('registration and login: SQL in email, name and password is refused or stored as plain text', async () => {
      const usersBefore = Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM users'))[0].n);
      const ledgerBefore = await ledgerCount();
      let registered = 0;
      for (const payload of SQL_PAYLOADS) {
        // As the email: never a valid address with these characters and spaces, so 400 and nothing stored.
        const asEmail = await t.http.post('/auth/register', { email: payload, password: 'password-123' });
        expectError(asEmail, 400, 'VALIDATION_FAILED', `email ${payload}`);
        const loginEmail = await t.http.post('/auth/login', { email: payload, password: 'password-123' });
        expectError(loginEmail, 400, 'VALIDATION_FAILED', `login email ${payload}`);

        // As the name and the password: plain data, stored and given back verbatim.
        const email = uniqueEmail('sqli');
        const password = `${payload}-pw-long-enough`;
        const response = await t.http.post('/auth/register', { email, password, name: payload.trim() || 'x' });
        expect({ payload, status: response.status }).toEqual({ payload, status: 201 });
        registered++;
        expect(response.body.user.name).toBe(payload.trim() || 'x');
        const [row] = await t.dataSource.query('SELECT name FROM users WHERE id = ?', [response.body.user.id]);
        expect(row.name).toBe(payload.trim() || 'x');
        expect((await t.http.post('/auth/login', { email, password })).status).toBe(200);
        // The payload as a password for someone else's account opens nothing.
        expectError(
          await t.http.post('/auth/login', { email: alice.email, password: payload }),
          401,
          'UNAUTHENTICATED',
          `alice with ${payload}`,
        );
      }
      // An address whose local part is legal but full of quotes: a real, separate account.
      const quoted = `o'hara'--${randomUUID().slice(0, 8)}@tokens.test`;
      const withQuote = await t.http.post('/auth/register', { email: quoted, password: 'password-123' });
      expect(withQuote.status).toBe(201);
      registered++;
      expectError(
        await t.http.post('/auth/login', { email: quoted, password: "' OR '1'='1" }),
        401,
        'UNAUTHENTICATED',
        'quoted email, SQL password',
      );
      // Each registration is one user with one initial_grant row of 100 tokens, nothing more.
      expect(Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM users'))[0].n)).toBe(usersBefore + registered);
      expect(await ledgerCount()).toBe(ledgerBefore + registered);
      await expectTablesIntact();
    });

    it('metered services: SQL in message, script, text and query is processed as text and charged exactly the price', async () => {
      const before = await balances();
      const ledgerBefore = await ledgerCount();
      let spent = 0;
      let calls = 0;
      const charge = async (path: string, body: unknown, price: number) => {
        const response = await t.http.post(path, body, { token: mallory.token });
        expect({ path, body, status: response.status }).toEqual({ path, body, status: 201 });
        expect(response.headers.get('x-tokens-charged')).toBe(String(price));
        spent += price;
        calls++;
        return response;
      };
      for (const payload of SQL_PAYLOADS) {
        await charge('/services/chat', { message: payload }, 1);
        const call = await charge('/services/calls', { to: '+4915123456789', script: payload }, 1);
        expect(call.body.script).toContain(payload.trim());
        await charge('/services/social-posts', { text: `Our news: ${payload}`, platforms: ['linkedin'] }, 10);
        const image = await charge('/services/find-image', { query: payload }, 100);
        expect(image.body.query).toBe(payload);
        await charge('/services/business-collector', { query: payload, count: 1 }, 20);
        // Where the pattern forbids it, the payload is a 400 before any charge.
        expectError(
          await t.http.post('/services/calls', { to: payload }, { token: mallory.token }),
          400,
          'VALIDATION_FAILED',
          `to ${payload}`,
        );
      }
      const after = await balances();
      expect(after[mallory.id]).toBe(before[mallory.id] - spent);
      expect({ ...after, [mallory.id]: 0 }).toEqual({ ...before, [mallory.id]: 0 });
      expect(await ledgerCount()).toBe(ledgerBefore + calls);
      await expectLedgerConsistent(t.dataSource, mallory.id);
      await expectTablesIntact();
    });

    it('Idempotency-Key: SQL is a key like any other (charged once, replayed after), or a 400 when it has spaces', async () => {
      const before = (await balanceOf(mallory.id))!;
      const ledgerBefore = await ledgerCount();
      for (const key of SQL_TOKENS) {
        const first = await t.http.post(
          '/services/chat',
          { message: 'keyed' },
          { token: mallory.token, headers: { 'idempotency-key': key } },
        );
        expect({ key, status: first.status }).toEqual({ key, status: 201 });
        const again = await t.http.post(
          '/services/chat',
          { message: 'keyed' },
          { token: mallory.token, headers: { 'idempotency-key': key } },
        );
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        // Alice's use of the same key is her own first use.
        const hers = await t.http.post('/services/chat', { message: 'keyed' }, { token: alice.token, headers: { 'idempotency-key': key } });
        expect(hers.status).toBe(201);
        expect(hers.headers.get('idempotent-replayed')).toBeNull();
      }
      for (const key of SQL_PAYLOADS.filter((p) => /\s/.test(p))) {
        expectError(
          await t.http.post('/services/chat', { message: 'keyed' }, { token: mallory.token, headers: { 'idempotency-key': key } }),
          400,
          'VALIDATION_FAILED',
          `key ${key}`,
        );
      }
      expect(await balanceOf(mallory.id)).toBe(before - SQL_TOKENS.length);
      expect(await ledgerCount()).toBe(ledgerBefore + 2 * SQL_TOKENS.length);
    });

    it('API keys, checkout and the webhook: SQL names are stored verbatim, SQL codes find nothing, SQL event ids are just ids', async () => {
      const keysBefore = Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM api_keys'))[0].n);
      const purchasesBefore = Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM purchases'))[0].n);
      for (const payload of SQL_PAYLOADS) {
        const key = await t.http.post('/api-keys', { name: payload }, { token: mallory.token });
        expect({ payload, status: key.status }).toEqual({ payload, status: 201 });
        expect(key.body.name).toBe(payload);
        // The new key belongs to mallory and authenticates as mallory only.
        expect((await t.http.get('/users/me', { apiKey: key.body.key })).body.id).toBe(mallory.id);

        const checkout = await t.http.post('/billing/checkout', { packageCode: payload }, { token: mallory.token });
        expectStatusIn(checkout, [400, 404], `packageCode ${payload}`);
      }
      const listed = (await t.http.get('/api-keys', { token: mallory.token })).body.map((k: { name: string }) => k.name);
      expect(listed).toEqual(expect.arrayContaining(SQL_PAYLOADS));
      expect(Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM api_keys'))[0].n)).toBe(keysBefore + SQL_PAYLOADS.length);
      expect(Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM purchases'))[0].n)).toBe(purchasesBefore);

      // A signed event whose id is SQL credits exactly the purchase it names, once.
      const checkout = await t.http.post('/billing/checkout', { packageCode: 'tokens_1k' }, { token: mallory.token });
      expect(checkout.status).toBe(201);
      const balanceBefore = (await balanceOf(mallory.id))!;
      for (const id of SQL_TOKENS) {
        const raw = JSON.stringify({ id, type: 'payment.succeeded', data: { purchaseId: checkout.body.purchaseId } });
        const signature = createHmac('sha256', WEBHOOK_SECRET).update(raw).digest('hex');
        const response = await t.http.post('/billing/webhooks/payment', undefined, { raw, headers: { 'x-signature': signature } });
        expect({ id, status: response.status }).toEqual({ id, status: 200 });
      }
      const tokens = Number((await t.dataSource.query('SELECT tokens FROM purchases WHERE id = ?', [checkout.body.purchaseId]))[0].tokens);
      expect(await balanceOf(mallory.id)).toBe(balanceBefore + tokens);
      const events = await t.dataSource.query('SELECT id, outcome FROM payment_events WHERE purchase_id = ? ORDER BY received_at, id', [
        checkout.body.purchaseId,
      ]);
      expect(events.map((e: { id: string }) => e.id).sort()).toEqual([...SQL_TOKENS].sort());
      expect(events.filter((e: { outcome: string }) => e.outcome === 'credited')).toHaveLength(1);
      await expectTablesIntact();
    });

    it('admin inputs: SQL in reason is stored verbatim; in planCode, action and userId it is refused; nothing else moves', async () => {
      const before = await balances();
      const ledgerBefore = await ledgerCount();
      let granted = 0;
      for (const payload of SQL_PAYLOADS) {
        const grant = await t.http.post(
          `/admin/users/${mallory.id}/tokens/grant`,
          { amount: 7, reason: payload.trim() || 'x' },
          { token: adminToken },
        );
        expect({ payload, status: grant.status }).toEqual({ payload, status: 201 });
        expect(grant.body.metadata).toEqual({ reason: payload.trim() || 'x' });
        granted += 7;

        const snapshotBefore = await snapshot();
        expectError(
          await t.http.put(`/admin/users/${mallory.id}/subscription`, { planCode: payload }, { token: adminToken }),
          400,
          'VALIDATION_FAILED',
          `planCode ${payload}`,
        );
        expectError(
          await t.http.put(`/admin/costs/${encodeURIComponent(payload)}`, { cost: 0 }, { token: adminToken }),
          400,
          'VALIDATION_FAILED',
          `action ${payload}`,
        );
        expectError(
          await t.http.put('/admin/costs/ai_chat_message', { cost: 0, planCode: payload }, { token: adminToken }),
          400,
          'VALIDATION_FAILED',
          `override planCode ${payload}`,
        );
        expectError(
          await t.http.put('/admin/costs/ai_chat_message', { cost: 0, userId: payload }, { token: adminToken }),
          400,
          'VALIDATION_FAILED',
          `override userId ${payload}`,
        );
        expectError(
          await t.http.delete(`/admin/costs/ai_chat_message?planCode=${encodeURIComponent(payload)}`, { token: adminToken }),
          400,
          'VALIDATION_FAILED',
          `delete planCode ${payload}`,
        );
        expectError(
          await t.http.delete(`/admin/costs/ai_chat_message?userId=${encodeURIComponent(payload)}`, { token: adminToken }),
          400,
          'VALIDATION_FAILED',
          `delete userId ${payload}`,
        );
        for (const path of [`/admin/users/${encodeURIComponent(payload)}/tokens`, `/api-keys/${encodeURIComponent(payload)}`]) {
          const method = path.startsWith('/api-keys') ? 'DELETE' : 'GET';
          const response = await t.http.request(method, path, undefined, {
            token: path.startsWith('/api-keys') ? mallory.token : adminToken,
          });
          expectStatusIn(response, [400, 404], `${method} ${path}`);
        }
        const deduct = await t.http.post(
          `/admin/users/${encodeURIComponent(payload)}/tokens/deduct`,
          { amount: 1, reason: 'x' },
          { token: adminToken },
        );
        expectStatusIn(deduct, [400, 404], `deduct for ${payload}`);
        expect(await snapshot()).toEqual(snapshotBefore);
      }
      const after = await balances();
      expect(after[mallory.id]).toBe(before[mallory.id] + granted);
      expect({ ...after, [mallory.id]: 0 }).toEqual({ ...before, [mallory.id]: 0 });
      expect(await ledgerCount()).toBe(ledgerBefore + SQL_PAYLOADS.length);
      await expectTablesIntact();
    });

    it('query parameters: SQL in type, action, cursor and limit is refused or matches nothing of anyone else', async () => {
      const before = await snapshot();
      const others = new Set(
        (await t.dataSource.query('SELECT id FROM token_ledger_entries WHERE user_id <> ?', [mallory.id])).map((r: { id: string }) => r.id),
      );
      for (const payload of SQL_PAYLOADS) {
        for (const name of ['type', 'action', 'cursor', 'limit']) {
          const response = await t.http.get(`/tokens/transactions?${name}=${encodeURIComponent(payload)}`, { token: mallory.token });
          if (response.status === 200) {
            expect(response.body.items.filter((i: { id: string }) => others.has(i.id))).toEqual([]);
            // An action that is SQL matches no real action name.
            expect({ name, payload, items: response.body.items.length }).toEqual({ name, payload, items: 0 });
          } else {
            expectError(response, 400, 'VALIDATION_FAILED', `${name}=${payload}`);
          }
        }
        for (const path of [
          `/admin/tokens/integrity?limit=${encodeURIComponent(payload)}`,
          `/billing/purchases?limit=${encodeURIComponent(payload)}`,
        ]) {
          expectError(
            await t.http.get(path, { token: path.startsWith('/admin') ? adminToken : mallory.token }),
            400,
            'VALIDATION_FAILED',
            path,
          );
        }
      }
      expect(await snapshot()).toEqual(before);
      await expectTablesIntact();
    });
  });
});
