import { randomBytes } from 'node:crypto';

/** A PaymentIntent as the Stripe API answers it and its events carry it. */
export interface FakeIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  customer: string | null;
  payment_method: string | null;
  setup_future_usage: string | null;
  off_session: boolean | null;
  status: string;
  metadata: Record<string, string>;
  last_payment_error: { type: string; code: string; decline_code: string; message: string } | null;
}

/** What the API answered to one creation (replayed for a repeated Idempotency-Key, as Stripe does). */
interface Answer {
  status: number;
  body: unknown;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * Stripe's customers and PaymentIntents as the fake API serves them. An intent confirmed with a card in
 * `declinedCards` fails as the real API answers it: 402 with a `card_error` (`card_declined`) whose
 * `payment_intent` is the failed intent (status `requires_payment_method`); any other card succeeds.
 */
export class FakeStripeIntents {
  /** Cards (payment method ids) every payment with fails. */
  readonly declinedCards = new Set<string>();
  /** Every intent created, in order (a repeated Idempotency-Key creates none). */
  readonly created: FakeIntent[] = [];
  /** Idempotency-Key of each creation request received, repeats included. */
  readonly keysReceived: string[] = [];
  /** Creations to carry out but answer by dropping the connection (an answer lost on the way). */
  dropAnswers = 0;
  /** How long each creation takes to answer (a slow Stripe). */
  answerDelayMs = 0;
  private readonly answers = new Map<string, Answer>();
  private readonly customers = new Map<string, { id: string; object: 'customer'; metadata: Record<string, string> }>();

  createCustomer(key: string, form: URLSearchParams) {
    let customer = this.customers.get(key);
    if (!customer) {
      customer = { id: `cus_test_${hex(8)}`, object: 'customer', metadata: { userId: form.get('metadata[userId]') ?? '' } };
      this.customers.set(key, customer);
    }
    return customer;
  }

  get customersCreated(): number {
    return this.customers.size;
  }

  createIntent(key: string, form: URLSearchParams): Answer {
    this.keysReceived.push(key);
    const replay = this.answers.get(key);
    if (replay) return replay;
    const paymentMethod = form.get('payment_method');
    const declined = paymentMethod !== null && this.declinedCards.has(paymentMethod);
    const amount = Number(form.get('amount'));
    const intent: FakeIntent = {
      id: `pi_test_${hex(12)}`,
      object: 'payment_intent',
      amount,
      amount_received: declined ? 0 : amount,
      currency: form.get('currency') ?? '',
      customer: form.get('customer'),
      payment_method: paymentMethod,
      setup_future_usage: null,
      off_session: form.get('off_session') === 'true',
      status: declined ? 'requires_payment_method' : 'succeeded',
      metadata: { purchaseId: form.get('metadata[purchaseId]') ?? '', userId: form.get('metadata[userId]') ?? '' },
      last_payment_error: declined
        ? { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' }
        : null,
    };
    this.created.push(intent);
    const answer: Answer = declined
      ? {
          status: 402,
          body: {
            error: {
              type: 'card_error',
              code: 'card_declined',
              decline_code: 'insufficient_funds',
              message: 'Your card has insufficient funds.',
              payment_intent: intent,
              request_log_url: 'https://dashboard.stripe.com/test/logs/req_fake',
            },
          },
        }
      : { status: 200, body: intent };
    this.answers.set(key, answer);
    return answer;
  }

  /** A copy of the intent as created, for the events a test sends about it. */
  intent(id: string): FakeIntent {
    const intent = this.created.find((each) => each.id === id);
    if (!intent) throw new Error(`the fake Stripe API created no PaymentIntent ${id}`);
    return { ...intent, metadata: { ...intent.metadata } };
  }
}
