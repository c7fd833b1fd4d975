/**
 * Usage per day (TokenUsage) against the ledger it is derived from: an account charged, refunded,
 * held and settled, held and released at random moments over two weeks of a fake clock; after each
 * day its report (per action and per model) and its spend of the last 7 days equal what the ledger's
 * rows add up to, summed here row by row. What is older than an hour comes from the rollup, which
 * the ledger rebuilds when its rows are deleted.
 */
import { randomUUID } from 'node:crypto';
import { TransactionRunner } from '@token-metering/database';
import { LedgerEntryType } from '../../src/entities/token-ledger-entry.entity.js';
import { type Charge, type Hold, TokenLedger, TransactionalPostings } from '../../src/ledger/token-ledger.js';
import { TokenUsage, type UsageGrouping, type UsageReport } from '../../src/usage/token-usage.service.js';
import { FakeClock } from '../support/fake-clock.js';
import { TEST_DB } from '../support/test-database.js';
import { startTokensModule, type TokensTestModule } from '../support/tokens-test-module.js';

const DAY = 24 * 3600 * 1000;
const dayOf = (time: Date) => time.toISOString().slice(0, 10);

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Row {
  id: string;
  type: string;
  action: string | null;
  amount: number;
  model: string | null;
  refundOf: string | null;
  createdAt: Date;
}

describe(`usage per day from the ledger (${TEST_DB})`, () => {
  let t: TokensTestModule;
  let ledger: TokenLedger;
  let usage: TokenUsage;
  const clock = new FakeClock();

  beforeAll(async () => {
    t = await startTokensModule({ clock, tokens: { holdTtlSeconds: 30 * 24 * 3600 } });
    ledger = t.app.get(TokenLedger);
    usage = t.app.get(TokenUsage);
  });
  afterAll(() => t.close());

  async function ledgerRows(payerId: string): Promise<Row[]> {
    const rows = await t.dataSource.query<Array<Record<string, unknown>>>(
      'SELECT id, type, action, amount, metadata, created_at FROM token_ledger_entries WHERE user_id = ? ORDER BY seq',
      [payerId],
    );
    return rows.map((row) => {
      const metadata = (row.metadata ? JSON.parse(String(row.metadata)) : {}) as { model?: string; refundOf?: string };
      const created = row.created_at instanceof Date ? row.created_at : new Date(`${String(row.created_at).replace(' ', 'T')}Z`);
      return {
        id: String(row.id),
        type: String(row.type),
        action: (row.action as string | null) ?? null,
        amount: Number(row.amount),
        model: metadata.model ?? null,
        refundOf: metadata.refundOf ?? null,
        createdAt: created,
      };
    });
  }

  /** What the report must say, summed from the ledger's rows one by one. */
  function expectedReport(rows: Row[], from: string, to: string, groupBy: UsageGrouping): Pick<UsageReport, 'series' | 'totals'> {
    const byId = new Map(rows.map((row) => [row.id, row]));
    const days: string[] = [];
    for (let day = from; day <= to; day = dayOf(new Date(Date.parse(day) + DAY))) days.push(day);
    const figures = new Map<string, Map<string, { tokens: number; requests: number }>>();
    for (const row of rows) {
      const day = dayOf(row.createdAt);
      if ((row.type !== 'usage' && row.type !== 'refund') || day < from || day > to) continue;
      const model = row.model ?? (row.refundOf ? (byId.get(row.refundOf)?.model ?? null) : null);
      const key = groupBy === 'model' ? (model ?? row.action ?? 'other') : (row.action ?? 'other');
      const perDay = figures.get(key) ?? new Map();
      figures.set(key, perDay);
      const current = perDay.get(day) ?? { tokens: 0, requests: 0 };
      perDay.set(day, { tokens: current.tokens - row.amount, requests: current.requests + (row.type === 'usage' ? 1 : -1) });
    }
    const series = [...figures]
      .map(([key, perDay]) => {
        const points = days.map((day) => ({ start: new Date(`${day}T00:00:00.000Z`), ...(perDay.get(day) ?? { tokens: 0, requests: 0 }) }));
        const total = points.reduce((sum, p) => ({ tokens: sum.tokens + p.tokens, requests: sum.requests + p.requests }), {
          tokens: 0,
          requests: 0,
        });
        return { key, points, total };
      })
      .filter((one) => one.points.some((p) => p.tokens !== 0 || p.requests !== 0))
      .sort((a, b) => b.total.tokens - a.total.tokens || (a.key < b.key ? -1 : 1));
    const totals = series.reduce((sum, one) => ({ tokens: sum.tokens + one.total.tokens, requests: sum.requests + one.total.requests }), {
      tokens: 0,
      requests: 0,
    });
    return { series, totals };
  }

  async function expectRecentSpend(payerId: string): Promise<void> {
    const now = clock.now().getTime();
    const lastWeek = (await ledgerRows(payerId)).filter(
      (row) => (row.type === 'usage' || row.type === 'refund') && row.createdAt.getTime() > now - 7 * DAY && row.createdAt.getTime() <= now,
    );
    expect(await usage.recentSpend(payerId)).toBe(0 - lastWeek.reduce((sum, row) => sum + row.amount, 0));
  }

  it('equals the sum of the ledger rows, day after day, from the rollup or the ledger, per action and per model', async () => {
    const payerId = randomUUID();
    const next = random(20261206);
    const pick = <T>(choices: T[]) => choices[Math.floor(next() * choices.length)];
    const charges: Charge[] = [];
    const openHolds: Hold[] = [];
    const firstDay = dayOf(clock.now());
    await ledger.ensureAccount(payerId);
    const postings = t.app.get(TransactionalPostings);
    await t.app.get(TransactionRunner).run((em) => postings.post(em, { payerId, type: LedgerEntryType.AdminGrant, amount: 100_000 }));

    for (let day = 0; day < 14; day++) {
      for (let step = 0; step < 12; step++) {
        clock.advance(Math.floor(next() * 4 * 3600 * 1000));
        const requestId = randomUUID();
        const roll = next();
        if (roll < 0.4) {
          const model = pick(['m-small', 'm-large', null]);
          const charge = await ledger.charge({
            payerId,
            action: pick(['search', 'embed']),
            price: 1 + Math.floor(next() * 5),
            requestId,
            ...(model ? { metadata: { model } } : {}),
          });
          if (charge.kind === 'charged') charges.push(charge);
        } else if (roll < 0.55 && charges.length > 0) {
          await ledger.refund(charges.splice(Math.floor(next() * charges.length), 1)[0], { code: 'SERVICE_FAILED', message: 'failed' });
        } else if (roll < 0.85) {
          const held = await ledger.hold({ payerId, action: 'completion', amount: 10, requestId });
          if (held.kind === 'held') openHolds.push(held);
        } else if (openHolds.length > 0) {
          const held = openHolds.shift()!;
          if (next() < 0.7) await ledger.settleHold(held, Math.floor(next() * 15), { model: pick(['m-small', 'm-large']) });
          else await ledger.releaseHold(held);
        }
        // The last 7 days end at any time of day: their first day is read from the ledger or from the rollup less its start.
        await expectRecentSpend(payerId);
      }
      const today = dayOf(clock.now());
      const rows = await ledgerRows(payerId);
      for (const groupBy of ['action', 'model'] as const) {
        const report = await usage.report(payerId, { from: firstDay, to: today, groupBy });
        expect({ series: report.series, totals: report.totals }).toEqual(expectedReport(rows, firstDay, today, groupBy));
      }
    }

    for (const held of openHolds) await ledger.releaseHold(held);
    const rolledDays = await t.dataSource.query<unknown[]>('SELECT DISTINCT day FROM token_usage_days WHERE user_id = ?', [payerId]);
    expect(rolledDays.length).toBeGreaterThan(10);
    const today = dayOf(clock.now());
    const before = await usage.report(payerId, { from: firstDay, to: today, groupBy: 'model' });
    await t.dataSource.query('DELETE FROM token_usage_days WHERE user_id = ?', [payerId]);
    await t.dataSource.query('DELETE FROM token_usage_rollups WHERE user_id = ?', [payerId]);
    expect(await usage.report(payerId, { from: firstDay, to: today, groupBy: 'model' })).toEqual(before);
  });

  it('counts an entry dated up to an hour before a query that rolled up (a late commit, or an instance whose clock is behind)', async () => {
    const payerId = randomUUID();
    await ledger.ensureAccount(payerId);
    const from = dayOf(clock.now());
    const charge = (price: number) => ledger.charge({ payerId, action: 'search', price, requestId: randomUUID() });
    const totals = async () => (await usage.report(payerId, { from, to: dayOf(clock.now()), groupBy: 'action' })).totals;
    await charge(3);
    clock.advance(3 * 3600 * 1000);
    expect(await totals()).toEqual({ tokens: 3, requests: 1 });
    clock.advance(-50 * 60 * 1000);
    await charge(4);
    clock.advance(50 * 60 * 1000);
    expect(await totals()).toEqual({ tokens: 7, requests: 2 });
    expect(await usage.recentSpend(payerId)).toBe(7);
  });
});
