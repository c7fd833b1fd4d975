/**
 * The token counts stay linear in the text's length whatever the text (a 200,000-character word, a
 * megabyte of one repeated piece), exact for ordinary text, within a few tokens per cut of
 * gpt-tokenizer's own count for pieces longer than MAX_PIECE_LENGTH, and the counts of the request
 * paths let the event loop run at least every few tens of milliseconds.
 */
import fc from 'fast-check';
import { countTokens as exactTokens } from 'gpt-tokenizer';
import { O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/esm/encodingParams/constants';
import {
  countTokens,
  countTokensInSlices,
  estimatePromptTokens,
  estimatePromptTokensInSlices,
  MAX_PIECE_LENGTH,
} from '../../src/completions/tokenizer.js';
import { cpuMs, longestBlockDuring, randomWord } from '../support/event-loop.js';

const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };
const exact = (text: string) => exactTokens(text, PLAIN_TEXT);
const longestPiece = (text: string) => Math.max(0, ...[...text.matchAll(O200K_TOKEN_SPLIT_REGEX)].map((match) => match[0].length));

describe('token counts of long words (linear, bounded)', () => {
  it('counts a word in time linear in its length: 200,000 characters in well under a second, 4 times what 50,000 take', () => {
    countTokens(randomWord(1_000, 2));
    /** The best of three words (none repeats another's chunks), so a pause of the thread for other reasons is not counted. */
    const bestOfThree = (length: number, seeds: number[]) =>
      Math.min(
        ...seeds.map((seed) => {
          const word = randomWord(length, seed);
          const started = cpuMs();
          const tokens = countTokens(word);
          // About 2 letters a token for random letters.
          expect(tokens / length).toBeGreaterThan(0.35);
          expect(tokens / length).toBeLessThan(0.6);
          return cpuMs() - started;
        }),
      );
    const [short, long] = [bestOfThree(50_000, [11, 12, 13]), bestOfThree(200_000, [1, 3, 4])];
    // Linear: 4 times as long (gpt-tokenizer alone, quadratic: 16 times, 16 s of CPU for the long word). About 0.3 s
    // in a fresh process; a test worker that has run many suites is slower (up to 1.2 s seen), hence the margin.
    expect(long / short).toBeLessThan(8);
    expect(long).toBeLessThan(2_000);
  });

  it('counts a 1,000,000-character word in slices: the event loop is never held more than 50 ms, and the total is seconds, not minutes', async () => {
    const word = randomWord(1_000_000, 7);
    const started = cpuMs();
    const { result, ...longest } = await longestBlockDuring(() => countTokensInSlices(word));
    expect(longest.cpuMs).toBeLessThanOrEqual(50);
    expect(longest.withGc.cpuMs).toBeLessThan(250);
    expect(longest.wallMs).toBeLessThan(1_000);
    expect(cpuMs() - started).toBeLessThan(10_000);
    expect(result).toBe(countTokens(word));
  });

  it('a prompt of many large messages is estimated in slices too, to the same count', async () => {
    const messages = [
      ...Array.from({ length: 200 }, (_, i) => ({ role: 'user', content: randomWord(200, i + 10) })),
      { role: 'user', content: randomWord(200_000, 3), name: 'ada' },
      { role: 'assistant', content: 'a b c '.repeat(30_000) },
    ];
    const { result, ...longest } = await longestBlockDuring(() => estimatePromptTokensInSlices(messages));
    expect(longest.cpuMs).toBeLessThanOrEqual(50);
    expect(longest.withGc.cpuMs).toBeLessThan(250);
    expect(longest.wallMs).toBeLessThan(1_000);
    expect(result).toBe(estimatePromptTokens(messages));
  });

  it('one piece repeated a hundred thousand times stays fast after many other pieces were counted', () => {
    // Fills gpt-tokenizer's memory of merges with distinct pieces first, as a busy server would.
    countTokens(Array.from({ length: 150_000 }, (_, i) => randomWord(8, i + 100)).join(' '));
    const started = cpuMs();
    expect(countTokens('ab,'.repeat(100_000))).toBe(200_000);
    expect(cpuMs() - started).toBeLessThan(1_000);
  });

  it('a long piece is counted as the sum of its chunks: within a few tokens per cut of the exact count, either way', () => {
    const alphabets = [
      'ab',
      'aab',
      'aaaaaaab',
      'xxxxxxxy',
      'aeiou',
      '!!!!!!!?',
      '========-',
      '     \t',
      '的的的的一',
      'абвгдежзийклмнопрст',
    ];
    const longPiece = fc
      .tuple(fc.constantFrom(...alphabets), fc.integer({ min: MAX_PIECE_LENGTH + 1, max: 6 * MAX_PIECE_LENGTH }))
      .chain(([alphabet, length]) => fc.string({ unit: fc.constantFrom(...alphabet), minLength: length, maxLength: length }));
    fc.assert(
      fc.property(longPiece, (piece) => {
        fc.pre(longestPiece(piece) === piece.length);
        const cuts = Math.ceil(piece.length / MAX_PIECE_LENGTH) - 1;
        expect(Math.abs(countTokens(piece) - exact(piece))).toBeLessThanOrEqual(4 * cuts);
      }),
      { seed: 20_260_521, numRuns: 300 },
    );
  });

  it('a long word of random letters is counted within 0.5% of the exact count', () => {
    for (const [length, seed] of [
      [1_000, 11],
      [3_000, 12],
      [12_000, 13],
    ]) {
      const word = randomWord(length, seed);
      expect(Math.abs(countTokens(word) - exact(word)) / exact(word)).toBeLessThan(0.005);
    }
  });

  it('never cuts between the two halves of a character outside the BMP', () => {
    // Each emoji is one token; a cut through one would count two replacement characters instead.
    const emoji = ` ${'😀'.repeat(1_000)}`;
    expect(longestPiece(emoji)).toBe(emoji.length);
    expect(countTokens(emoji)).toBe(exact(emoji));
  });
});

describe('token counts of ordinary text (exact, unchanged)', () => {
  const WORDS = [
    'The',
    ' ledger',
    ' holds',
    "'s",
    ' tokens',
    ',',
    ' and',
    ' 1234',
    '.',
    '\n',
    '\n\n',
    '  ',
    '\t',
    ' 日本語の',
    'テキスト',
    ' мир',
    ' café',
    ' naïve',
    ' <|endoftext|>',
    ' 💥',
    '—',
    ' e\u0301',
    ' don’t',
    '```ts\n',
    ' x=1;',
  ];

  it('counts texts of every size exactly like gpt-tokenizer when no piece is longer than MAX_PIECE_LENGTH', () => {
    const text = fc.array(fc.constantFrom(...WORDS), { maxLength: 2_500 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (sample) => {
        fc.pre(longestPiece(sample) <= MAX_PIECE_LENGTH);
        expect(countTokens(sample)).toBe(exact(sample));
      }),
      { seed: 20_260_522, numRuns: 200 },
    );
  });

  it('counts random characters of every kind exactly when their pieces are short, within the margin otherwise', () => {
    const unit = fc.constantFrom(
      'a',
      'Z',
      'ß',
      '的',
      'ก',
      '😀',
      '\u0301',
      '7',
      ' ',
      '\t',
      '\n',
      '\r',
      '!',
      '/',
      '-',
      "'",
      '<',
      '|',
      '>',
      'é',
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 6_000 }), (sample) => {
        if (longestPiece(sample) <= MAX_PIECE_LENGTH) expect(countTokens(sample)).toBe(exact(sample));
        else expect(Math.abs(countTokens(sample) - exact(sample))).toBeLessThanOrEqual(4 * Math.ceil(sample.length / MAX_PIECE_LENGTH));
      }),
      { seed: 20_260_523, numRuns: 200 },
    );
  });

  it('the counts in slices are the same numbers', async () => {
    const text = Array.from({ length: 3_000 }, (_, i) => WORDS[(i * 7) % WORDS.length]).join('');
    expect(await countTokensInSlices(text)).toBe(exact(text));
    const messages = [
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: text, name: 'ada' },
    ];
    expect(await estimatePromptTokensInSlices(messages)).toBe(estimatePromptTokens(messages));
    expect(await countTokensInSlices('')).toBe(0);
  });
});
