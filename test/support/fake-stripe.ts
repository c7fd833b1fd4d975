import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const STRIPE_TEST_KEYS = {
  STRIPE_SECRET_KEY: 'sk_test_fake_0123456789abcdef',
  STRIPE_WEBHOOK_SECRET: 'whsec_fake_0123456789abcdefghijklmnop',
};

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  form: URLSearchParams;
}

export interface FakeSession {
  id: string;
  object: 'checkout.session';
  url: string;
  mode: string;
  status: string;
  payment_status: string;
  amount_total: number;
  currency: string;
  client_reference_id: string | null;
  metadata: Record<string, string>;
}

/** The part of the Stripe API the app uses: POST /v1/checkout/sessions, honouring Idempotency-Key. */
export class FakeStripeApi {
  readonly requests: RecordedRequest[] = [];
  /** When set, every request is answered with this status and error body. */
  failure: { status: number; body: unknown } | null = null;
  private readonly byIdempotencyKey = new Map<string, FakeSession>();
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, form });
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${randomBytes(6).toString('hex')}` });
        res.end(JSON.stringify(body));
      };
      if (this.failure) return send(this.failure.status, this.failure.body);
      if (req.method !== 'POST' || req.url !== '/v1/checkout/sessions')
        return send(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${req.url})` } });
      const key = String(req.headers['idempotency-key'] ?? randomUUID());
      let session = this.byIdempotencyKey.get(key);
      if (!session) {
        const id = `cs_test_${randomBytes(12).toString('hex')}`;
        session = {
          id,
          object: 'checkout.session',
          url: `https://checkout.stripe.com/c/pay/${id}`,
          mode: form.get('mode') ?? '',
          status: 'open',
          payment_status: 'unpaid',
          amount_total: Number(form.get('line_items[0][price_data][unit_amount]')) * Number(form.get('line_items[0][quantity]')),
          currency: form.get('line_items[0][price_data][currency]') ?? '',
          client_reference_id: form.get('client_reference_id'),
          metadata: { purchaseId: form.get('metadata[purchaseId]') ?? '' },
        };
        this.byIdempotencyKey.set(key, session);
      }
      send(200, session);
    });
  });

  /** What makes the app's Stripe SDK call this server instead of Stripe. */
  env(port: number): Record<string, string> {
    return {
      PAYMENT_PROVIDER: 'stripe',
      ...STRIPE_TEST_KEYS,
      STRIPE_API_HOST: '127.0.0.1',
      STRIPE_API_PORT: String(port),
      STRIPE_API_PROTOCOL: 'http',
    };
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
