import { createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A TCP proxy between the app and MariaDB, so a test can take the database away from one app
 * without touching the server other work uses.
 * - cut(): every open connection is destroyed and the port stops accepting (connection refused):
 *   the database server went down.
 * - blackhole(): every open connection is destroyed; new connections are accepted and then left
 *   without an answer: the database host is unreachable (a network partition), where a client
 *   without timeouts waits forever.
 * - cutAtNextCommit(): the next COMMIT statement a client sends reaches the server (or, with
 *   `deliver: false`, does not), its answer never comes back, then the proxy cuts. Either way the
 *   client cannot know whether its transaction committed.
 * - dropAtNextCommit(): the same, but only that connection is lost; the database stays reachable.
 * - restore(): forwards again on the same port.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private mode: 'forward' | 'blackhole' = 'forward';
  /** Set by cutAtNextCommit() and dropAtNextCommit(); `spring` gets what ends the caught connection. */
  private commitTrap: { deliver: boolean; skip: number; spring: (endConnection: () => void) => void } | null = null;
  /** Connections accepted so far (each one is a new database connection of the app). */
  accepted = 0;
  /** The app's connections through the proxy that are open now. */
  private readonly clients = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }, port = 0): Promise<TcpProxy> {
    const proxy = new TcpProxy(port, target);
    const bound = await proxy.listen(port);
    return Object.assign(proxy, { port: bound });
  }

  private listen(port: number): Promise<number> {
    return new Promise((resolveListen, reject) => {
      const server = createServer((client) => this.accept(client));
      server.on('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.server = server;
        resolveListen((server.address() as { port: number }).port);
      });
    });
  }

  get openConnections(): number {
    return this.clients.size;
  }

  private accept(client: Socket): void {
    this.accepted += 1;
    this.clients.add(client);
    client.on('close', () => this.clients.delete(client));
    this.track(client);
    if (this.mode === 'blackhole') return; // accepted, never answered
    const upstream = createConnection(this.target);
    this.track(upstream);
    let answering = true;
    client.on('data', (chunk: Buffer) => {
      const trap = this.commitTrap;
      if (trap && isCommit(chunk) && trap.skip-- <= 0) {
        this.commitTrap = null;
        answering = false; // the client never hears back
        trap.spring(() => (client.destroy(), upstream.destroy()));
        if (!trap.deliver) return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => answering && client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }

  private destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  /** The database goes down: open connections are reset, new ones refused. */
  async cut(): Promise<void> {
    const closed = this.closeServer();
    this.destroyAll();
    await closed;
  }

  /** The database becomes unreachable: open connections are dropped, new ones hang. */
  async blackhole(): Promise<void> {
    this.mode = 'blackhole';
    if (!this.server) await this.listen(this.port);
    this.destroyAll();
  }

  /**
   * Arms the trap; resolves once a COMMIT was caught and the proxy has cut (as cut()), leaving a
   * delivered COMMIT time to commit first. `skip` lets that many COMMITs through first.
   */
  async cutAtNextCommit({ deliver, skip = 0 }: { deliver: boolean; skip?: number }, timeoutMs = 10_000): Promise<void> {
    await this.nextCommit(deliver, skip, timeoutMs);
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
    await this.cut();
  }

  /**
   * Like cutAtNextCommit, but only the connection that sent the COMMIT is lost (as when the server
   * kills it): the database stays reachable, so the client can check what became of its transaction.
   */
  async dropAtNextCommit({ deliver, skip = 0 }: { deliver: boolean; skip?: number }, timeoutMs = 10_000): Promise<void> {
    const endConnection = await this.nextCommit(deliver, skip, timeoutMs);
    if (deliver) await new Promise((resolveWait) => setTimeout(resolveWait, 200));
    endConnection();
  }

  /** Resolves, with what ends its connection, when the trap caught a COMMIT (after `skip` others). */
  private nextCommit(deliver: boolean, skip: number, timeoutMs: number): Promise<() => void> {
    return new Promise<() => void>((resolveSprung, reject) => {
      const timer = setTimeout(() => {
        this.commitTrap = null;
        reject(new Error(`no COMMIT went through the proxy within ${timeoutMs} ms`));
      }, timeoutMs);
      this.commitTrap = { deliver, skip, spring: (endConnection) => (clearTimeout(timer), resolveSprung(endConnection)) };
    });
  }

  /** Back in service, on the same port. */
  async restore(): Promise<void> {
    // Connections left hanging by blackhole() would never be answered: drop them.
    if (this.mode === 'blackhole') this.destroyAll();
    this.mode = 'forward';
    if (!this.server) await this.listen(this.port);
  }

  async close(): Promise<void> {
    const closed = this.closeServer();
    this.destroyAll();
    await closed;
  }

  private closeServer(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return Promise.resolve();
    return new Promise((resolveClose) => server.close(() => resolveClose()));
  }
}

/** A MySQL protocol COM_QUERY packet whose statement is COMMIT (3-byte length, sequence id, 0x03). */
function isCommit(chunk: Buffer): boolean {
  return chunk.length >= 11 && chunk[4] === 0x03 && chunk.subarray(5, 11).toString('latin1').toUpperCase() === 'COMMIT';
}
