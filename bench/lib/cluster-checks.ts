import { createConnection } from 'mysql2/promise';
import { GALERA_NODES, type GaleraCluster, type GaleraNode } from '../../test/support/galera.js';
import { queryRows } from './database.js';

/** The tables whose content every node must hold identically at the end of a run. */
const REPLICATED_TABLES = ['token_accounts', 'token_ledger_entries', 'token_holds', 'users'];

/** What one node of the cluster holds of the run's database, and how it sees the cluster. */
export interface NodeContent {
  node: GaleraNode;
  state: string;
  clusterSize: number;
  ledgerRows: number;
  ledgerSum: string;
  balanceSum: string;
  /** CHECKSUM TABLE of each replicated table. */
  checksums: Record<string, string>;
}

async function readNode(cluster: GaleraCluster, node: GaleraNode, database: string): Promise<NodeContent> {
  const { hostname, port } = new URL(cluster.nodeUrl(node));
  const connection = await createConnection({ host: hostname, port: Number(port), user: 'root', database, bigNumberStrings: true });
  try {
    // Reads wait until the node applied every write-set the cluster committed before them.
    await connection.query('SET SESSION wsrep_sync_wait = 1');
    const [row] = await queryRows<{ ledger_rows: string; ledger_sum: string; balance_sum: string }>(
      connection,
      `SELECT (SELECT COUNT(*) FROM token_ledger_entries) AS ledger_rows,
              (SELECT COALESCE(SUM(amount), 0) FROM token_ledger_entries) AS ledger_sum,
              (SELECT COALESCE(SUM(balance), 0) FROM token_accounts) AS balance_sum`,
    );
    const sums = await queryRows<{ Table: string; Checksum: string }>(connection, `CHECKSUM TABLE ${REPLICATED_TABLES.join(', ')}`);
    const status = await queryRows<{ Variable_name: string; Value: string }>(
      connection,
      "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state_comment', 'wsrep_cluster_size')",
    );
    const value = (name: string): string => status.find((s) => s.Variable_name === name)?.Value ?? '?';
    return {
      node,
      state: value('wsrep_local_state_comment'),
      clusterSize: Number(value('wsrep_cluster_size')),
      ledgerRows: Number(row.ledger_rows),
      ledgerSum: String(row.ledger_sum),
      balanceSum: String(row.balance_sum),
      checksums: Object.fromEntries(sums.map((s) => [s.Table.split('.').pop()!, String(s.Checksum)])),
    };
  } finally {
    await connection.end();
  }
}

function differences(nodes: NodeContent[]): string[] {
  const [first, ...others] = nodes;
  const problems = nodes
    .filter((n) => n.state !== 'Synced' || n.clusterSize !== GALERA_NODES.length)
    .map((n) => `node ${n.node} is ${n.state} in a cluster of ${n.clusterSize}`);
  for (const other of others) {
    const differing = REPLICATED_TABLES.filter((t) => other.checksums[t] !== first.checksums[t]);
    if (other.ledgerRows !== first.ledgerRows || other.ledgerSum !== first.ledgerSum || other.balanceSum !== first.balanceSum)
      problems.push(
        `node ${other.node} holds ${other.ledgerRows} ledger rows summing to ${other.ledgerSum} and balances summing to ${other.balanceSum}, ` +
          `node ${first.node} ${first.ledgerRows}, ${first.ledgerSum} and ${first.balanceSum}`,
      );
    else if (differing.length)
      problems.push(`node ${other.node} differs from node ${first.node} in ${differing.join(', ')} (CHECKSUM TABLE)`);
  }
  return problems;
}

/**
 * Every node holds the same accounts, ledger, holds and users as node 1 (the writer), and all three
 * are Synced in one cluster. A background write of the app between two nodes' reads could make them
 * differ for a moment: a difference counts only if it is still there after two more reads, a second apart.
 */
export async function checkReplication(cluster: GaleraCluster, database: string): Promise<{ nodes: NodeContent[]; problems: string[] }> {
  for (let attempt = 1; ; attempt++) {
    const nodes: NodeContent[] = [];
    for (const node of GALERA_NODES) nodes.push(await readNode(cluster, node, database));
    const problems = differences(nodes);
    if (problems.length === 0 || attempt === 3) return { nodes, problems };
    await new Promise((wake) => setTimeout(wake, 1000));
  }
}
