import mysql2, { type Pool, type PoolConnection, type PoolOptions } from 'mysql2';
import { connect } from 'node:net';
import { isConnectionError, type ServerFailover } from '@token-metering/database';
import type { DatabaseNode } from '../database-url.js';
import { WriterNodes } from './writer-nodes.js';

/**
 * On Galera, every statement of the app's sessions first waits until the node has applied every
 * transaction the cluster committed before it (wsrep_sync_wait=1: reads, and BEGIN): after a
 * failover, a balance, a ledger page, an idempotency key or a commit check read on the new writer
 * still sees what was committed through the old one. A server without Galera leaves it at 0; one
 * without the variable (MySQL) refuses the statement, which is ignored.
 */
const SYNC_WAIT = 'SET SESSION wsrep_sync_wait = IF(@@wsrep_on, 1, 0)';

type NodeConnection = PoolConnection & { stream?: { databaseNode?: DatabaseNode } };

/**
 * mysql2, as TypeORM's `driver`, with the pool's connections opened to the writer of `nodes`: a new
 * connection goes to the node that is the writer when it opens; when writes move to another node,
 * the idle connections to the old one are closed, and the busy ones as they are released. With several nodes, `failover` is what the
 * TransactionRunner calls when the database could not be reached: it checks the nodes again at once.
 */
export function nodesDriver(nodes: WriterNodes): typeof mysql2 & { failover?: ServerFailover } {
  const failover: ServerFailover | undefined = nodes.nodes.length > 1 ? { recover: () => nodes.check() } : undefined;
  return {
    ...mysql2,
    failover,
    createPool(options: PoolOptions): Pool {
      const pool = mysql2.createPool({ ...options, stream: () => socketTo(nodes) });
      // Idle connections to a node that stopped being the writer are closed when writes move, busy ones when released.
      const idle = new Set<NodeConnection>();
      pool.on('connection', (connection: NodeConnection) => {
        connection.query(SYNC_WAIT, () => undefined);
        const forget = () => idle.delete(connection);
        connection.once('end', forget);
        connection.once('error', forget);
      });
      pool.on('acquire', (connection: NodeConnection) => idle.delete(connection));
      pool.on('release', (connection: NodeConnection) => {
        if (connection.stream?.databaseNode === nodes.writer) idle.add(connection);
        else connection.destroy();
      });
      nodes.onWriterChange((writer) => {
        for (const connection of idle) {
          if (connection.stream?.databaseNode === writer) continue;
          idle.delete(connection);
          connection.destroy();
        }
      });
      if (failover) retryConnectingAfterFailover(pool, nodes);
      const end = pool.end.bind(pool);
      pool.end = ((callback?: (error: unknown) => void) => {
        nodes.stop();
        return end(callback as never);
      }) as Pool['end'];
      nodes.start();
      return pool;
    },
  } as typeof mysql2 & { failover?: ServerFailover };
}

/**
 * A connection that could not be opened (its node is down) is opened once more after the nodes were
 * checked, on the writer the check found: a request arriving just after its node failed is served.
 */
function retryConnectingAfterFailover(pool: Pool, nodes: WriterNodes): void {
  const getConnection = pool.getConnection.bind(pool);
  pool.getConnection = ((callback: (error: unknown, connection?: PoolConnection) => void) =>
    getConnection((error, connection) => {
      if (!error || !isConnectionError(error)) return callback(error, connection);
      void nodes.check().then((usable) => (usable ? getConnection(callback) : callback(error)));
    })) as Pool['getConnection'];
}

function socketTo(nodes: WriterNodes) {
  const node = nodes.writer;
  const socket = Object.assign(connect(node.port, node.host), { databaseNode: node });
  socket.setNoDelay(true);
  // A writer that cannot be reached is checked at once, not at the next tick of the periodic check.
  socket.on('error', () => void nodes.check());
  return socket;
}
