/**
 * A local 3-node MariaDB Galera cluster for tests and benchmarks, driven through the project's script
 * (scripts/galera/cluster.sh, which documents the ports and the node configuration). Each node is read
 * over SQL for its wsrep state. Free of jest, so a benchmark can use it too (`describeOnGalera` is in
 * galera-suite.ts).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createConnection, type RowDataPacket } from 'mysql2/promise';

export type GaleraNode = 1 | 2 | 3;
export const GALERA_NODES: readonly GaleraNode[] = [1, 2, 3];

export interface GaleraClusterOptions {
  /** Where the nodes live (GALERA_DIR); default /tmp/token-metering-galera, the script's own. */
  dir?: string;
  /** Node N's SQL port is port + N (GALERA_PORT); default 13300. */
  port?: number;
  /** Created by up(); default tokens. */
  database?: string;
}

export interface GaleraCluster {
  readonly dir: string;
  /** The DATABASE_URL listing the three nodes: mysql://root@127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3/<database>. */
  readonly url: string;
  /** One node alone: mysql://root@127.0.0.1:PN/<database>. */
  nodeUrl(node: GaleraNode): string;
  /** A fresh cluster (earlier data removed, a node left from an earlier run killed); all three nodes Synced. */
  up(): Promise<void>;
  /** Every node stopped (TERM, waited). */
  down(): Promise<void>;
  /** down(), then the directory removed. */
  clean(): Promise<void>;
  /** A stopped node started again; resolves once it is Synced. */
  start(node: GaleraNode): Promise<void>;
  /** TERM, and its exit waited for. */
  stop(node: GaleraNode): Promise<void>;
  /** SIGKILL: a crash. */
  kill9(node: GaleraNode): Promise<void>;
  /** A killed node restarted from the position --wsrep-recover finds (it catches up by IST); resolves once Synced. */
  recover(node: GaleraNode): Promise<void>;
  /** wsrep_local_state_comment (Synced, Joining, Donor/Desynced, ...), or 'unreachable' when the node does not answer. */
  state(node: GaleraNode): Promise<string>;
  waitSynced(node: GaleraNode, timeoutMs?: number): Promise<void>;
}

const run = promisify(execFile);
const HOST = '127.0.0.1';

export function galeraCluster(options: GaleraClusterOptions = {}): GaleraCluster {
  const dir = options.dir ?? '/tmp/token-metering-galera';
  const port = options.port ?? 13300;
  const database = options.database ?? 'tokens';
  const sqlPort = (node: GaleraNode) => port + node;
  const env = { ...process.env, GALERA_DIR: dir, GALERA_PORT: String(port), GALERA_DATABASE: database };

  const script = async (...args: string[]): Promise<string> => {
    try {
      const { stdout } = await run('bash', [clusterScript(), ...args], { env, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });
      return stdout;
    } catch (error) {
      const { stderr, message } = error as { stderr?: string; message: string };
      throw new Error(`cluster.sh ${args.join(' ')} failed: ${stderr?.trim() || message}`, { cause: error });
    }
  };

  const state = async (node: GaleraNode): Promise<string> => {
    const connection = await createConnection({ host: HOST, port: sqlPort(node), user: 'root', connectTimeout: 2000 }).catch(() => null);
    if (!connection) return 'unreachable';
    try {
      const [rows] = await connection.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'");
      return String(rows[0]?.Value ?? 'unreachable');
    } catch {
      return 'unreachable';
    } finally {
      connection.destroy();
    }
  };

  return {
    dir,
    url: `mysql://root@${GALERA_NODES.map((node) => `${HOST}:${sqlPort(node)}`).join(',')}/${database}`,
    nodeUrl: (node) => `mysql://root@${HOST}:${sqlPort(node)}/${database}`,
    up: async () => void (await script('up')),
    down: async () => void (await script('down')),
    clean: async () => void (await script('clean')),
    start: async (node) => void (await script('start', String(node))),
    stop: async (node) => void (await script('stop', String(node))),
    kill9: async (node) => void (await script('kill9', String(node))),
    recover: async (node) => void (await script('recover', String(node))),
    state,
    waitSynced: async (node, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = await state(node);
        if (current === 'Synced') return;
        if (Date.now() >= deadline)
          throw new Error(`Galera node ${node} (${HOST}:${sqlPort(node)}) not Synced after ${timeoutMs} ms: ${current}`);
        await new Promise((wake) => setTimeout(wake, 250));
      }
    },
  };
}

/** scripts/galera/cluster.sh, found from here both in the sources and in a benchmark's compiled copy. */
function clusterScript(): string {
  for (let folder = dirname(fileURLToPath(import.meta.url)); ; folder = dirname(folder)) {
    const candidate = join(folder, 'scripts', 'galera', 'cluster.sh');
    if (existsSync(candidate)) return candidate;
    if (dirname(folder) === folder) throw new Error('scripts/galera/cluster.sh not found above ' + fileURLToPath(import.meta.url));
  }
}
