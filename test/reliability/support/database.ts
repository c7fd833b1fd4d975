import { randomBytes } from 'node:crypto';
import { Connection, createConnection, createPool, Pool, RowDataPacket } from 'mysql2/promise';

export const MARIADB_SERVER = process.env.TEST_MARIADB_URL ?? 'mariadb://root@127.0.0.1:3306';
/** mysql2 knows the mysql: scheme only. */
const mysqlUri = (server: string) => server.replace(/^mariadb:/, 'mysql:');
const serverUri = mysqlUri(MARIADB_SERVER);

export function serverAddress(): { host: string; port: number } {
  const url = new URL(serverUri);
  return { host: url.hostname, port: Number(url.port || 3306) };
}

/** The server URL with another host and port (the app then reaches MariaDB through a proxy). */
export function databaseUrl(name: string, via?: { port: number }, server = MARIADB_SERVER): string {
  const url = new URL(server);
  if (via) {
    url.hostname = '127.0.0.1';
    url.port = String(via.port);
  }
  return `${url.toString().replace(/\/$/, '')}/${name}`;
}

export interface RequestLedger {
  userId: string;
  usages: number;
  usageAmount: number;
  refunds: number;
  refundAmount: number;
}

/**
 * A fresh MariaDB database for one suite, and a pool on it for the test's own checks (a separate
 * client: it shares nothing with the app processes).
 */
export class ReliabilityDatabase {
  /** Thread ids of the test's own connections, never counted as the app's. */
  private readonly ownThreads = new Set<number>();

  private pool: Pool;

  private constructor(
    readonly name: string,
    /** mariadb://user@host:port of the server the database is on. */
    readonly server: string,
  ) {
    this.pool = this.openPool();
  }

  /** A new database on `server` (default: TEST_MARIADB_URL, the shared server). */
  static async create(prefix: string, server = MARIADB_SERVER): Promise<ReliabilityDatabase> {
    const name = `tokens_rel_${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;
    const admin = await createConnection({ uri: mysqlUri(server) }).catch((error: Error) => {
      throw new Error(`MariaDB is not reachable at ${server} (${error.message})`);
    });
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    return new ReliabilityDatabase(name, server);
  }

  /** An existing database on `server` (e.g. the same database on another node of a Galera cluster). */
  static open(name: string, server: string): ReliabilityDatabase {
    return new ReliabilityDatabase(name, server);
  }

  private openPool(): Pool {
    const pool = createPool({
      uri: `${mysqlUri(this.server)}/${this.name}`,
      connectionLimit: 4,
      supportBigNumbers: true,
      bigNumberStrings: false,
    });
    pool.on('connection', (connection) => this.ownThreads.add(connection.threadId));
    return pool;
  }

  /** A fresh pool for the test's own queries, after the server restarted under the old one. */
  async reconnect(): Promise<void> {
    await this.pool.end().catch(() => undefined);
    this.pool = this.openPool();
  }

  /** Ends the test's own pool (the database stays). */
  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }

  url(via?: { port: number }): string {
    return databaseUrl(this.name, via, this.server);
  }

  async query<T = RowDataPacket>(sql: string, params: unknown[] = []): Promise<T[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(sql, params);
    return rows as unknown as T[];
  }

  /** Usage and refund rows per request, by the X-Request-Id the test sent (the entries' client_request_id). */
  async ledgerByRequest(): Promise<Map<string, RequestLedger>> {
    const rows = await this.query<{ request_id: string; user_id: string; type: string; n: number; total: number }>(
      `SELECT client_request_id AS request_id, user_id, type, COUNT(*) AS n, SUM(amount) AS total
         FROM token_ledger_entries
        WHERE client_request_id IS NOT NULL AND type IN ('usage', 'refund')
        GROUP BY client_request_id, user_id, type`,
    );
    const byRequest = new Map<string, RequestLedger>();
    for (const row of rows) {
      const entry = byRequest.get(row.request_id) ?? { userId: row.user_id, usages: 0, usageAmount: 0, refunds: 0, refundAmount: 0 };
      if (row.type === 'usage') {
        entry.usages += Number(row.n);
        entry.usageAmount += -Number(row.total);
      } else {
        entry.refunds += Number(row.n);
        entry.refundAmount += Number(row.total);
      }
      byRequest.set(row.request_id, entry);
    }
    return byRequest;
  }

  async balances(): Promise<Map<string, number>> {
    const rows = await this.query<{ user_id: string; balance: number }>('SELECT user_id, balance FROM token_accounts');
    return new Map(rows.map((r) => [r.user_id, Number(r.balance)]));
  }

  /**
   * Invariants 1 and 3 straight from the tables, for every account: balance == SUM(amount),
   * balance >= 0, seq 1..n without gaps, each balance_after the running sum, ledger_seq the last
   * seq. Returns one line per problem (empty: consistent).
   */
  async ledgerProblems(): Promise<string[]> {
    const accounts = await this.query<{ user_id: string; balance: number; ledger_seq: number }>(
      'SELECT user_id, balance, ledger_seq FROM token_accounts',
    );
    const entries = await this.query<{ user_id: string; seq: number; amount: number; balance_after: number }>(
      'SELECT user_id, seq, amount, balance_after FROM token_ledger_entries ORDER BY user_id, seq',
    );
    const byUser = new Map<string, { seq: number; amount: number; balanceAfter: number }[]>();
    for (const e of entries) {
      const list = byUser.get(e.user_id) ?? [];
      list.push({ seq: Number(e.seq), amount: Number(e.amount), balanceAfter: Number(e.balance_after) });
      byUser.set(e.user_id, list);
    }
    const problems: string[] = [];
    for (const account of accounts) {
      const balance = Number(account.balance);
      const list = byUser.get(account.user_id) ?? [];
      byUser.delete(account.user_id);
      let running = 0;
      list.forEach((e, i) => {
        running += e.amount;
        if (e.seq !== i + 1) problems.push(`${account.user_id}: row ${i + 1} has seq ${e.seq}`);
        if (e.balanceAfter !== running)
          problems.push(`${account.user_id}: seq ${e.seq} balance_after ${e.balanceAfter}, running sum ${running}`);
      });
      if (balance !== running) problems.push(`${account.user_id}: balance ${balance} != SUM(ledger) ${running}`);
      if (balance < 0) problems.push(`${account.user_id}: negative balance ${balance}`);
      if (Number(account.ledger_seq) !== list.length)
        problems.push(`${account.user_id}: ledger_seq ${account.ledger_seq}, ${list.length} rows`);
    }
    for (const userId of byUser.keys()) problems.push(`${userId}: ledger rows without an account`);
    return problems;
  }

  /** Ids of the connections the app processes hold on this database (not the test's own). */
  async appConnectionIds(): Promise<number[]> {
    const rows = await this.query<{ id: number }>(
      'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
      [this.name],
    );
    return rows.map((r) => Number(r.id)).filter((id) => !this.ownThreads.has(id));
  }

  async drop(): Promise<void> {
    await this.pool.end().catch(() => undefined);
    const admin = await createConnection({ uri: mysqlUri(this.server) });
    await admin.query(`DROP DATABASE IF EXISTS \`${this.name}\``);
    await admin.end();
  }
}

/**
 * Kills connections of the app processes from another session, every `intervalMs` (jittered):
 * `KILL <id>` of one connection picked at random among those on the database, busy or idle.
 */
export class ConnectionKiller {
  kills = 0;
  private stopped = false;
  private readonly loop: Promise<void>;

  private constructor(
    private readonly database: ReliabilityDatabase,
    private readonly killer: Connection,
    private readonly intervalMs: number,
  ) {
    this.loop = this.run();
  }

  static async start(database: ReliabilityDatabase, intervalMs: number): Promise<ConnectionKiller> {
    return new ConnectionKiller(database, await createConnection({ uri: serverUri }), intervalMs);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const ids = await this.database.appConnectionIds().catch(() => [] as number[]);
      if (ids.length > 0) {
        const id = ids[Math.floor(Math.random() * ids.length)];
        // The connection may have ended in the meantime (unknown thread): not a kill.
        await this.killer.query(`KILL CONNECTION ${id}`).then(
          () => (this.kills += 1),
          () => undefined,
        );
      }
      await new Promise((resolveSleep) => setTimeout(resolveSleep, this.intervalMs * (0.5 + Math.random())));
    }
  }

  /** Stops killing; resolves with the number of connections killed. */
  async stop(): Promise<number> {
    this.stopped = true;
    await this.loop;
    await this.killer.end().catch(() => undefined);
    return this.kills;
  }
}
