import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { FakeStripeIntents, type FakeIntent } from './fake-stripe-intents.js';
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
  /** The customer the session pays as (a checkout that saves the card). */
  customer: string | null;
  metadata: Record<string, string>;
  /** Null until the session is paid. */
  payment_intent: string | null;
}

/** A charge as Stripe sends it in `charge.refunded`: `amount_refunded` is cumulative. */
export interface FakeCharge {
  id: string;
  object: 'charge';
  payment_intent: string;
  amount: number;
  amount_refunded: number;
  currency: string;
  refunded: boolean;
}

export interface FakeDispute {
  id: string;
  object: 'dispute';
  charge: string;
  payment_intent: string;
  amount: number;
  currency: string;
  status: string;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * The part of the Stripe API the app uses: POST /v1/checkout/sessions, /v1/customers and
 * /v1/payment_intents (fake-stripe-intents.ts), honouring Idempotency-Key.
 * It also plays Stripe's side of a payment for the tests: what a session, its charge and a dispute
 * look like after payment, refunds and disputes, and the events that carry them.
 */
export class FakeStripeApi {
  readonly requests: RecordedRequest[] = [];
  /** When set, every request is answered with this status and error body. */
  failure: { status: number; body: unknown } | null = null;
  private readonly byIdempotencyKey = new Map<string, FakeSession>();
  private readonly sessions = new Map<string, FakeSession>();
  private readonly charges = new Map<string, FakeCharge>();
  /** Each session's `payment_intent_data[setup_future_usage]`. */
  private readonly sessionSetup = new Map<string, string | null>();
  /** Customers and off-session PaymentIntents (automatic top-up). */
  readonly intents = new FakeStripeIntents();
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
      const key = String(req.headers['idempotency-key'] ?? randomUUID());
      if (req.method === 'POST' && req.url === '/v1/checkout/sessions') return send(200, this.createSession(key, form));
      if (req.method === 'POST' && req.url === '/v1/customers') return send(200, this.intents.createCustomer(key, form));
      if (req.method === 'POST' && req.url === '/v1/payment_intents') {
        const answer = this.intents.createIntent(key, form);
        if (this.intents.dropAnswers > 0) {
          this.intents.dropAnswers -= 1;
          return res.destroy();
        }
        return void setTimeout(() => send(answer.status, answer.body), this.intents.answerDelayMs);
      }
      send(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${req.url})` } });
    });
  });

  private createSession(key: string, form: URLSearchParams): FakeSession {
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
        customer: form.get('customer'),
        metadata: { purchaseId: form.get('metadata[purchaseId]') ?? '' },
        payment_intent: null,
      };
      this.sessionSetup.set(id, form.get('payment_intent_data[setup_future_usage]'));
      this.byIdempotencyKey.set(key, session);
      this.sessions.set(id, session);
    }
    return session;
  }

  /**
   * The session created at checkout as Stripe sends it once the buyer finished: `paid` gives it a
   * payment intent and a charge (the same ones every time), `unpaid` (a delayed method) none yet.
   */
  session(id: string, paymentStatus: 'paid' | 'unpaid' = 'paid'): FakeSession {
    const session = this.sessions.get(id);
    if (!session) throw new Error(`the fake Stripe API created no session ${id}`);
    if (paymentStatus === 'paid' && !session.payment_intent) {
      session.payment_intent = `pi_test_${hex(12)}`;
      const charge: FakeCharge = {
        id: `ch_test_${hex(12)}`,
        object: 'charge',
        payment_intent: session.payment_intent,
        amount: session.amount_total,
        amount_refunded: 0,
        currency: session.currency,
        refunded: false,
      };
      this.charges.set(session.payment_intent, charge);
    }
    return { ...session, status: 'complete', payment_status: paymentStatus };
  }

  /**
   * The PaymentIntent of a paid session as `payment_intent.succeeded` carries it: its customer, the
   * card it paid with and `setup_future_usage` as the checkout asked.
   */
  sessionIntent(id: string): FakeIntent {
    const session = this.session(id);
    return {
      id: session.payment_intent!,
      object: 'payment_intent',
      amount: session.amount_total,
      amount_received: session.amount_total,
      currency: session.currency,
      customer: session.customer,
      payment_method: `pm_card_${id.slice(-12)}`,
      setup_future_usage: this.sessionSetup.get(id) ?? null,
      off_session: null,
      status: 'succeeded',
      metadata: { ...session.metadata },
      last_payment_error: null,
    };
  }

  /** Refunds `amount` more of the payment: the charge as `charge.refunded` then carries it. */
  refund(paymentIntent: string, amount: number): FakeCharge {
    const charge = this.chargeOf(paymentIntent);
    charge.amount_refunded = Math.min(charge.amount, charge.amount_refunded + amount);
    charge.refunded = charge.amount_refunded === charge.amount;
    return { ...charge };
  }

  /** A dispute of the payment's charge, in the given status (`needs_response` when opened, `won` or `lost` when closed). */
  dispute(paymentIntent: string, status: string): FakeDispute {
    const charge = this.chargeOf(paymentIntent);
    return {
      id: `dp_test_${charge.id.slice(-12)}`,
      object: 'dispute',
      charge: charge.id,
      payment_intent: paymentIntent,
      amount: charge.amount,
      currency: charge.currency,
      status,
    };
  }

  /** An event as Stripe sends it, with a new id. */
  event<T extends object>(type: string, object: T) {
    return {
      id: `evt_${hex(12)}`,
      object: 'event',
      api_version: '2026-10-28.endive',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      type,
      data: { object },
    };
  }

  private chargeOf(paymentIntent: string): FakeCharge {
    const intent = this.intents.created.find((each) => each.id === paymentIntent && each.status === 'succeeded');
    if (intent && !this.charges.has(paymentIntent)) {
      const { amount, currency } = intent;
      this.charges.set(paymentIntent, {
        id: `ch_test_${hex(12)}`,
        object: 'charge',
        payment_intent: paymentIntent,
        amount,
        amount_refunded: 0,
        currency,
        refunded: false,
      });
    }
    const charge = this.charges.get(paymentIntent);
    if (!charge) throw new Error(`the fake Stripe API has no charge for ${paymentIntent}`);
    return charge;
  }

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
