import { Logger } from '@nestjs/common';
import type { Connection, ConnectionOptions } from 'mysql2';
import { createConnection } from 'mysql2';
import { type DatabaseNode, nodeName } from '../database-url.js';

/** How often the nodes before (and at) the writer are checked, to fail over or back. */
const CHECK_INTERVAL_MS = 1000;
/** How long one node may take to connect and answer a check before it counts as unusable. */
const CHECK_TIMEOUT_MS = 1000;
/** Galera's wsrep_local_state when a node is Synced: the only state in which it serves writes and reads. */
const SYNCED = '4';

/** What a check of a node found: whether it can serve, and what it reported. */
export interface NodeState {
  node: DatabaseNode;
  usable: boolean;
  /** wsrep_local_state_comment (Synced, Joining, Donor/Desynced, ...), or 'standalone' on a server without Galera, or the error. */
  state: string;
}

/**
 * The servers of a DATABASE_URL in order of preference, and the one the app writes to: the first that
 * is usable (a Synced Galera node, or any server that answers and is not Galera). Every instance of
 * the app reads the same list in the same order, so they all choose the same node, and writes never
 * conflict between nodes except for the moment of a failover. The nodes up to the writer are checked
 * every second: when the writer stops being usable the next usable one takes over, and when an
 * earlier node is Synced again, the writes go back to it.
 */
export class WriterNodes {
  private readonly logger = new Logger('DatabaseNodes');
  private writerIndex = 0;
  private readonly monitors = new Map<DatabaseNode, Connection>();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<boolean> | undefined;
  private readonly changes: Array<(writer: DatabaseNode) => void> = [];

  constructor(
    readonly nodes: DatabaseNode[],
    private readonly credentials: Pick<ConnectionOptions, 'user' | 'password'>,
  ) {}

  get writer(): DatabaseNode {
    return this.nodes[this.writerIndex];
  }

  /** Calls `listener` with the new writer each time writes move to another node. */
  onWriterChange(listener: (writer: DatabaseNode) => void): void {
    this.changes.push(listener);
  }

  /** Starts the periodic check (only useful with more than one node). */
  start(): void {
    if (this.nodes.length < 2 || this.timer) return;
    this.timer = setInterval(() => void this.check(), CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const monitor of this.monitors.values()) monitor.destroy();
    this.monitors.clear();
  }

  /**
   * Checks the nodes now (one check at a time; callers meanwhile share it) and moves the writer to the
   * first usable node. Resolves whether there is one: false when no node can take writes.
   */
  check(): Promise<boolean> {
    this.checking ??= this.checkNodes().finally(() => (this.checking = undefined));
    return this.checking;
  }

  /** Every node's state, for health reports and tests. */
  states(): Promise<NodeState[]> {
    return Promise.all(this.nodes.map((node) => this.stateOf(node)));
  }

  private async checkNodes(): Promise<boolean> {
    for (const [index, node] of this.nodes.entries()) {
      const { usable, state } = await this.stateOf(node);
      if (usable) {
        if (index !== this.writerIndex) {
          this.logger.warn(`writes move from ${nodeName(this.writer)} to ${nodeName(node)} (${state})`);
          this.writerIndex = index;
          for (const listener of this.changes) listener(node);
        }
        this.closeMonitorsAfter(index);
        return true;
      }
      if (index === this.writerIndex) this.logger.warn(`the writer ${nodeName(node)} is not usable: ${state}`);
    }
    return false;
  }

  /** The nodes after the writer are not checked until it fails: their monitoring connections are closed. */
  private closeMonitorsAfter(index: number): void {
    for (const node of this.nodes.slice(index + 1)) {
      this.monitors.get(node)?.destroy();
      this.monitors.delete(node);
    }
  }

  private async stateOf(node: DatabaseNode): Promise<NodeState> {
    try {
      const rows = await this.query<{ Variable_name: string; Value: string }>(
        node,
        "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state', 'wsrep_local_state_comment', 'wsrep_ready')",
      );
      const status = new Map(rows.map((row) => [row.Variable_name.toLowerCase(), row.Value]));
      if (!status.has('wsrep_local_state')) return { node, usable: true, state: 'standalone' };
      const state = status.get('wsrep_local_state_comment') ?? `state ${status.get('wsrep_local_state')}`;
      return { node, usable: status.get('wsrep_local_state') === SYNCED && status.get('wsrep_ready') === 'ON', state };
    } catch (error) {
      this.monitors.get(node)?.destroy();
      this.monitors.delete(node);
      return { node, usable: false, state: (error as Error).message };
    }
  }

  /** A query on the node's own monitoring connection (opened when missing), failing after CHECK_TIMEOUT_MS. */
  private query<T>(node: DatabaseNode, sql: string): Promise<T[]> {
    let monitor = this.monitors.get(node);
    if (!monitor) {
      monitor = createConnection({ ...this.credentials, host: node.host, port: node.port, connectTimeout: CHECK_TIMEOUT_MS });
      monitor.on('error', () => this.monitors.get(node) === monitor && this.monitors.delete(node));
      this.monitors.set(node, monitor);
    }
    return new Promise<T[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      monitor.query(sql, (error, rows) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(rows as T[]);
      });
    });
  }
}
