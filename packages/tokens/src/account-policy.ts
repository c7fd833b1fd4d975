import type { EntityManager } from 'typeorm';

/** What a missing account opens with: the tokens of its current period, and when that period ends. */
export interface OpeningTerms {
  allowance: number;
  periodEnd: Date;
  /** The payer's price tier (a plan code), recorded on the opening entry. */
  tier: string;
}

/** What each new period brings an account. */
export interface PeriodTerms {
  /** Allowance granted at the start of every period (0: none). */
  grant: number;
  /** Allowance kept across a period's end; above it, the allowance expires. Credits never expire. */
  rolloverCap: number;
  tier: string | null;
}

/** The payer's current terms, as a balance answer shows them. */
export interface AccountSummary {
  tier: string;
  periodAllowance: number;
  periodStart: Date;
  periodEnd: Date;
}

/** A payer the policy would open an account for, that has none yet. */
export interface MissingAccount {
  payerId: string;
  tier: string;
}

/**
 * The host's rules for token accounts: how a missing account opens, how long a period is and what
 * it grants, what rolls over, and which price tier a payer is in (for per-tier price overrides).
 * The tokens module decides nothing of this itself; the methods that take an EntityManager run
 * inside the ledger's transaction.
 */
export abstract class AccountPolicy {
  /** Terms to seed a missing account from; null when nobody pays for this payer (402 NO_OPENING_TERMS). */
  abstract openingTerms(payerId: string, em: EntityManager): Promise<OpeningTerms | null>;

  /** The end of the period that starts at `periodStart`. */
  abstract nextPeriodEnd(periodStart: Date): Date;

  abstract periodTerms(payerId: string, em: EntityManager): Promise<PeriodTerms>;

  /** The account moved to the period [periodStart, periodEnd), inside the roll's transaction. */
  abstract periodRolled(em: EntityManager, payerId: string, periodStart: Date, periodEnd: Date): Promise<void>;

  /** The price tier per-tier overrides apply to; null: none. */
  abstract priceTierOf(payerId: string): Promise<string | null>;

  /** Whether overrides may name this tier (an admin's PUT /admin/costs with a planCode). */
  abstract tierExists(tier: string): Promise<boolean>;

  /** Whether the payer exists (admin routes answer 404 otherwise). */
  abstract payerExists(payerId: string, em?: EntityManager): Promise<boolean>;

  abstract summary(payerId: string): Promise<AccountSummary>;

  /**
   * Payers the policy would open an account for that have none yet (the integrity report lists them,
   * seeding opens them): up to `limit`, ordered by payer id, after `after`, with how many there are
   * in all. Runs in the report's transaction. None by default: a host whose accounts open on the
   * payer's first metered request has nothing to list.
   */
  missingAccounts(em: EntityManager, page: { after: string; limit: number }): Promise<{ accounts: MissingAccount[]; total: number }> {
    void em;
    void page;
    return Promise.resolve({ accounts: [], total: 0 });
  }
}
