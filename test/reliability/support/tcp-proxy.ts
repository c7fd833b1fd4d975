import { createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A TCP proxy between the app and MariaDB, so a test can take the database away from one app
 * without touching the server other work uses.
 * - cut(): every open connection is destroyed and the port stops accepting (connection refused):
 *   the database server went down.
 * - blackhole(): every open connection is destroyed; new connections are accepted and then left
 *   without an answer: the database host is unreachable (a network partition), where a client
 *   without timeouts waits forever.
 * - restore(): forwards again on the same port.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private mode: 'forward' | 'blackhole' = 'forward';
  /** Connections accepted so far (each one is a new database connection of the app). */
  accepted = 0;

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }, port = 0): Promise<TcpProxy> {
    const proxy = new TcpProxy(port, target);
    const bound = await proxy.listen(port);
    return Object.assign(proxy, { port: bound }) as TcpProxy;
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

  private accept(client: Socket): void {
    this.accepted += 1;
    this.track(client);
    if (this.mode === 'blackhole') return; // accepted, never answered
    const upstream = createConnection(this.target);
    this.track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
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
