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

/**
 * The host's rules for token accounts: how a missing account opens, how long a period is and what
 * it grants, what rolls over, and which price tier a payer is in (for per-tier price overrides).
 * The tokens module decides nothing of this itself; the methods that take an EntityManager run
 * inside the ledger's transaction.
 */
export abstract class AccountPolicy {
  /** Terms to seed a missing account from; null when nobody pays for this payer (402 NO_ACTIVE_SUBSCRIPTION). */
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
}
