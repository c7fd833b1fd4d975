/**
 * What is left of each promotional grant, read from the ledger: the credits bucket is one column, and
 * which grant a debit's credits came from follows from the spending order alone. Replaying the
 * account's entries that moved credits, from the first grant still in play, gives every grant its
 * rest without a write per debit on the hot path.
 */
import { LedgerEntryType } from '../entities/token-ledger-entry.entity.js';

/** A grant's terms, as stored. */
export interface GrantTerms {
  id: string;
  amount: number;
  priority: number;
  expiresAt: Date;
  entrySeq: number;
  expirySeq: number | null;
}

/** An entry as the replay needs it: what it moved in credits, and what it refers to. */
export interface CreditsEntry {
  id: string;
  seq: number;
  type: LedgerEntryType;
  creditsAmount: number;
  requestId: string | null;
  createdAt: Date;
  metadata: Record<string, unknown> | null;
}

export interface BurnDown {
  /** What is left of each grant the replay saw (0 once expired). */
  remaining: Map<string, number>;
  /** Credits that are not promotional (purchased, permanent grants) after the last entry. */
  permanent: number;
  /** Debits of credits that found nothing to take (the ledger and the account disagree), in tokens. */
  overdrawn: number;
}

/** Tokens a debit took from a grant, or from permanent credits (grant id ''). */
type Take = [grantId: string, tokens: number];
const PERMANENT = '';

/** The order grants are spent in: priority (1 first), then soonest expiry, then oldest. */
export function spendingOrder(a: GrantTerms, b: GrantTerms): number {
  return a.priority - b.priority || a.expiresAt.getTime() - b.expiresAt.getTime() || a.entrySeq - b.entrySeq;
}

/**
 * The `seq` the replay starts at: the first entry of the oldest grant not yet expired, or of an
 * expired one that was still in play then. Null when no grant is in play.
 */
export function replayStart(grants: readonly GrantTerms[]): number | null {
  const live = grants.filter((grant) => grant.expirySeq === null);
  if (live.length === 0) return null;
  let start = Math.min(...live.map((grant) => grant.entrySeq));
  for (let moved = true; moved;) {
    moved = false;
    for (const grant of grants) {
      if (grant.expirySeq !== null && grant.entrySeq < start && grant.expirySeq > start) {
        start = grant.entrySeq;
        moved = true;
      }
    }
  }
  return start;
}

/**
 * Replays `entries` (seq order, from replayStart) over `creditsAtStart`. Debits take credits from
 * the grants open at their time (created, not expired, before `expiresAt`) in spending order, then
 * from permanent credits; a purchase reversal takes permanent credits first, and a repayment of
 * owed tokens takes them from what its entry just brought (the grant, or permanent credits). A refund, or a hold's
 * release, gives back to the grants its debit took from while they are open (else to permanent
 * credits); a settlement's usage keeps what its hold took first. Other credits are permanent.
 */
export function burnDown(grants: readonly GrantTerms[], entries: readonly CreditsEntry[], creditsAtStart: number): BurnDown {
  const byId = new Map(grants.map((grant) => [grant.id, grant]));
  const ordered = [...grants].sort(spendingOrder);
  const remaining = new Map<string, number>();
  const closed = new Set<string>();
  const takes = new Map<string, Take[]>();
  const holdOf = new Map<string, string>();
  /** The grant each grant entry opened, by entry id: a repayment of owed tokens comes out of what just arrived. */
  const grantOf = new Map<string, string>();
  let permanent = creditsAtStart;
  let overdrawn = 0;
  type Release = { requestId: string | null; targets: Take[]; amount: number; at: Date };
  let release: Release | null = null;

  const open = (grantId: string, at: Date) =>
    remaining.has(grantId) && !closed.has(grantId) && at.getTime() < byId.get(grantId)!.expiresAt.getTime();
  const takeFromGrants = (amount: number, at: Date, taken: Take[]): number => {
    for (const grant of ordered) {
      if (amount === 0) break;
      if (!open(grant.id, at)) continue;
      const tokens = Math.min(amount, remaining.get(grant.id)!);
      if (tokens === 0) continue;
      remaining.set(grant.id, remaining.get(grant.id)! - tokens);
      taken.push([grant.id, tokens]);
      amount -= tokens;
    }
    return amount;
  };
  const takeFromGrant = (grantId: string, amount: number, taken: Take[]): number => {
    const tokens = Math.min(amount, remaining.get(grantId) ?? 0);
    remaining.set(grantId, (remaining.get(grantId) ?? 0) - tokens);
    if (tokens > 0) taken.push([grantId, tokens]);
    return amount - tokens;
  };
  const takePermanent = (amount: number, taken: Take[]): number => {
    const tokens = Math.min(amount, Math.max(permanent, 0));
    permanent -= tokens;
    if (tokens > 0) taken.push([PERMANENT, tokens]);
    return amount - tokens;
  };
  const giveBack = (targets: Take[], amount: number, at: Date) => {
    for (const target of targets) {
      const tokens = Math.min(target[1], amount);
      if (tokens === 0) continue;
      target[1] -= tokens;
      amount -= tokens;
      if (open(target[0], at)) remaining.set(target[0], remaining.get(target[0])! + tokens);
      else permanent += tokens;
    }
    permanent += amount;
  };
  const flushRelease = () => {
    if (release) giveBack(release.targets, release.amount, release.at);
    release = null;
  };

  for (const entry of entries) {
    const pending: Release | null = release;
    const settling = pending !== null && entry.type === LedgerEntryType.Usage && entry.requestId === pending.requestId;
    if (!settling) flushRelease();
    const credits = entry.creditsAmount;
    const grantId = typeof entry.metadata?.grantId === 'string' ? entry.metadata.grantId : null;
    if (entry.type === LedgerEntryType.AdminGrant && grantId && byId.has(grantId)) {
      remaining.set(grantId, credits);
      grantOf.set(entry.id, grantId);
      continue;
    }
    if (entry.type === LedgerEntryType.GrantExpiry && grantId && byId.has(grantId)) {
      remaining.set(grantId, (remaining.get(grantId) ?? 0) + credits);
      closed.add(grantId);
      continue;
    }
    if (credits < 0) {
      const taken: Take[] = [];
      let amount = -credits;
      if (settling && pending) {
        // The usage of a settlement spends what its hold took first, from the same grants.
        for (const target of pending.targets) {
          const tokens = Math.min(target[1], amount, pending.amount);
          target[1] -= tokens;
          pending.amount -= tokens;
          amount -= tokens;
          if (tokens > 0) taken.push([target[0], tokens]);
        }
        flushRelease();
      }
      const repaidFrom = entry.type === LedgerEntryType.OwedRepayment ? entry.metadata?.repaidFrom : undefined;
      if (typeof repaidFrom === 'string' && grantOf.has(repaidFrom)) amount = takeFromGrant(grantOf.get(repaidFrom)!, amount, taken);
      if (entry.type === LedgerEntryType.PurchaseReversal || (repaidFrom !== undefined && !grantOf.has(repaidFrom as string))) {
        // A reversal takes back purchased tokens; a repayment comes out of the permanent tokens that just arrived.
        amount = takeFromGrants(takePermanent(amount, taken), entry.createdAt, taken);
      } else amount = takePermanent(takeFromGrants(amount, entry.createdAt, taken), taken);
      overdrawn += amount;
      takes.set(entry.id, taken);
      if (entry.type === LedgerEntryType.Hold && entry.requestId) holdOf.set(entry.requestId, entry.id);
    } else if (credits > 0) {
      if (entry.type === LedgerEntryType.Refund && typeof entry.metadata?.refundOf === 'string') {
        giveBack(takes.get(entry.metadata.refundOf) ?? [], credits, entry.createdAt);
      } else if (entry.type === LedgerEntryType.HoldRelease) {
        // A hold from before the replay took permanent credits: no grant was in play.
        const hold = entry.requestId ? holdOf.get(entry.requestId) : undefined;
        const targets = hold ? (takes.get(hold) ?? []) : [[PERMANENT, credits] as Take];
        release = { requestId: entry.requestId, targets, amount: credits, at: entry.createdAt };
      } else {
        permanent += credits;
      }
    }
  }
  flushRelease();
  return { remaining, permanent, overdrawn };
}

/**
 * What the burn-down finds wrong with an account's grants (an integrity problem each): a grant not
 * granted by its entry, left below 0 or above its amount, an expired one whose `grant_expiry` did not take exactly its rest,
 * debits of credits that found none, or grants holding more than the account's credits.
 */
export interface GrantMismatch {
  /** Null for the account as a whole. */
  grantId: string | null;
  amount: number;
  remaining: number;
  credits: number;
}

export function grantMismatches(grants: readonly GrantTerms[], state: BurnDown, credits: number): GrantMismatch[] {
  const found: GrantMismatch[] = [];
  let open = 0;
  for (const grant of grants) {
    const expired = grant.expirySeq !== null;
    // A grant the replay never saw granted: its entry is not its grant (or it expired before the replay).
    if (!state.remaining.has(grant.id)) {
      if (!expired) found.push({ grantId: grant.id, amount: grant.amount, remaining: 0, credits });
      continue;
    }
    const remaining = state.remaining.get(grant.id)!;
    if (remaining < 0 || remaining > grant.amount || (expired && remaining !== 0)) {
      found.push({ grantId: grant.id, amount: grant.amount, remaining, credits });
    }
    if (!expired) open += remaining;
  }
  if (open > credits || state.overdrawn > 0 || state.permanent < 0) {
    found.push({ grantId: null, amount: grants.reduce((sum, grant) => sum + grant.amount, 0), remaining: open, credits });
  }
  return found;
}
