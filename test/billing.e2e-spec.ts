/**
 * Billing: token packages, checkout through the local payment provider, the signed payment
 * webhook (signature, idempotency per event and per purchase, concurrency) and purchase
 * history. Everything goes through HTTP on a real database; billing is never metered, so it
 * must work at balance 0.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PaymentProvider, type CheckoutSession } from '../src/billing/payment-provider.js';
import type { Purchase } from '../src/billing/purchase.entity.js';
import { validateEnvironment } from '../src/config/environment.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { PurchaseReversals1763700000012 } from '../src/database/migrations/1763700000012-PurchaseReversals.js';
import { MIGRATIONS } from '../src/database/migrations/index.js';
import { registerUser, spendDownTo, sqlDate, TestUser } from './support/factories.js';
import { expectLedgerConsistent } from './support/ledger-assertions.js';
import { startTestApp, TestApp } from './support/test-app.js';
import { createTestDatabase } from './support/test-database.js';

const SECRET = 'billing-test-webhook-secret-0123456789';
const WEBHOOK = '/billing/webhooks/payment';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');

interface Checkout {
  purchaseId: string;
  status: string;
  packageCode: string;
  tokens: number;
  priceCents: number;
  currency: string;
  provider: string;
  providerReference: string;
  createdAt: string;
  redirectUrl: string | null;
  completion: { method: string; webhookPath: string; body: string; event: any; signature: string } | null;
}

interface PurchaseItem {
  id: string;
  packageCode: string;
  tokens: number;
  priceCents: number;
  currency: string;
  status: string;
  tokensReversed: number;
  provider: string;
  createdAt: string;
  completedAt: string | null;
  ledgerEntryId: string | null;
}

describe('billing', () => {
  let t: TestApp;
  const users: TestUser[] = [];

  beforeAll(async () => {
    t = await startTestApp({ env: { PAYMENT_WEBHOOK_SECRET: SECRET } });
  });
  afterAll(() => t.close());

  async function newUser(): Promise<TestUser> {
    const user = await registerUser(t.http);
    users.push(user);
    return user;
  }

  async function checkout(user: TestUser, packageCode = 'tokens_1k'): Promise<Checkout> {
    const response = await t.http.post('/billing/checkout', { packageCode }, { token: user.token });
    expect(response.status).toBe(201);
    return response.body;
  }

  /** Posts an event (object or raw text); signed with the right secret unless `signature` says otherwise (null: no header). */
  function deliver(event: unknown, signature?: string | null) {
    const raw = typeof event === 'string' ? event : JSON.stringify(event);
    const headers: Record<string, string> = {};
    const value = signature === undefined ? sign(raw) : signature;
    if (value !== null) headers['x-signature'] = value;
    return t.http.post(WEBHOOK, undefined, { raw, headers });
  }

  const succeeded = (purchaseId: string, id = `evt_${randomUUID()}`) => ({ id, type: 'payment.succeeded', data: { purchaseId } });
  const failed = (purchaseId: string, id = `evt_${randomUUID()}`) => ({ id, type: 'payment.failed', data: { purchaseId } });

  async function balanceOf(user: TestUser): Promise<number> {
    const response = await t.http.get('/tokens/balance', { token: user.token });
    expect(response.status).toBe(200);
    return response.body.balance;
  }

  async function purchasesOf(user: TestUser): Promise<PurchaseItem[]> {
    const response = await t.http.get('/billing/purchases', { token: user.token });
    expect(response.status).toBe(200);
    return response.body;
  }

  async function purchaseOf(user: TestUser, purchaseId: string): Promise<PurchaseItem> {
    const purchase = (await purchasesOf(user)).find((p) => p.id === purchaseId);
    expect(purchase).toBeDefined();
    return purchase!;
  }

  async function purchaseEntries(user: TestUser): Promise<{ id: string; amount: number; metadata: any }[]> {
    const response = await t.http.get('/tokens/transactions?type=purchase&limit=100', { token: user.token });
    expect(response.status).toBe(200);
    return response.body.items;
  }

  async function eventRows(id: string): Promise<{ outcome: string }[]> {
    return t.dataSource.query('SELECT outcome FROM payment_events WHERE id = ?', [id]);
  }

  describe('GET /billing/packages', () => {
    it('is public and lists the active packages, smallest first', async () => {
      const response = await t.http.get('/billing/packages');
      expect(response.status).toBe(200);
      expect(response.body).toEqual([
        { code: 'tokens_1k', name: '1,000 tokens', tokens: 1000, priceCents: 500, currency: 'usd' },
        { code: 'tokens_10k', name: '10,000 tokens', tokens: 10000, priceCents: 2900, currency: 'usd' },
        { code: 'tokens_100k', name: '100,000 tokens', tokens: 100000, priceCents: 19900, currency: 'usd' },
      ]);
    });

    it('hides an inactive package, and checkout of it is 404', async () => {
      await t.dataSource.query('INSERT INTO token_packages (code, name, tokens, price_cents, active) VALUES (?, ?, ?, ?, ?)', [
        'tokens_retired',
        'Retired pack',
        5,
        1,
        0,
      ]);
      const list = await t.http.get('/billing/packages');
      expect(list.body.map((p: { code: string }) => p.code)).not.toContain('tokens_retired');

      const user = await newUser();
      const response = await t.http.post('/billing/checkout', { packageCode: 'tokens_retired' }, { token: user.token });
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('NOT_FOUND');
      expect(await purchasesOf(user)).toEqual([]);
    });
  });

  describe('POST /billing/checkout', () => {
    it('creates a pending purchase and returns what the client needs to complete the payment', async () => {
      const user = await newUser();
      const body = await checkout(user, 'tokens_10k');
      expect(body).toEqual({
        purchaseId: expect.stringMatching(UUID),
        status: 'pending',
        packageCode: 'tokens_10k',
        tokens: 10000,
        priceCents: 2900,
        currency: 'usd',
        provider: 'local',
        providerReference: expect.any(String),
        createdAt: expect.stringMatching(ISO),
        redirectUrl: null,
        completion: {
          method: 'POST',
          webhookPath: WEBHOOK,
          body: expect.any(String),
          event: { id: expect.any(String), type: 'payment.succeeded', data: { purchaseId: body.purchaseId } },
          signature: sign(body.completion!.body),
        },
      });
      expect(JSON.parse(body.completion!.body)).toEqual(body.completion!.event);

      expect(await purchasesOf(user)).toEqual([
        {
          id: body.purchaseId,
          packageCode: 'tokens_10k',
          tokens: 10000,
          priceCents: 2900,
          currency: 'usd',
          status: 'pending',
          tokensReversed: 0,
          provider: 'local',
          automatic: false,
          createdAt: body.createdAt,
          completedAt: null,
          ledgerEntryId: null,
        },
      ]);
      expect(await balanceOf(user)).toBe(100); // nothing credited before the payment
    });

    it('answers 401 without credentials', async () => {
      const response = await t.http.post('/billing/checkout', { packageCode: 'tokens_1k' });
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('UNAUTHENTICATED');
    });

    it('answers 404 NOT_FOUND for an unknown package', async () => {
      const user = await newUser();
      const response = await t.http.post('/billing/checkout', { packageCode: 'tokens_1m' }, { token: user.token });
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('NOT_FOUND');
    });

    it.each([
      ['no body', undefined],
      ['an empty object', {}],
      ['a number', { packageCode: 1000 }],
      ['a blank code', { packageCode: '  ' }],
      ['a too long code', { packageCode: 'x'.repeat(33) }],
      ['an unknown property', { packageCode: 'tokens_1k', quantity: 2 }],
      ['an array', [{ packageCode: 'tokens_1k' }]],
    ])('answers 400 VALIDATION_FAILED for %s', async (_, body) => {
      const user = await newUser();
      const response = await t.http.post('/billing/checkout', body, { token: user.token });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(await purchasesOf(user)).toEqual([]);
    });

    it('answers 400, not 500, for a body that is not JSON', async () => {
      const user = await newUser();
      const response = await t.http.post('/billing/checkout', undefined, { token: user.token, raw: '{"packageCode":' });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('completing a payment', () => {
    it('credits the package once the signed event arrives: balance, ledger entry and purchase agree', async () => {
      const user = await newUser();
      const session = await checkout(user, 'tokens_1k');
      const before = await balanceOf(user);

      const { completion } = session;
      const response = await t.http.post(completion!.webhookPath, undefined, {
        raw: completion!.body,
        headers: { 'x-signature': completion!.signature },
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ received: true, outcome: 'credited' });

      expect(await balanceOf(user)).toBe(before + 1000);
      const entries = await purchaseEntries(user);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ amount: 1000, metadata: { purchaseId: session.purchaseId, packageCode: 'tokens_1k' } });

      const purchase = await purchaseOf(user, session.purchaseId);
      expect(purchase).toMatchObject({ status: 'paid', ledgerEntryId: entries[0].id, completedAt: expect.stringMatching(ISO) });
      expect(await eventRows(completion!.event.id)).toEqual([{ outcome: 'credited' }]);
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it('accepts an event the test signs itself, and ignores properties it does not need', async () => {
      const user = await newUser();
      const session = await checkout(user, 'tokens_1k');
      const event = {
        ...succeeded(session.purchaseId),
        created: 1767225600,
        livemode: false,
        data: { purchaseId: session.purchaseId, amount: 500 },
      };
      const response = await deliver(event);
      expect(response.status).toBe(200);
      expect(response.body.outcome).toBe('credited');
      expect(await balanceOf(user)).toBe(1100);
    });

    it('accepts the signature in upper-case hex', async () => {
      const user = await newUser();
      const session = await checkout(user);
      const raw = JSON.stringify(succeeded(session.purchaseId));
      const response = await deliver(raw, sign(raw).toUpperCase());
      expect(response.status).toBe(200);
      expect(response.body.outcome).toBe('credited');
    });
  });

  describe('webhook signature', () => {
    let user: TestUser;
    let session: Checkout;

    beforeAll(async () => {
      user = await newUser();
      session = await checkout(user);
    });

    const otherBody = (purchaseId: string) => JSON.stringify(succeeded(purchaseId));

    const cases: [string, (purchaseId: string, raw: string) => string | null][] = [
      ['no X-Signature header', () => null],
      ['an empty X-Signature', () => ''],
      ['a random signature', () => randomBytes(32).toString('hex')],
      ['a signature of another body', (purchaseId: string) => sign(otherBody(purchaseId))],
      ['a signature made with another secret', (purchaseId: string, raw: string) => sign(raw, `${SECRET}-other`)],
      ['a truncated signature', (purchaseId: string, raw: string) => sign(raw).slice(0, 63)],
      ['a signature with a prefix', (purchaseId: string, raw: string) => `sha256=${sign(raw)}`],
      ['a signature that is not hex', () => 'z'.repeat(64)],
      ['the base64 form of the right signature', (purchaseId: string, raw: string) => Buffer.from(sign(raw), 'hex').toString('base64')],
    ];

    it.each(cases)('answers 401 UNAUTHENTICATED for %s and changes nothing', async (_, signatureFor) => {
      const event = succeeded(session.purchaseId);
      const raw = JSON.stringify(event);
      const before = await balanceOf(user);
      const response = await deliver(raw, signatureFor(session.purchaseId, raw));
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('UNAUTHENTICATED');

      expect(await balanceOf(user)).toBe(before);
      expect((await purchaseOf(user, session.purchaseId)).status).toBe('pending');
      expect(await eventRows(event.id)).toEqual([]);
    });

    it('rejects a body changed after signing (the signature covers the raw bytes)', async () => {
      const raw = JSON.stringify(succeeded(session.purchaseId));
      const respaced = raw.replace('"type":', '"type": ');
      const response = await deliver(respaced, sign(raw));
      expect(response.status).toBe(401);
      expect((await purchaseOf(user, session.purchaseId)).status).toBe('pending');
    });

    it('checks the signature before the body: an unsigned malformed event is 401, not 400', async () => {
      for (const body of [{}, { id: 1 }, [], { id: 'evt_x', type: 'payment.refunded', data: {} }]) {
        const response = await deliver(body, null);
        expect(response.status).toBe(401);
      }
      const response = await deliver({ nonsense: true }, randomBytes(32).toString('hex'));
      expect(response.status).toBe(401);
    });

    it('is still pending and completes with the right signature afterwards', async () => {
      const response = await deliver(succeeded(session.purchaseId));
      expect(response.body).toEqual({ received: true, outcome: 'credited' });
      expect(await balanceOf(user)).toBe(1100);
      await expectLedgerConsistent(t.dataSource, user.id);
    });
  });

  describe('malformed events with a valid signature', () => {
    const purchaseId = randomUUID();

    it.each([
      ['an empty object', {}],
      ['an array', [succeeded(purchaseId)]],
      ['a string', 'payment.succeeded'],
      ['null', null],
      ['a number', 42],
      ['a missing id', { type: 'payment.succeeded', data: { purchaseId } }],
      ['an empty id', { id: '', type: 'payment.succeeded', data: { purchaseId } }],
      ['a numeric id', { id: 123, type: 'payment.succeeded', data: { purchaseId } }],
      ['an id with spaces', { id: 'evt 1', type: 'payment.succeeded', data: { purchaseId } }],
      ['a too long id', { id: 'e'.repeat(256), type: 'payment.succeeded', data: { purchaseId } }],
      ['an unknown type', { id: 'evt_refund', type: 'payment.refunded', data: { purchaseId } }],
      ['a missing type', { id: 'evt_no_type', data: { purchaseId } }],
      ['missing data', { id: 'evt_no_data', type: 'payment.succeeded' }],
      ['data that is a string', { id: 'evt_string_data', type: 'payment.succeeded', data: purchaseId }],
      ['data that is an array', { id: 'evt_array_data', type: 'payment.succeeded', data: [purchaseId] }],
      ['a purchaseId that is not a UUID', { id: 'evt_bad_purchase', type: 'payment.succeeded', data: { purchaseId: 'purchase-1' } }],
      ['a missing purchaseId', { id: 'evt_no_purchase', type: 'payment.succeeded', data: {} }],
    ])('answers 400 VALIDATION_FAILED for %s', async (_, event) => {
      const raw = JSON.stringify(event);
      const response = await deliver(raw, sign(raw));
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', details: expect.any(Array) });
    });

    it('answers 400, not 500, for a signed body that is not JSON', async () => {
      const raw = '{"id":"evt_broken",';
      const response = await deliver(raw, sign(raw));
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });

    it('answers 415 for a body that is not declared as JSON', async () => {
      const raw = JSON.stringify(succeeded(purchaseId));
      const response = await t.http.post(WEBHOOK, undefined, { raw, headers: { 'x-signature': sign(raw), 'content-type': 'text/plain' } });
      expect(response.status).toBe(415);
    });

    it('recorded none of them', async () => {
      const [row] = await t.dataSource.query('SELECT COUNT(*) AS n FROM payment_events WHERE purchase_id = ?', [purchaseId]);
      expect(Number(row.n)).toBe(0);
    });
  });

  describe('idempotency', () => {
    it('credits once when the same event is delivered twice', async () => {
      const user = await newUser();
      const session = await checkout(user);
      const event = succeeded(session.purchaseId);

      expect((await deliver(event)).body).toEqual({ received: true, outcome: 'credited' });
      const again = await deliver(event);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ received: true, outcome: 'duplicate' });

      expect(await balanceOf(user)).toBe(1100);
      expect(await purchaseEntries(user)).toHaveLength(1);
      expect(await eventRows(event.id)).toEqual([{ outcome: 'credited' }]);
    });

    it('credits once when the same event is delivered 10 times at the same moment', async () => {
      const user = await newUser();
      const session = await checkout(user, 'tokens_10k');
      const event = succeeded(session.purchaseId);

      const responses = await Promise.all(Array.from({ length: 10 }, () => deliver(event)));
      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
      const outcomes = responses.map((r) => r.body.outcome).sort();
      expect(outcomes).toEqual(['credited', ...Array(9).fill('duplicate')]);

      expect(await balanceOf(user)).toBe(100 + 10000);
      const entries = await purchaseEntries(user);
      expect(entries).toHaveLength(1);
      expect((await purchaseOf(user, session.purchaseId)).ledgerEntryId).toBe(entries[0].id);
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it('credits once when two different events report the same payment, one after the other', async () => {
      const user = await newUser();
      const session = await checkout(user);
      expect((await deliver(succeeded(session.purchaseId))).body.outcome).toBe('credited');
      const second = succeeded(session.purchaseId);
      expect((await deliver(second)).body.outcome).toBe('ignored');
      expect(await eventRows(second.id)).toEqual([{ outcome: 'ignored' }]);
      expect(await balanceOf(user)).toBe(1100);
      expect(await purchaseEntries(user)).toHaveLength(1);
    });

    it('credits once when different events for the same purchase arrive concurrently', async () => {
      const user = await newUser();
      const session = await checkout(user);
      const events = Array.from({ length: 6 }, () => succeeded(session.purchaseId));
      // Each event twice: duplicates and distinct ids race together.
      const responses = await Promise.all([...events, ...events].map((event) => deliver(event)));
      expect(responses.map((r) => r.status)).toEqual(Array(12).fill(200));
      const outcomes = responses.map((r) => r.body.outcome);
      expect(outcomes.filter((o) => o === 'credited')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(6);
      expect(outcomes.filter((o) => o === 'ignored')).toHaveLength(5);

      expect(await balanceOf(user)).toBe(1100);
      expect(await purchaseEntries(user)).toHaveLength(1);
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it('keeps concurrent purchases of one user apart: each is credited once', async () => {
      const user = await newUser();
      const sessions = await Promise.all([checkout(user), checkout(user, 'tokens_10k'), checkout(user)]);
      const responses = await Promise.all(
        sessions.flatMap((s) => [deliver(s.completion!.body, s.completion!.signature), deliver(succeeded(s.purchaseId))]),
      );
      expect(responses.every((r) => r.status === 200)).toBe(true);
      expect(responses.filter((r) => r.body.outcome === 'credited')).toHaveLength(3);
      expect(await balanceOf(user)).toBe(100 + 1000 + 10000 + 1000);
      expect(await purchaseEntries(user)).toHaveLength(3);
      await expectLedgerConsistent(t.dataSource, user.id);
    });
  });

  describe('failed and unknown payments', () => {
    it('payment.failed marks the purchase failed and credits nothing; a later success credits it, once', async () => {
      const user = await newUser();
      const session = await checkout(user);

      const failure = await deliver(failed(session.purchaseId));
      expect(failure.status).toBe(200);
      expect(failure.body).toEqual({ received: true, outcome: 'failed' });
      expect(await purchaseOf(user, session.purchaseId)).toMatchObject({
        status: 'failed',
        completedAt: expect.stringMatching(ISO),
        ledgerEntryId: null,
      });
      expect(await balanceOf(user)).toBe(100);
      expect(await purchaseEntries(user)).toEqual([]);

      // The money was taken after all (a retried card, a late bank answer): the buyer gets the tokens.
      const late = await deliver(session.completion!.body, session.completion!.signature);
      expect(late.status).toBe(200);
      expect(late.body.outcome).toBe('credited');
      const entries = await purchaseEntries(user);
      expect(entries).toHaveLength(1);
      expect(await purchaseOf(user, session.purchaseId)).toMatchObject({ status: 'paid', ledgerEntryId: entries[0].id });
      expect(await balanceOf(user)).toBe(1100);

      expect((await deliver(session.completion!.body, session.completion!.signature)).body.outcome).toBe('duplicate');
      expect((await deliver(succeeded(session.purchaseId))).body.outcome).toBe('ignored');
      expect(await balanceOf(user)).toBe(1100);
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it('a failure reported after the payment succeeded changes nothing, and is recorded', async () => {
      const user = await newUser();
      const session = await checkout(user);
      expect((await deliver(succeeded(session.purchaseId))).body.outcome).toBe('credited');
      const paid = await purchaseOf(user, session.purchaseId);
      const failure = failed(session.purchaseId);
      const response = await deliver(failure);
      expect(response.body.outcome).toBe('ignored');
      expect(await eventRows(failure.id)).toEqual([{ outcome: 'ignored' }]);
      expect(await purchaseOf(user, session.purchaseId)).toEqual(paid);
      expect(await balanceOf(user)).toBe(1100);
      expect(await purchaseEntries(user)).toHaveLength(1);
    });

    it('answers 200 unknown_purchase for a purchase that does not exist, and records the event', async () => {
      const event = succeeded(randomUUID());
      const response = await deliver(event);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ received: true, outcome: 'unknown_purchase' });
      expect(await eventRows(event.id)).toEqual([{ outcome: 'unknown_purchase' }]);
      expect((await deliver(event)).body.outcome).toBe('duplicate');
    });
  });

  describe('exactly once, whatever the order of events', () => {
    type Step = 'succeeded' | 'failed';
    /** Every sequence of 1 to 4 events, each a new event id. */
    const sequences: Step[][] = [];
    for (let length = 1; length <= 4; length++) {
      for (let bits = 0; bits < 2 ** length; bits++)
        sequences.push(Array.from({ length }, (_, i) => ((bits >> i) & 1 ? 'succeeded' : 'failed')));
    }

    /** What each event must answer: a success credits a pending or failed purchase, a failure fails a pending one. */
    function expectedOutcomes(steps: Step[]): string[] {
      let status = 'pending';
      return steps.map((step) => {
        if (step === 'succeeded' && status !== 'paid') return ((status = 'paid'), 'credited');
        if (step === 'failed' && status === 'pending') return ((status = 'failed'), 'failed');
        return 'ignored';
      });
    }

    it(`credits once, and only after a success, for each of the ${sequences.length} sequences of up to 4 events, each delivered twice`, async () => {
      const user = await newUser();
      let expectedBalance = 100;
      for (const steps of sequences) {
        const session = await checkout(user);
        const events = steps.map((step) => (step === 'succeeded' ? succeeded(session.purchaseId) : failed(session.purchaseId)));
        const outcomes: string[] = [];
        for (const event of events) {
          const response = await deliver(event);
          expect(response.status).toBe(200);
          outcomes.push(response.body.outcome);
          // A redelivery of the same event right away changes nothing.
          expect((await deliver(event)).body.outcome).toBe('duplicate');
        }
        const paid = steps.includes('succeeded');
        expect({ steps, outcomes }).toEqual({ steps, outcomes: expectedOutcomes(steps) });
        for (const [i, event] of events.entries()) expect(await eventRows(event.id)).toEqual([{ outcome: outcomes[i] }]);
        // And all of them again, later: still nothing.
        for (const event of events) expect((await deliver(event)).body.outcome).toBe('duplicate');

        const entries = (await purchaseEntries(user)).filter((e) => e.metadata?.purchaseId === session.purchaseId);
        expect({ steps, credits: entries.length }).toEqual({ steps, credits: paid ? 1 : 0 });
        const purchase = await purchaseOf(user, session.purchaseId);
        expect({ steps, status: purchase.status, ledgerEntryId: purchase.ledgerEntryId }).toEqual({
          steps,
          status: paid ? 'paid' : 'failed',
          ledgerEntryId: paid ? entries[0].id : null,
        });
        if (paid) expectedBalance += 1000;
        expect(await balanceOf(user)).toBe(expectedBalance);
      }
      await expectLedgerConsistent(t.dataSource, user.id);
    });

    it.each([
      ['pending', false],
      ['already failed', true],
    ])('credits once when 10 different failure and success events for a %s purchase arrive at the same moment', async (_, failFirst) => {
      const user = await newUser();
      for (let round = 0; round < 3; round++) {
        const session = await checkout(user);
        if (failFirst) expect((await deliver(failed(session.purchaseId))).body.outcome).toBe('failed');
        const events = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? failed(session.purchaseId) : succeeded(session.purchaseId)));
        // Half of them delivered twice: duplicates race with distinct ids.
        const responses = await Promise.all([...events, ...events.slice(0, 5)].map((event) => deliver(event)));
        expect(responses.map((r) => r.status)).toEqual(Array(15).fill(200));
        const outcomes = responses.map((r) => r.body.outcome as string);
        expect(outcomes.filter((o) => o === 'credited')).toHaveLength(1);
        expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(5);
        // A failure can only win while the purchase is still pending, before the success.
        expect(outcomes.filter((o) => o === 'failed').length).toBeLessThanOrEqual(failFirst ? 0 : 1);
        expect(outcomes.every((o) => ['credited', 'failed', 'ignored', 'duplicate'].includes(o))).toBe(true);

        const entries = (await purchaseEntries(user)).filter((e) => e.metadata?.purchaseId === session.purchaseId);
        expect(entries).toHaveLength(1);
        expect(await purchaseOf(user, session.purchaseId)).toMatchObject({ status: 'paid', ledgerEntryId: entries[0].id });
        const [row] = await t.dataSource.query('SELECT COUNT(*) AS n FROM payment_events WHERE purchase_id = ?', [session.purchaseId]);
        expect(Number(row.n)).toBe(10 + (failFirst ? 1 : 0));
      }
      expect(await balanceOf(user)).toBe(100 + 3 * 1000);
      expect(await purchaseEntries(user)).toHaveLength(3);
      await expectLedgerConsistent(t.dataSource, user.id);
    });
  });

  describe('POST /billing/webhooks/stripe without Stripe', () => {
    it('answers 404 NOT_FOUND when PAYMENT_PROVIDER is not stripe, and records nothing', async () => {
      const user = await newUser();
      const session = await checkout(user);
      const event = {
        id: `evt_${randomUUID()}`,
        object: 'event',
        type: 'checkout.session.completed',
        data: { object: { object: 'checkout.session', payment_status: 'paid', metadata: { purchaseId: session.purchaseId } } },
      };
      for (const headers of [
        {} as Record<string, string>,
        { 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'a'.repeat(64)}` },
      ]) {
        const response = await t.http.post('/billing/webhooks/stripe', event, { headers });
        expect(response.status).toBe(404);
        expect(response.body).toEqual({
          statusCode: 404,
          code: 'NOT_FOUND',
          message: expect.stringContaining('PAYMENT_PROVIDER'),
          requestId: expect.any(String),
        });
      }
      expect(await eventRows(event.id)).toEqual([]);
      expect((await purchaseOf(user, session.purchaseId)).status).toBe('pending');
    });
  });

  describe('GET /billing/purchases', () => {
    it("lists only the caller's purchases, newest first", async () => {
      const alice = await newUser();
      const bob = await newUser();
      const first = await checkout(alice);
      const second = await checkout(alice, 'tokens_100k');
      const bobs = await checkout(bob, 'tokens_10k');
      await deliver(succeeded(first.purchaseId));

      const mine = await purchasesOf(alice);
      expect(mine.map((p) => p.id)).toEqual([second.purchaseId, first.purchaseId]);
      expect(mine.map((p) => p.status)).toEqual(['pending', 'paid']);
      const theirs = await purchasesOf(bob);
      expect(theirs.map((p) => p.id)).toEqual([bobs.purchaseId]);

      // Bob paying does not show up for Alice either.
      await deliver(succeeded(bobs.purchaseId));
      expect((await purchasesOf(alice)).map((p) => p.id)).not.toContain(bobs.purchaseId);
      expect(await balanceOf(alice)).toBe(1100);
      expect(await balanceOf(bob)).toBe(10100);
    });

    it('honours limit and rejects a bad one with 400', async () => {
      const user = await newUser();
      await checkout(user);
      await checkout(user);
      const limited = await t.http.get('/billing/purchases?limit=1', { token: user.token });
      expect(limited.status).toBe(200);
      expect(limited.body).toHaveLength(1);
      for (const limit of ['0', '101', 'abc', '1.5']) {
        const response = await t.http.get(`/billing/purchases?limit=${limit}`, { token: user.token });
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('VALIDATION_FAILED');
      }
    });

    it('answers 401 without credentials', async () => {
      const response = await t.http.get('/billing/purchases');
      expect(response.status).toBe(401);
    });
  });

  it('works at balance 0: packages, checkout, payment and history are never metered', async () => {
    const user = await newUser();
    await spendDownTo(t.http, user, 0);
    expect(await balanceOf(user)).toBe(0);
    const refused = await t.http.post('/services/chat', { message: 'hi' }, { token: user.token });
    expect(refused.status).toBe(402);

    expect((await t.http.get('/billing/packages', { token: user.token })).status).toBe(200);
    const session = await checkout(user);
    expect((await purchasesOf(user))[0]).toMatchObject({ id: session.purchaseId, status: 'pending' });
    const paid = await deliver(session.completion!.body, session.completion!.signature);
    expect(paid.body.outcome).toBe('credited');
    expect(await balanceOf(user)).toBe(1000);

    const chat = await t.http.post('/services/chat', { message: 'hi' }, { token: user.token });
    expect(chat.status).toBe(201);
    expect(chat.headers.get('x-tokens-remaining')).toBe('999');
    await expectLedgerConsistent(t.dataSource, user.id);
  });

  it('documents every billing route in the OpenAPI document', async () => {
    const openapi = (await t.http.get('/docs-json')).body;
    const operation = (path: string, method: string) => openapi.paths[path]?.[method];
    expect(Object.keys(operation('/billing/packages', 'get').responses)).toContain('200');
    expect(Object.keys(operation('/billing/checkout', 'post').responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '404', '502', '503']),
    );
    expect(operation('/billing/checkout', 'post').responses['503'].description).toMatch(/PAYMENTS_UNAVAILABLE/);
    expect(Object.keys(operation('/billing/purchases', 'get').responses)).toEqual(expect.arrayContaining(['200', '401']));
    const webhook = operation(WEBHOOK, 'post');
    expect(Object.keys(webhook.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
    expect(webhook.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'X-Signature', in: 'header', required: true })]),
    );
    expect(webhook.requestBody.content['application/json'].schema).toEqual({ $ref: expect.stringMatching(/PaymentEventDto$/) });
    const stripe = operation('/billing/webhooks/stripe', 'post');
    expect(Object.keys(stripe.responses)).toEqual(expect.arrayContaining(['200', '400', '404']));
    expect(stripe.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'Stripe-Signature', in: 'header', required: true })]),
    );
    expect(stripe.security ?? []).toEqual([]);
    expect(stripe.requestBody.content['application/json'].schema).toEqual({ $ref: expect.stringMatching(/StripeEventDto$/) });
    for (const [path, method] of [
      ['/billing/packages', 'get'],
      ['/billing/checkout', 'post'],
      [WEBHOOK, 'post'],
      ['/billing/webhooks/stripe', 'post'],
      ['/billing/purchases', 'get'],
    ]) {
      expect(operation(path, method).tags).toEqual(['billing']);
    }
  });

  it('leaves every ledger consistent', async () => {
    expect(users.length).toBeGreaterThan(0);
    for (const user of users) await expectLedgerConsistent(t.dataSource, user.id);
  });
});

describe('billing configuration and payment providers', () => {
  it('requires PAYMENT_WEBHOOK_SECRET in production, with a message naming it', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) };
    expect(() => validateEnvironment(production)).toThrow(
      /\bPAYMENT_WEBHOOK_SECRET: .*PAYMENT_WEBHOOK_SECRET is required when NODE_ENV=production/,
    );
    expect(() => validateEnvironment({ ...production, PAYMENT_WEBHOOK_SECRET: 'short' })).toThrow(
      /PAYMENT_WEBHOOK_SECRET is shorter than 32 characters, which is refused when NODE_ENV=production/,
    );
    expect(validateEnvironment({ ...production, PAYMENT_WEBHOOK_SECRET: SECRET }).PAYMENT_WEBHOOK_SECRET).toBe(SECRET);
    expect(validateEnvironment({}).PAYMENT_WEBHOOK_SECRET).toBeUndefined();
  });

  it('without a secret outside production, signs with a random per-process secret nobody can guess', async () => {
    const t = await startTestApp();
    try {
      const user = await registerUser(t.http);
      const session = (await t.http.post('/billing/checkout', { packageCode: 'tokens_1k' }, { token: user.token })).body as Checkout;
      const raw = session.completion!.body;
      for (const guess of ['', 'change-me', SECRET]) {
        const forged = await t.http.post(WEBHOOK, undefined, { raw, headers: { 'x-signature': sign(raw, guess) } });
        expect(forged.status).toBe(401);
      }
      const paid = await t.http.post(WEBHOOK, undefined, { raw, headers: { 'x-signature': session.completion!.signature } });
      expect(paid.body).toEqual({ received: true, outcome: 'credited' });
      await expectLedgerConsistent(t.dataSource, user.id);
    } finally {
      await t.close();
    }
  });

  it('refuses to start with PAYMENT_PROVIDER=local in production, naming the variable', async () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), PAYMENT_WEBHOOK_SECRET: SECRET };
    expect(() => validateEnvironment({ ...production, PAYMENT_PROVIDER: 'local' })).toThrow(
      /\bPAYMENT_PROVIDER: PAYMENT_PROVIDER=local is refused when NODE_ENV=production/,
    );
    await expect(startTestApp({ env: { ...production, PAYMENT_PROVIDER: 'local' } })).rejects.toThrow(/PAYMENT_PROVIDER/);
    expect(validateEnvironment({ ...production }).PAYMENT_PROVIDER).toBeUndefined();
    expect(validateEnvironment({ PAYMENT_PROVIDER: 'local' }).PAYMENT_PROVIDER).toBe('local');
  });

  it('without PAYMENT_PROVIDER: packages are listed, checkout answers 503 PAYMENTS_UNAVAILABLE and writes nothing', async () => {
    const t = await startTestApp({ env: { PAYMENT_WEBHOOK_SECRET: SECRET, PAYMENT_PROVIDER: '' } });
    try {
      const packages = await t.http.get('/billing/packages');
      expect(packages.status).toBe(200);
      expect(packages.body.map((p: { code: string }) => p.code)).toEqual(['tokens_1k', 'tokens_10k', 'tokens_100k']);

      const user = await registerUser(t.http);
      for (const packageCode of ['tokens_1k', 'tokens_100k', 'no_such_package']) {
        const response = await t.http.post('/billing/checkout', { packageCode }, { token: user.token });
        expect(response.status).toBe(503);
        expect(response.body).toEqual({
          statusCode: 503,
          code: 'PAYMENTS_UNAVAILABLE',
          message: expect.stringContaining('PAYMENT_PROVIDER'),
          requestId: expect.any(String),
        });
      }
      // Bad input is still a 400, and anonymous callers still a 401.
      expect((await t.http.post('/billing/checkout', { packageCode: 1 }, { token: user.token })).status).toBe(400);
      expect((await t.http.post('/billing/checkout', { packageCode: 'tokens_1k' })).status).toBe(401);

      const [purchases] = await t.dataSource.query('SELECT COUNT(*) AS n FROM purchases');
      expect(Number(purchases.n)).toBe(0);
      expect((await t.http.get('/billing/purchases', { token: user.token })).body).toEqual([]);
      expect((await t.http.post('/billing/webhooks/stripe', { id: 'evt_1', type: 'checkout.session.completed' })).status).toBe(404);
      const raw = JSON.stringify({ id: 'evt_2', type: 'payment.succeeded', data: { purchaseId: randomUUID() } });
      const generic = await t.http.post(WEBHOOK, undefined, { raw, headers: { 'x-signature': sign(raw) } });
      expect(generic.status).toBe(404);
      expect(generic.body.message).toContain('PAYMENT_PROVIDER=(unset)');
      expect(await t.http.get('/tokens/balance', { token: user.token })).toMatchObject({ body: { balance: 100 } });
      await expectLedgerConsistent(t.dataSource, user.id);
    } finally {
      await t.close();
    }
  });

  it('uses the bound PaymentProvider: a hosted payment page is passed on, a provider failure is a 502 and fails the purchase', async () => {
    class HostedPaymentProvider extends PaymentProvider {
      readonly name = 'hosted';
      down = false;
      async createCheckout(purchase: Purchase): Promise<CheckoutSession> {
        if (this.down) throw new Error('connect ECONNREFUSED');
        return { providerReference: `cs_${purchase.id}`, redirectUrl: `https://pay.example/cs_${purchase.id}` };
      }
    }
    const provider = new HostedPaymentProvider();
    const t = await startTestApp({
      env: { PAYMENT_WEBHOOK_SECRET: SECRET },
      override: (builder) => builder.overrideProvider(PaymentProvider).useValue(provider),
    });
    try {
      const user = await registerUser(t.http);
      const started = await t.http.post('/billing/checkout', { packageCode: 'tokens_1k' }, { token: user.token });
      expect(started.status).toBe(201);
      expect(started.body).toMatchObject({
        status: 'pending',
        provider: 'hosted',
        providerReference: `cs_${started.body.purchaseId}`,
        redirectUrl: `https://pay.example/cs_${started.body.purchaseId}`,
        completion: null,
      });

      provider.down = true;
      const refused = await t.http.post('/billing/checkout', { packageCode: 'tokens_10k' }, { token: user.token });
      expect(refused.status).toBe(502);
      expect(refused.body.code).toBe('SERVICE_FAILED');

      const purchases = (await t.http.get('/billing/purchases', { token: user.token })).body as PurchaseItem[];
      expect(purchases.map((p) => [p.packageCode, p.status, p.provider])).toEqual([
        ['tokens_10k', 'failed', 'hosted'],
        ['tokens_1k', 'pending', 'hosted'],
      ]);
      // Its events do not come through the signed webhook: that route is the local provider's only.
      const raw = JSON.stringify({ id: `evt_${randomUUID()}`, type: 'payment.succeeded', data: { purchaseId: started.body.purchaseId } });
      expect((await t.http.post(WEBHOOK, undefined, { raw, headers: { 'x-signature': sign(raw) } })).status).toBe(404);
      expect((await t.http.get('/tokens/balance', { token: user.token })).body.balance).toBe(100);
    } finally {
      await t.close();
    }
  });
});

describe('the upgrade that adds refunds and disputes', () => {
  it('keeps every purchase and its status, and prices the packages and purchases in usd', async () => {
    const database = await createTestDatabase();
    const upgrade = MIGRATIONS.indexOf(PurchaseReversals1763700000012);
    const before = new DataSource({
      ...dataSourceOptions({ SQLITE_PATH: 'unused', MIGRATIONS_RUN: false, ...database.env }),
      migrations: MIGRATIONS.slice(0, upgrade),
    });
    const purchases = [
      { id: randomUUID(), status: 'paid' },
      { id: randomUUID(), status: 'failed' },
      { id: randomUUID(), status: 'pending' },
    ];
    let t: TestApp | undefined;
    try {
      await before.initialize();
      await before.runMigrations();
      for (const { id, status } of purchases) {
        await before.query(
          'INSERT INTO purchases (id, user_id, package_code, tokens, price_cents, status, provider, provider_reference, ledger_entry_id, created_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [id, randomUUID(), 'tokens_1k', 1000, 500, status, 'stripe', `cs_test_${id}`, null, sqlDate(new Date()), null],
        );
      }
      await before.destroy();

      t = await startTestApp({ database });
      const rows = await t.dataSource.query(
        'SELECT id, status, currency, payment_intent_id, tokens_reversed, tokens_disputed, dispute_status FROM purchases',
      );
      expect(
        rows.map((r: Record<string, unknown>) => ({
          ...r,
          tokens_reversed: Number(r.tokens_reversed),
          tokens_disputed: Number(r.tokens_disputed),
        })),
      ).toEqual(
        expect.arrayContaining(
          purchases.map(({ id, status }) => ({
            id,
            status,
            currency: 'usd',
            payment_intent_id: null,
            tokens_reversed: 0,
            tokens_disputed: 0,
            dispute_status: 'none',
          })),
        ),
      );
      expect(rows).toHaveLength(3);
      const packages = await t.dataSource.query('SELECT DISTINCT currency FROM token_packages');
      expect(packages).toEqual([{ currency: 'usd' }]);
    } finally {
      if (before.isInitialized) await before.destroy();
      if (t) await t.close();
      else await database.drop();
    }
  });
});
