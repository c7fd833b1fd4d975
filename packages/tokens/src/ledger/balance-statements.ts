/** The SQL of the balance statements: how a posting moves the two buckets of an account. */
import type { TokenAccount } from '../entities/token-account.entity.js';
import { LedgerEntryType } from '../entities/token-ledger-entry.entity.js';
import type { BucketSplit, Posting } from './token-ledger.js';

/** Entry types that add to the credits bucket (never expire); every other grant adds to the allowance. */
const CREDIT_TYPES: ReadonlySet<LedgerEntryType> = new Set([
  LedgerEntryType.Purchase,
  LedgerEntryType.AdminGrant,
  LedgerEntryType.PurchaseReinstated,
]);

/** How one balance statement moves the two buckets. */
export type Movement =
  /** A known amount in each bucket. */
  | { kind: 'split'; split: BucketSplit }
  /** `cost` taken from the allowance first, then from credits. */
  | { kind: 'debit'; cost: number }
  /** The period's allowance raised to a plan's monthly tokens, by what they exceed what was granted. */
  | { kind: 'plan'; monthlyTokens: number };

/** The movement a posting makes: its explicit buckets, else what its type and sign imply. */
export function movementOf(posting: Posting): Movement {
  if (posting.buckets) return { kind: 'split', split: posting.buckets };
  if (posting.amount < 0) return { kind: 'debit', cost: -posting.amount };
  const toCredits = CREDIT_TYPES.has(posting.type);
  return { kind: 'split', split: { allowance: toCredits ? 0 : posting.amount, credits: toCredits ? posting.amount : 0 } };
}

/**
 * The SET clauses of a movement. MySQL and MariaDB assign left to right, each seeing the columns
 * already assigned, while SQLite sees the old row: so every expression reads only columns that are
 * assigned after it (allowance and period_allowance_granted come last).
 */
export function assignmentsOf(movement: Movement): SqlPart {
  switch (movement.kind) {
    case 'split': {
      const { allowance, credits } = movement.split;
      return {
        sql: 'balance = balance + ?, credits = credits + ?, allowance = allowance + ?',
        parameters: [allowance + credits, credits, allowance],
      };
    }
    case 'debit':
      return debitAssignments({ sql: '?', parameters: [movement.cost] }, { sql: '?', parameters: [-movement.cost] });
    case 'plan': {
      const m = movement.monthlyTokens;
      const raise = 'CASE WHEN period_allowance_granted < ? THEN ? - period_allowance_granted ELSE 0 END';
      return {
        sql: `balance = balance + ${raise}, last_allowance_change = ${raise}, allowance = allowance + ${raise},
              period_allowance_granted = CASE WHEN period_allowance_granted < ? THEN ? ELSE period_allowance_granted END`,
        parameters: [m, m, m, m, m, m, m, m],
      };
    }
  }
}

export interface SqlPart {
  sql: string;
  parameters: unknown[];
}

/** A debit of `cost` (an SQL expression; `minus` is its negation), taken from the allowance first, then from credits. */
export function debitAssignments(cost: SqlPart, minus: SqlPart): SqlPart {
  const [c, m] = [cost.sql, minus.sql];
  return {
    sql: `balance = balance + ${m},
          credits = credits - CASE WHEN allowance >= ${c} THEN 0 ELSE ${c} - allowance END,
          last_allowance_change = CASE WHEN allowance >= ${c} THEN ${m} ELSE 0 - allowance END,
          allowance = CASE WHEN allowance >= ${c} THEN allowance - ${c} ELSE 0 END`,
    parameters: [minus, cost, cost, cost, minus, cost, cost].flatMap((part) => part.parameters),
  };
}

/** `CASE user_id WHEN ? THEN ? ... END`: a value per account, in one statement for many. */
export function perAccount(values: Array<[userId: string, value: number]>): SqlPart {
  return { sql: `CASE user_id ${values.map(() => 'WHEN ? THEN ?').join(' ')} END`, parameters: values.flat() };
}

/** What a movement did, from the account row read right after its statement. */
export function splitAfter(movement: Movement, account: TokenAccount): BucketSplit {
  switch (movement.kind) {
    case 'split':
      return movement.split;
    case 'debit':
      return { allowance: account.lastAllowanceChange, credits: -movement.cost - account.lastAllowanceChange };
    case 'plan':
      return { allowance: account.lastAllowanceChange, credits: 0 };
  }
}
