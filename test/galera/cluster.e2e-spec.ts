/**
 * The local Galera cluster script (scripts/galera/cluster.sh) through its test helper: three nodes come
 * up Synced, a write on one is read on the others, a node killed with SIGKILL leaves the other two
 * taking writes, and the killed node, restarted from the position --wsrep-recover finds, catches up by
 * IST (not a full SST) with the rows written while it was away. Runs with GALERA=1 only; its own
 * directory and ports (GALERA_TEST_DIR, GALERA_TEST_PORT) keep a developer's cluster untouched.
 */
import { readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { galeraCluster, type GaleraNode } from '../support/galera.js';
import { describeOnGalera } from '../support/galera-suite.js';
import { TEST_DB } from '../support/test-database.js';

const cluster = galeraCluster({
  dir: process.env.GALERA_TEST_DIR ?? join(tmpdir(), 'token-metering-galera-e2e'),
  port: Number(process.env.GALERA_TEST_PORT ?? 13400),
});
const port = (node: GaleraNode) => Number(new URL(cluster.nodeUrl(node)).port);

/** A connection to one node that reads causally: it first waits until the node has applied every write-set committed before. */
async function connect(node: GaleraNode): Promise<Connection> {
  const connection = await createConnection({ host: '127.0.0.1', port: port(node), user: 'root', database: 'tokens' });
  await connection.query('SET SESSION wsrep_sync_wait = 1');
  return connection;
}

async function write(node: GaleraNode, note: string): Promise<void> {
  const connection = await connect(node);
  try {
    await connection.query('INSERT INTO probe (node, note) VALUES (?, ?)', [node, note]);
  } finally {
    await connection.end();
  }
}

async function notes(node: GaleraNode): Promise<string[]> {
  const connection = await connect(node);
  try {
    const [rows] = await connection.query<RowDataPacket[]>('SELECT note FROM probe ORDER BY note');
    return rows.map((row) => String(row.note));
  } finally {
    await connection.end();
  }
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = Date.now();
  await work();
  return Date.now() - started;
}

// The cluster does not depend on the app's database: checked once, in the SQLite run.
(TEST_DB === 'sqlite' ? describeOnGalera : describe.skip)('a local 3-node Galera cluster (scripts/galera/cluster.sh)', () => {
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    timings.up = await timed(() => cluster.up());
  }, 300_000);

  afterAll(async () => {
    timings.clean = await timed(() => cluster.clean());
    console.log(`galera cluster timings (ms): ${JSON.stringify(timings)}`);
  }, 120_000);

  it('comes up with three Synced nodes and the database, and lists them in its URL', async () => {
    expect(await Promise.all([cluster.state(1), cluster.state(2), cluster.state(3)])).toEqual(['Synced', 'Synced', 'Synced']);
    expect(cluster.url).toBe(`mysql://root@127.0.0.1:${port(1)},127.0.0.1:${port(2)},127.0.0.1:${port(3)}/tokens`);
    const connection = await connect(1);
    await connection.query('CREATE TABLE probe (id INT AUTO_INCREMENT PRIMARY KEY, node TINYINT NOT NULL, note VARCHAR(40) NOT NULL)');
    await connection.end();
  });

  it('replicates a write on node 1 to nodes 2 and 3', async () => {
    await write(1, 'a: on node 1');
    expect(await notes(2)).toEqual(['a: on node 1']);
    expect(await notes(3)).toEqual(['a: on node 1']);
  });

  it('takes writes on nodes 1 and 3 after node 2 is killed', async () => {
    await cluster.kill9(2);
    expect(await cluster.state(2)).toBe('unreachable');
    // The first write waits until the survivors have evicted node 2 (evs.suspect_timeout).
    timings.firstWriteAfterKill = await timed(() => write(1, 'b: on node 1, node 2 dead'));
    await write(3, 'c: on node 3, node 2 dead');
    expect(await notes(1)).toEqual(['a: on node 1', 'b: on node 1, node 2 dead', 'c: on node 3, node 2 dead']);
    expect(await notes(3)).toEqual(await notes(1));
  });

  it('recovers node 2 by --wsrep-recover and IST, with the rows written while it was away', async () => {
    const log = join(cluster.dir, 'node2', 'error.log');
    const logBefore = statSync(log).size;
    timings.recover = await timed(() => cluster.recover(2));
    expect(await cluster.state(2)).toBe('Synced');
    expect(await notes(2)).toEqual(['a: on node 1', 'b: on node 1, node 2 dead', 'c: on node 3, node 2 dead']);
    const rejoin = readFileSync(log, 'utf8').slice(logBefore);
    // With rsync, the SST script runs either way: it says whether it bypassed the copy for an IST.
    expect(rejoin).toMatch(/rsync IST completed on joiner/);
    expect(rejoin).not.toMatch(/rsync SST completed on joiner/);
    await write(2, 'd: on node 2, back');
    expect(await notes(1)).toContain('d: on node 2, back');
  });
});
