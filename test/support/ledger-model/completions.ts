/** Completion steps of the ledger property test: the built-in model, and an upstream whose usage may exceed the hold. */
import { affordableOutputOf, countTokens, estimatePromptTokens, maxPriceOf, priceOf } from '../../../src/completions/index.js';
import { balanceOf, charge, collect, type Model, type Real, Step } from './model.js';

/** The built-in completion model's prices, as seeded. */
const LOCAL_MODEL = { inputPer1k: 10, outputPer1k: 30, maxOutputTokens: 1024 };
const COMPLETION_MESSAGES = [{ role: 'user' as const, content: 'model the ledger, please' }];
/** The least output limit a completion without one is lowered to (MIN_OUTPUT_TOKENS's default). */
const MIN_OUTPUT_TOKENS = 16;

/**
 * A completion of the built-in model, metered by its actual usage: it holds its most expensive outcome
 * first, then is charged what its usage costs. With an explicit limit the balance cannot cover, or one
 * lowered to what the balance affords below MIN_OUTPUT_TOKENS, it is 402 and nothing changes.
 */
export class CompletionCommand extends Step {
  constructor(
    readonly who: number,
    readonly maxTokens: number | undefined,
  ) {
    super();
  }
  protected async apply(model: Model, real: Real): Promise<void> {
    const account = model.accounts[this.who];
    const promptTokens = estimatePromptTokens(COMPLETION_MESSAGES);
    let limit = Math.min(this.maxTokens ?? LOCAL_MODEL.maxOutputTokens, LOCAL_MODEL.maxOutputTokens);
    // Without an explicit limit, a balance short of the default hold lowers the limit to what it affords.
    if (this.maxTokens === undefined && balanceOf(account) < maxPriceOf(LOCAL_MODEL, promptTokens, limit))
      limit = Math.min(limit, affordableOutputOf(LOCAL_MODEL, promptTokens, 1, balanceOf(account)));
    const hold = maxPriceOf(LOCAL_MODEL, promptTokens, limit);
    const response = await real.t.http.post(
      '/v1/chat/completions',
      { model: 'local', messages: COMPLETION_MESSAGES, ...(this.maxTokens === undefined ? {} : { max_tokens: this.maxTokens }) },
      { token: account.user.token },
    );
    if ((this.maxTokens === undefined && limit < MIN_OUTPUT_TOKENS) || balanceOf(account) < hold) {
      expect([response.status, response.body.error?.code]).toEqual([402, 'INSUFFICIENT_TOKENS']);
      return;
    }
    expect([response.status, response.headers.get('x-tokens-output-limit')]).toEqual([200, String(limit)]);
    const { prompt_tokens, completion_tokens } = response.body.usage;
    const price = priceOf(LOCAL_MODEL, prompt_tokens, completion_tokens);
    expect(price).toBeLessThanOrEqual(hold);
    // Hold, release and usage together move the buckets exactly as a charge of the actual price would.
    expect(charge(account, price)).toBe(true);
    expect([Number(response.headers.get('x-tokens-charged')), Number(response.headers.get('x-tokens-remaining'))]).toEqual([
      price,
      balanceOf(account),
    ]);
  }
  override toString(): string {
    return `completion(${this.who}, ${this.maxTokens ?? 'default'})`;
  }
}

/** Inputs of embeddings of the built-in model: the price is their tokens at its input price, at least 1. */
const EMBEDDING_TEXTS = ['a short text', 'ledger '.repeat(150), 'tokens '.repeat(400)];

/**
 * Embeddings of the built-in model, charged before the work like a fixed price: `ceil(promptTokens *
 * inputPer1k / 1000)` of the input's tokens, 402 (nothing changed) when the balance is short.
 */
export class EmbeddingCommand extends Step {
  constructor(
    readonly who: number,
    readonly texts: number,
  ) {
    super();
  }
  protected async apply(model: Model, real: Real): Promise<void> {
    const account = model.accounts[this.who];
    const input = EMBEDDING_TEXTS.slice(0, this.texts);
    const promptTokens = input.reduce((sum, text) => sum + countTokens(text), 0);
    const price = priceOf(LOCAL_MODEL, promptTokens, 0);
    const response = await real.t.http.post('/v1/embeddings', { model: 'local', input, dimensions: 8 }, { token: account.user.token });
    if (!charge(account, price)) {
      expect([response.status, response.body.error?.code]).toEqual([402, 'INSUFFICIENT_TOKENS']);
      return;
    }
    expect([response.status, response.body.usage.prompt_tokens, response.body.data.length]).toEqual([200, promptTokens, input.length]);
    expect([Number(response.headers.get('x-tokens-charged')), Number(response.headers.get('x-tokens-remaining'))]).toEqual([
      price,
      balanceOf(account),
    ]);
  }
  override toString(): string {
    return `embedding(${this.who}, ${this.texts})`;
  }
}

/** A model of an upstream whose usage may exceed what the service estimated (e.g. another tokenizer). */
export const UPSTREAM_MODEL = { inputPer1k: 1000, outputPer1k: 1000, maxOutputTokens: 5 };
const UPSTREAM_MESSAGES = [{ role: 'user' as const, content: 'a b c' }];

/**
 * A completion on the upstream that reports `promptTokens`: charged its actual price whatever the hold
 * was, the balance never below 0, the rest owed.
 */
export class UpstreamCompletionCommand extends Step {
  constructor(
    readonly who: number,
    readonly promptTokens: number,
  ) {
    super();
  }
  protected async apply(model: Model, real: Real): Promise<void> {
    const account = model.accounts[this.who];
    const hold = maxPriceOf(UPSTREAM_MODEL, estimatePromptTokens(UPSTREAM_MESSAGES), UPSTREAM_MODEL.maxOutputTokens);
    const affordable = balanceOf(account) >= hold;
    real.upstream.reset();
    if (affordable) real.upstream.next({ kind: 'usage', promptTokens: this.promptTokens });
    const response = await real.t.http.post(
      '/v1/chat/completions',
      { model: 'fake-gpt', messages: UPSTREAM_MESSAGES, max_tokens: UPSTREAM_MODEL.maxOutputTokens },
      { token: account.user.token },
    );
    if (!affordable) return expect([response.status, response.body.error?.code]).toEqual([402, 'INSUFFICIENT_TOKENS']);
    expect(response.status).toBe(200);
    const price = priceOf(UPSTREAM_MODEL, this.promptTokens, response.body.usage.completion_tokens);
    collect(account, price);
    account.used += price;
    expect([Number(response.headers.get('x-tokens-charged')), Number(response.headers.get('x-tokens-remaining'))]).toEqual([
      price,
      balanceOf(account),
    ]);
  }
  override toString(): string {
    return `upstreamCompletion(${this.who}, ${this.promptTokens})`;
  }
}
