import { GALERA_NODES, type GaleraCluster } from '../../support/galera.js';
import { ReliabilityDatabase } from './database.js';

/** The suite's database as each node of the cluster serves it, for checks that must hold on every node. */
export function onEveryNode(cluster: GaleraCluster, name: string): ReliabilityDatabase[] {
  return GALERA_NODES.map((node) => ReliabilityDatabase.open(name, cluster.nodeUrl(node).replace(/\/[^/]+$/, '')));
}

/** What must be identical on every node: the ledger and the accounts, summed and hashed row by row. */
export async function digest(db: ReliabilityDatabase): Promise<string> {
  const [ledger] = await db.query<{ n: number; total: string; hash: string }>(
    `SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS total,
            COALESCE(BIT_XOR(CRC32(CONCAT_WS('|', id, user_id, seq, type, amount, balance_after))), 0) AS hash
       FROM token_ledger_entries`,
  );
  const [accounts] = await db.query<{ n: number; hash: string }>(
    `SELECT COUNT(*) AS n, COALESCE(BIT_XOR(CRC32(CONCAT_WS('|', user_id, balance, held, owed, ledger_seq))), 0) AS hash
       FROM token_accounts`,
  );
  return `ledger ${ledger.n} rows, sum ${ledger.total}, hash ${ledger.hash}; accounts ${accounts.n}, hash ${accounts.hash}`;
}

/** Accounts whose `held` is not the sum of their open holds. */
export async function heldProblems(db: ReliabilityDatabase): Promise<string[]> {
  const rows = await db.query<{ user_id: string; held: string; open: string }>(
    `SELECT a.user_id, a.held, COALESCE(SUM(h.amount), 0) AS open
       FROM token_accounts a LEFT JOIN token_holds h ON h.user_id = a.user_id AND h.closed_at IS NULL
      GROUP BY a.user_id, a.held
     HAVING a.held <> COALESCE(SUM(h.amount), 0)`,
  );
  return rows.map((r) => `${r.user_id}: held ${r.held}, open holds ${r.open}`);
}

/** Every node's ledger consistent (balance == sum of its entries, per account), held == open holds, and all nodes identical. */
export async function expectSameOnEveryNode(nodes: ReliabilityDatabase[]): Promise<string> {
  const digests: string[] = [];
  for (const [i, db] of nodes.entries()) {
    expect({ node: i + 1, ledger: await db.ledgerProblems(), held: await heldProblems(db) }).toEqual({ node: i + 1, ledger: [], held: [] });
    digests.push(await digest(db));
  }
  expect(new Set(digests).size).toBe(1);
  return digests[0];
}
