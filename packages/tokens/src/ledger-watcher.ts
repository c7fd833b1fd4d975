import type { EntityManager } from 'typeorm';

/** A ledger entry as a LedgerWatcher sees it: what it moved and the balance it left. */
export interface WrittenEntry {
  id: string;
  payerId: string;
  /** The ledger type (`usage`, `hold`, `purchase`, ...). */
  type: string;
  action: string | null;
  /** Signed: negative when it took tokens. */
  amount: number;
  balanceAfter: number;
  requestId: string | null;
  createdAt: Date;
}

/**
 * The host's view of every ledger entry, inside the transaction that writes it: what the watcher
 * writes with `em` (an outbox row, say) commits or rolls back with the entries, so an event is
 * recorded exactly when its cause is. Entries come in the order they were written, each account's in
 * sequence. It runs on every batch of charges: it should cost nothing for entries it ignores.
 */
export abstract class LedgerWatcher {
  abstract written(em: EntityManager, entries: readonly WrittenEntry[]): Promise<void>;
}
