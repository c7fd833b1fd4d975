/**
 * The pure helpers of the completions: the price formula (exact, rounded up, never above the hold),
 * the output limit, and the token counts (gpt-tokenizer's o200k_base, loaded as an ES module under
 * Jest's ESM mode as in the app).
 */
import fc from 'fast-check';
import { encodeChat } from 'gpt-tokenizer';
import { maxPriceOf, outputLimitOf, priceOf } from '../../src/completions/pricing.js';
import {
  countTokens,
  estimatePromptTokens,
  REPLY_PRIMING_TOKENS,
  TOKENS_PER_MESSAGE,
  TOKENS_PER_NAME,
  type CountedMessage,
} from '../../src/completions/tokenizer.js';

const LOCAL = { inputPer1k: 10, outputPer1k: 30, maxOutputTokens: 1024 };

describe('priceOf: ceil((promptTokens * inputPer1k + completionTokens * outputPer1k) / 1000)', () => {
  it.each([
    [0, 0, 0],
    [1, 0, 1], // 10 / 1000 rounds up to 1
    [100, 0, 1], // 1000 / 1000 = 1 exactly
    [101, 0, 2], // 1010 / 1000
    [0, 1, 1],
    [0, 34, 2], // 1020 / 1000
    [1000, 1000, 40],
    [1500, 333, 25], // (15000 + 9990) / 1000 = 24.99
    [12, 48, 2], // (120 + 1440) / 1000 = 1.56
  ])('local model (10 / 30 per 1k): %i prompt and %i completion tokens cost %i', (prompt, completion, price) => {
    expect(priceOf(LOCAL, prompt, completion)).toBe(price);
  });

  it('is free when both prices are 0, and exact far beyond 2^53 intermediate values', () => {
    expect(priceOf({ inputPer1k: 0, outputPer1k: 0 }, 1_000_000, 1_000_000)).toBe(0);
    // 10,000,003 * 999,999,999 is beyond 2^53, where doubles lose integers; the result is still exact.
    expect(priceOf({ inputPer1k: 999_999_999, outputPer1k: 0 }, 10_000_003, 0)).toBe(Number((10_000_003n * 999_999_999n + 999n) / 1000n));
    expect(priceOf({ inputPer1k: 999_999_999, outputPer1k: 0 }, 10_000_003, 0)).toBe(10_000_002_990_000);
  });

  it('refuses negative, fractional or unsafe inputs and prices beyond Number.MAX_SAFE_INTEGER', () => {
    expect(() => priceOf(LOCAL, -1, 0)).toThrow(RangeError);
    expect(() => priceOf(LOCAL, 1.5, 0)).toThrow(RangeError);
    expect(() => priceOf(LOCAL, 0, Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
    expect(() => priceOf({ inputPer1k: -1, outputPer1k: 0 }, 1, 0)).toThrow(RangeError);
    expect(() => priceOf({ inputPer1k: 1_000_000_000, outputPer1k: 0 }, Number.MAX_SAFE_INTEGER, 0)).toThrow(RangeError);
  });

  it('matches the formula computed with exact integers, and never exceeds the hold of a smaller or equal usage', () => {
    const count = fc.integer({ min: 0, max: 2_000_000 });
    const price = fc.integer({ min: 0, max: 1_000_000_000 });
    fc.assert(
      fc.property(price, price, count, count, count, (inputPer1k, outputPer1k, prompt, completion, limit) => {
        const model = { inputPer1k, outputPer1k };
        const exact = (BigInt(prompt) * BigInt(inputPer1k) + BigInt(completion) * BigInt(outputPer1k) + 999n) / 1000n;
        expect(priceOf(model, prompt, completion)).toBe(Number(exact));
        const held = maxPriceOf(model, prompt, Math.max(limit, completion));
        expect(priceOf(model, prompt, completion)).toBeLessThanOrEqual(held);
      }),
      { seed: 20_261_121, numRuns: 500 },
    );
  });

  it('maxPriceOf is the price of the whole output limit', () => {
    expect(maxPriceOf(LOCAL, 20, 1024)).toBe(priceOf(LOCAL, 20, 1024));
    expect(maxPriceOf(LOCAL, 20, 1024)).toBe(Math.ceil((20 * 10 + 1024 * 30) / 1000));
  });
});

describe('outputLimitOf: the request limit capped at, and defaulting to, the model maxOutputTokens', () => {
  it('defaults to the model limit and caps a larger request', () => {
    expect([outputLimitOf(LOCAL), outputLimitOf(LOCAL, null), outputLimitOf(LOCAL, 100), outputLimitOf(LOCAL, 5000)]).toEqual([
      1024, 1024, 100, 1024,
    ]);
    expect(() => outputLimitOf(LOCAL, 0)).toThrow(RangeError);
    expect(() => outputLimitOf(LOCAL, 2.5)).toThrow(RangeError);
  });
});

describe('token counts (gpt-tokenizer, o200k_base)', () => {
  it('counts the tokens of a text', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens('hello world')).toBe(2);
    expect(countTokens('Local')).toBe(1);
    expect(countTokens('Cold brew coffee is brewed with cold water over many hours.')).toBeGreaterThan(8);
  });

  it('counts text that looks like a special token as plain text instead of refusing it', () => {
    expect(countTokens('a <|endoftext|> b')).toBeGreaterThan(3);
    expect(countTokens('<|im_start|>system<|im_end|>')).toBeGreaterThan(3);
  });

  it('counts emoji, other scripts and lone surrogates without throwing', () => {
    for (const text of ['💥👩‍👩‍👧‍👦', 'مرحبا بالعالم', '日本語のテキスト', 'x\ud800y', '\u0000']) expect(countTokens(text)).toBeGreaterThan(0);
  });

  it('estimates prompt tokens as content + role tokens + 3 per message (+1 and the tokens of a name) + 3 to prime the reply', () => {
    const messages: CountedMessage[] = [
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'How do I make cold brew coffee at home?', name: 'ada' },
    ];
    const expected =
      REPLY_PRIMING_TOKENS +
      TOKENS_PER_MESSAGE +
      countTokens('system') +
      countTokens('You are helpful.') +
      TOKENS_PER_MESSAGE +
      countTokens('user') +
      countTokens('How do I make cold brew coffee at home?') +
      TOKENS_PER_NAME +
      countTokens('ada');
    expect(estimatePromptTokens(messages)).toBe(expected);
    expect(estimatePromptTokens([])).toBe(REPLY_PRIMING_TOKENS);
  });

  it("agrees with the tokenizer's own chat encoding for GPT-4o on messages without names", () => {
    const messages: CountedMessage[] = [
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'How do I make cold brew coffee at home?' },
      { role: 'assistant', content: 'Grind the beans coarsely.' },
      { role: 'user', content: 'And then?' },
    ];
    expect(estimatePromptTokens(messages)).toBe(encodeChat(messages as Parameters<typeof encodeChat>[0], 'gpt-4o').length);
  });
});
