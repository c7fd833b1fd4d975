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
  /** `price` taken from the allowance first, then from credits. */
  | { kind: 'debit'; price: number }
  /** The period's allowance raised to a plan's monthly tokens, by what they exceed what was granted. */
  | { kind: 'plan'; monthlyTokens: number }
  /** `split` given back first (a hold's release), then `price` taken from the allowance first (its usage). */
  | { kind: 'credit_then_debit'; split: BucketSplit; price: number };

/** The movement a posting makes: its explicit buckets, else what its type and sign imply. */
export function movementOf(posting: Posting): Movement {
  if (posting.buckets) return { kind: 'split', split: posting.buckets };
  if (posting.amount < 0) return { kind: 'debit', price: -posting.amount };
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
      return debitAssignments(value(movement.price), value(-movement.price));
    case 'credit_then_debit': {
      const { allowance, credits } = movement.split;
      const credit = { allowance: value(allowance), credits: value(credits), total: value(allowance + credits) };
      return debitAssignments(value(movement.price), value(-movement.price), credit);
    }
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

/** What a credit adds to each bucket and to the balance, as SQL expressions. */
export interface SqlCredit {
  allowance: SqlPart;
  credits: SqlPart;
  total: SqlPart;
}

/**
 * A debit of `price` (an SQL expression; `minus` is its negation), taken from the allowance first, then
 * from credits; after `credit` was added, when there is one.
 */
export function debitAssignments(price: SqlPart, minus: SqlPart, credit?: SqlCredit): SqlPart {
  const plus = (column: string, amount: SqlPart | undefined): SqlPart =>
    amount ? { sql: `(${column} + ${amount.sql})`, parameters: amount.parameters } : { sql: column, parameters: [] };
  const [balance, credits, allowance] = [
    plus('balance', credit?.total),
    plus('credits', credit?.credits),
    plus('allowance', credit?.allowance),
  ];
  const [c, m, a] = [price.sql, minus.sql, allowance.sql];
  return {
    sql: `balance = ${balance.sql} + ${m},
          credits = ${credits.sql} - CASE WHEN ${a} >= ${c} THEN 0 ELSE ${c} - ${a} END,
          last_allowance_change = CASE WHEN ${a} >= ${c} THEN ${m} ELSE 0 - ${a} END,
          allowance = CASE WHEN ${a} >= ${c} THEN ${a} - ${c} ELSE 0 END`,
    parameters: [
      ...[balance, minus],
      ...[credits, allowance, price, price, allowance],
      ...[allowance, price, minus, allowance],
      ...[allowance, price, allowance, price],
    ].flatMap((part) => part.parameters),
  };
}

/** A value as a parameter. */
export function value(amount: number): SqlPart {
  return { sql: '?', parameters: [amount] };
}

/** `CASE user_id WHEN ? THEN ? ... END`: a value per account, in one statement for many. */
export function perAccount(values: Array<[payerId: string, value: number]>): SqlPart {
  return { sql: `CASE user_id ${values.map(() => 'WHEN ? THEN ?').join(' ')} END`, parameters: values.flat() };
}

/** What a movement did, from the account row read right after its statement. */
export function splitAfter(movement: Movement, account: TokenAccount): BucketSplit {
  switch (movement.kind) {
    case 'split':
      return movement.split;
    case 'debit':
    case 'credit_then_debit': // the debit's part
      return { allowance: account.lastAllowanceChange, credits: -movement.price - account.lastAllowanceChange };
    case 'plan':
      return { allowance: account.lastAllowanceChange, credits: 0 };
  }
}
