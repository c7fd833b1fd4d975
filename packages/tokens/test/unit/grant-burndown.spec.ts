/**
 * What is left of promotional grants, read from the entries that moved credits: the spending order,
 * expiry, refunds and settlements going back where their debit took from, reversals and repayments.
 */
import { LedgerEntryType as T } from '../../src/entities/token-ledger-entry.entity.js';
import { burnDown, type CreditsEntry, grantMismatches, type GrantTerms, replayStart } from '../../src/ledger/grant-burndown.js';

const at = (hour: number) => new Date(Date.UTC(2026, 0, 1, hour));
const grant = (
  id: string,
  amount: number,
  priority: number,
  expiresHour: number,
  entrySeq: number,
  expirySeq: number | null = null,
): GrantTerms => ({
  id,
  amount,
  priority,
  expiresAt: at(expiresHour),
  entrySeq,
  expirySeq,
});

/** A ledger built one entry at a time: `credits` is what the entry moved in credits. */
function ledger() {
  const entries: CreditsEntry[] = [];
  const add = (type: T, credits: number, hour: number, extra: Partial<CreditsEntry> = {}) => {
    const entry = {
      id: `e${entries.length + 1}`,
      seq: entries.length + 1,
      type,
      creditsAmount: credits,
      requestId: null,
      createdAt: at(hour),
      metadata: null,
      ...extra,
    };
    entries.push(entry);
    return entry;
  };
  return { entries, add };
}

describe('promotional grants, burned down from the ledger', () => {
  it('debits take grants by priority, then soonest expiry, then oldest, then permanent credits', () => {
    const { entries, add } = ledger();
    add(T.Purchase, 100, 0);
    const grants = [grant('late', 10, 50, 30, 2), grant('soon', 10, 50, 20, 3), grant('first', 10, 1, 40, 4), grant('twin', 10, 50, 20, 5)];
    for (const g of grants) add(T.AdminGrant, g.amount, 1, { metadata: { grantId: g.id } });
    add(T.Usage, -25, 2);
    const state = burnDown(grants, entries, 0);
    expect(Object.fromEntries(state.remaining)).toEqual({ first: 0, soon: 0, twin: 5, late: 10 });
    add(T.Usage, -30, 3);
    const after = burnDown(grants, entries, 0);
    expect(Object.fromEntries(after.remaining)).toEqual({ first: 0, soon: 0, twin: 0, late: 0 });
    expect([after.permanent, after.overdrawn]).toEqual([85, 0]);
  });

  it('from expiresAt on a grant is not spent, and its grant_expiry closes it at what was left', () => {
    const { entries, add } = ledger();
    const grants = [grant('g', 50, 50, 5, 2, 4)];
    add(T.Purchase, 100, 0);
    add(T.AdminGrant, 50, 1, { metadata: { grantId: 'g' } });
    add(T.Usage, -20, 2);
    add(T.GrantExpiry, -30, 5, { metadata: { grantId: 'g' } });
    add(T.Usage, -10, 6);
    const state = burnDown(grants, entries, 0);
    expect([state.remaining.get('g'), state.permanent]).toEqual([0, 90]);
    expect(grantMismatches(grants, state, 90)).toEqual([]);
  });

  it("a refund gives back to the grant its charge took from; a settlement's usage keeps what its hold took", () => {
    const { entries, add } = ledger();
    const grants = [grant('g', 40, 50, 10, 2)];
    add(T.Purchase, 100, 0);
    add(T.AdminGrant, 40, 1, { metadata: { grantId: 'g' } });
    const charge = add(T.Usage, -30, 2);
    add(T.Refund, 30, 2, { metadata: { refundOf: charge.id } });
    expect(burnDown(grants, entries, 0).remaining.get('g')).toBe(40);
    add(T.Hold, -60, 3, { requestId: 'r1' }); // 40 of the grant, 20 permanent
    add(T.HoldRelease, 60, 3, { requestId: 'r1' });
    add(T.Usage, -45, 3, { requestId: 'r1' });
    const state = burnDown(grants, entries, 0);
    expect([state.remaining.get('g'), state.permanent]).toEqual([0, 95]);
  });

  it('a purchase reversal takes permanent credits first; a repayment of owed tokens comes out of the grant that brought them', () => {
    const { entries, add } = ledger();
    const grants = [grant('g', 50, 50, 10, 2)];
    add(T.Purchase, 30, 0);
    add(T.AdminGrant, 50, 1, { metadata: { grantId: 'g' } });
    add(T.PurchaseReversal, -40, 2);
    expect([burnDown(grants, entries, 0).remaining.get('g'), burnDown(grants, entries, 0).permanent]).toEqual([40, 0]);
    const promo = add(T.AdminGrant, 20, 3, { metadata: { grantId: 'h' } });
    add(T.OwedRepayment, -15, 3, { metadata: { repaidFrom: promo.id } });
    const both = [...grants, grant('h', 20, 90, 10, promo.seq)];
    expect(Object.fromEntries(burnDown(both, entries, 0).remaining)).toEqual({ g: 40, h: 5 });
  });

  it('the replay starts at the oldest grant in play, or earlier for an expired one that overlapped it', () => {
    expect(replayStart([grant('a', 1, 1, 9, 10, 20), grant('b', 1, 1, 9, 30)])).toBe(30);
    expect(replayStart([grant('a', 1, 1, 9, 10, 40), grant('b', 1, 1, 9, 30)])).toBe(10);
    expect(replayStart([grant('a', 1, 1, 9, 10, 20)])).toBeNull();
  });

  it('finds a grant above its amount, one never granted, and debits that found no credits', () => {
    const { entries, add } = ledger();
    const grants = [grant('g', 10, 50, 10, 1), grant('ghost', 5, 50, 10, 2)];
    add(T.AdminGrant, 15, 0, { metadata: { grantId: 'g' } });
    add(T.Usage, -3, 1);
    expect(grantMismatches(grants, burnDown(grants, entries, 0), 12)).toEqual([
      { grantId: 'g', amount: 10, remaining: 12, credits: 12 },
      { grantId: 'ghost', amount: 5, remaining: 0, credits: 12 },
    ]);
    add(T.Usage, -20, 2);
    const overdrawn = burnDown(grants, entries, 0);
    expect(overdrawn.overdrawn).toBe(8);
    expect(grantMismatches(grants, overdrawn, 0)).toContainEqual({ grantId: null, amount: 15, remaining: 0, credits: 0 });
  });
});
