/**
 * The pure parts of the built-in model's answers: the seeded random source, the cuts at stop strings
 * and at the output limit, the echoed words (content parts included), and which kind of answer a
 * request gets (tool call, JSON or text).
 */
import type { ChatRequest } from '../../src/completions/chat-api.js';
import { answerPlanOf } from '../../src/completions/local/answer-plan.js';
import { countedMessagesOf } from '../../src/completions/chat-texts.js';
import { echoedWords, LOCAL_REPLY_TOKENS, replyPieces } from '../../src/completions/local/echo-reply.js';
import { localChoiceOf } from '../../src/completions/local/local-choices.js';
import { choiceRandom, SeededRandom } from '../../src/completions/local/seeded-random.js';
import { cutAtStop, cutToTokens } from '../../src/completions/local/text-cuts.js';
import { countTokens } from '../../src/completions/tokenizer.js';

const sequence = (random: SeededRandom, length = 8) => Array.from({ length }, () => random.next());

describe('SeededRandom', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    expect(sequence(new SeededRandom(42))).toEqual(sequence(new SeededRandom(42)));
    expect(sequence(new SeededRandom(42))).not.toEqual(sequence(new SeededRandom(43)));
    expect(sequence(new SeededRandom('a'))).not.toEqual(sequence(new SeededRandom('b')));
  });

  it('draws integers within their bounds, all of them in time', () => {
    const random = new SeededRandom(1);
    const drawn = new Set(Array.from({ length: 500 }, () => random.integer(3, 7)));
    expect([...drawn].sort()).toEqual([3, 4, 5, 6, 7]);
    expect(random.integer(5, 5)).toBe(5);
    expect(random.shuffled([1, 2, 3, 4]).sort()).toEqual([1, 2, 3, 4]);
  });

  it('gives choice i of a seeded request the source of seed + i, and unseeded choices fixed sources of their own', () => {
    expect(sequence(choiceRandom(10, 2))).toEqual(sequence(new SeededRandom(12)));
    expect(sequence(choiceRandom(null, 0))).toEqual(sequence(choiceRandom(undefined, 0)));
    expect(sequence(choiceRandom(null, 0))).not.toEqual(sequence(choiceRandom(null, 1)));
    const huge = Number.MAX_SAFE_INTEGER;
    expect(sequence(choiceRandom(huge, 1))).not.toEqual(sequence(choiceRandom(huge, 2)));
  });
});

describe('cutAtStop', () => {
  it('cuts before the first stop string found, of one or of several', () => {
    expect(cutAtStop('one two three two', 'two')).toEqual({ text: 'one ', cut: true });
    expect(cutAtStop('one two three', ['three', 'two'])).toEqual({ text: 'one ', cut: true });
    expect(cutAtStop('one two', ['x', ''])).toEqual({ text: 'one two', cut: false });
    expect(cutAtStop('one two', null)).toEqual({ text: 'one two', cut: false });
    expect(cutAtStop('stop at once', 'stop')).toEqual({ text: '', cut: true });
  });
});

describe('cutToTokens', () => {
  const text = JSON.stringify({ title: 'A fairly long title with words', items: [1, 2, 3], nested: { ok: true, note: 'naïve café 東京' } });

  it('keeps a text within the limit whole, and cuts a longer one to a prefix of at most the limit', () => {
    expect(cutToTokens(text, countTokens(text))).toEqual({ text, cut: false });
    for (let limit = 1; limit < countTokens(text); limit++) {
      const cut = cutToTokens(text, limit);
      expect(cut.cut).toBe(true);
      expect(text.startsWith(cut.text)).toBe(true);
      expect(countTokens(cut.text)).toBeLessThanOrEqual(limit);
      expect(countTokens(cut.text)).toBeGreaterThanOrEqual(limit - 3);
    }
  });

  it('cuts 200,000 characters in linear time', () => {
    const long = 'word '.repeat(40_000);
    const started = performance.now();
    expect(countTokens(cutToTokens(long, 30_000).text)).toBeLessThanOrEqual(30_000);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('echoed words and text replies', () => {
  it("reads the text parts of the last user message that has words, ignoring images and other roles' messages", () => {
    const messages: ChatRequest['messages'] = [
      { role: 'user', content: 'earlier question' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Describe this' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
          { type: 'text', text: 'picture please' },
        ],
      },
      { role: 'assistant', content: 'Sure.' },
      { role: 'tool', tool_call_id: 'call_1', content: 'tool output' },
    ];
    expect(echoedWords(messages)).toEqual(['Describe', 'this', 'picture', 'please']);
    expect(echoedWords([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }])).toEqual([
      '(no',
      'words',
      'to',
      'echo)',
    ]);
  });

  it('repeats the words in order without a random source, in a new order every pass with one', () => {
    const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    const plain = replyPieces(words, LOCAL_REPLY_TOKENS, null).join('');
    expect(plain.startsWith('Local model reply: alpha beta gamma delta epsilon alpha')).toBe(true);
    const seeded = (seed: number) => replyPieces(words, LOCAL_REPLY_TOKENS, new SeededRandom(seed)).join('');
    expect(seeded(1)).toBe(seeded(1));
    expect(new Set([plain, seeded(1), seeded(2), seeded(3)]).size).toBe(4);
    for (const seed of [1, 2, 3]) expect(countTokens(seeded(seed))).toBeLessThanOrEqual(LOCAL_REPLY_TOKENS);
  });

  it('counts an assistant tool call and content parts as the prompt text they are', () => {
    const messages = countedMessagesOf({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
          name: 'ann',
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }],
        },
      ],
    });
    expect(messages).toEqual([
      { role: 'user', content: ['a', 'b'], name: 'ann' },
      { role: 'assistant', content: ['get_weather', '{"city":"Oslo"}'] },
    ]);
  });
});

const WEATHER = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  },
};
const TIME = { type: 'function' as const, function: { name: 'get_time' } };
const base: ChatRequest = { model: 'local', messages: [{ role: 'user', content: 'Weather in Oslo?' }], max_completion_tokens: 100 };
const afterTool: ChatRequest['messages'] = [
  ...base.messages,
  { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
  { role: 'tool', tool_call_id: 'c', content: 'Sunny' },
];

describe('answerPlanOf', () => {
  it('calls the named function, the first one when tool_choice is required, none with none', () => {
    const tools = [WEATHER, TIME];
    expect(answerPlanOf({ ...base, tools, tool_choice: { type: 'function', function: { name: 'get_time' } } })).toEqual({
      kind: 'tool',
      name: 'get_time',
      parameters: { type: 'object', properties: {} },
    });
    expect(answerPlanOf({ ...base, tools, tool_choice: 'required', messages: afterTool })).toMatchObject({
      kind: 'tool',
      name: 'get_weather',
    });
    expect(answerPlanOf({ ...base, tools, tool_choice: 'none' })).toEqual({ kind: 'text' });
  });

  it('with auto (the default with tools) calls the first tool after a user message, and answers after a tool message', () => {
    expect(answerPlanOf({ ...base, tools: [WEATHER] })).toMatchObject({ kind: 'tool', name: 'get_weather' });
    expect(answerPlanOf({ ...base, tools: [WEATHER], tool_choice: 'auto', messages: afterTool })).toEqual({ kind: 'text' });
    const allowed = {
      type: 'allowed_tools' as const,
      allowed_tools: { mode: 'required' as const, tools: [{ type: 'function', function: { name: 'get_time' } }] },
    };
    expect(answerPlanOf({ ...base, tools: [WEATHER, TIME], tool_choice: allowed, messages: afterTool })).toMatchObject({
      name: 'get_time',
    });
  });

  it('refuses a tool_choice naming a function that is not among the tools: 400 VALIDATION_FAILED', () => {
    expect(() => answerPlanOf({ ...base, tools: [WEATHER], tool_choice: { type: 'function', function: { name: 'nope' } } })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', status: 400 }),
    );
  });

  it('answers JSON for the JSON modes and text otherwise', () => {
    const schema = { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] };
    expect(answerPlanOf({ ...base, response_format: { type: 'json_schema', json_schema: { name: 'x', schema, strict: true } } })).toEqual({
      kind: 'json',
      schema,
    });
    expect(answerPlanOf({ ...base, response_format: { type: 'json_object' } })).toEqual({ kind: 'json', schema: null });
    expect(answerPlanOf({ ...base, response_format: { type: 'text' } })).toEqual({ kind: 'text' });
  });
});

describe('localChoiceOf', () => {
  it('cuts tool call arguments at the output limit with finish reason length', () => {
    const request = { ...base, tools: [WEATHER], max_completion_tokens: 2 };
    const choice = localChoiceOf(request, answerPlanOf(request), 0);
    expect(choice).toMatchObject({ toolName: 'get_weather', finishReason: 'length' });
    expect(countTokens(choice.pieces.join(''))).toBeLessThanOrEqual(2);
    const whole = localChoiceOf({ ...request, max_completion_tokens: 100 }, answerPlanOf(request), 0);
    expect(whole.finishReason).toBe('tool_calls');
    expect(JSON.parse(whole.pieces.join(''))).toEqual({ city: expect.any(String) });
  });

  it('answers {"reply": ...} to json_object, cut at a stop string when one occurs', () => {
    const request: ChatRequest = { ...base, response_format: { type: 'json_object' } };
    const choice = localChoiceOf(request, answerPlanOf(request), 0);
    expect(JSON.parse(choice.pieces.join(''))).toEqual({ reply: expect.stringMatching(/^Local model reply: Weather in Oslo\?/) });
    const stopped = localChoiceOf({ ...request, stop: ['Oslo'] }, answerPlanOf(request), 0);
    expect(stopped).toMatchObject({ finishReason: 'stop', pieces: expect.any(Array) });
    expect(stopped.pieces.join('')).toBe('{"reply":"Local model reply: Weather in ');
  });
});
