import { createHmac } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** Date.now() when it arrived. */
  at: number;
  /** What the receiver answered; null while (or when) it did not answer. */
  status: number | null;
}

/** A local webhook receiver on 127.0.0.1; `respond` decides the status of each delivery (or hangs when it returns null). */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  respond: (delivery: ReceivedWebhook) => number | null = () => 200;
  /** Time taken before each answer. */
  delayMs = 0;
  private server?: Server;

  async start(port = 0): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const delivery: ReceivedWebhook = {
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
          status: null,
        };
        this.received.push(delivery);
        const status = this.respond(delivery);
        if (status === null) return;
        setTimeout(() => {
          delivery.status = status;
          response.writeHead(status).end();
        }, this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/tokens`;
  }

  of(userId: string): (ReceivedWebhook & { json: any })[] {
    return this.received.map((d) => ({ ...d, json: JSON.parse(d.body) })).filter((d) => d.json.data?.userId === userId);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** Whether `X-Signature` is the hex HMAC-SHA256 of the raw body with `secret`, as a receiver checks it. */
export function signatureVerifies(delivery: ReceivedWebhook, secret: string): boolean {
  return delivery.headers['x-signature'] === createHmac('sha256', secret).update(delivery.body).digest('hex');
}

export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  for (const started = Date.now(); !(await condition());) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
