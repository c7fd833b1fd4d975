import { countTokens as countBpeTokens, setMergeCacheSize } from 'gpt-tokenizer';
import { O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/esm/encodingParams/constants';

/**
 * Token counts with OpenAI's `o200k_base` encoding (GPT-4o, GPT-4.1, o-series, GPT-5), from the
 * `gpt-tokenizer` package. They are exact for the built-in local model, which counts its own usage
 * with them, and for OpenAI's current models; other model families tokenize differently, so for
 * them the counts are estimates (typically within a few percent for English text).
 *
 * Linear in the text's length, whatever the text: gpt-tokenizer's byte-pair merge is quadratic in
 * the length of one pre-tokenized piece (a "word": a run of letters, of punctuation or of spaces),
 * so a piece longer than MAX_PIECE_LENGTH is counted as the sum of its chunks of that length. Text
 * whose pieces are all shorter (all ordinary text) is counted exactly. A longer piece's count differs
 * from gpt-tokenizer's count of the whole piece by a few tokens per cut, either way (byte-pair
 * encoding is greedy, so a cut can also save a token): measured between -2 and +3 per cut on
 * adversarial samples, within 0.2% on random letters. The `InSlices` variants do the same work in
 * slices of about SLICE_MS, letting the event loop run between them, so one huge request never holds
 * up the others.
 */

/** Text that looks like a special token (`<|endoftext|>`) is counted as the plain text it is, never refused. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Longest pre-tokenized piece counted whole (UTF-16 code units); o200k's longest token is 128 bytes. */
export const MAX_PIECE_LENGTH = 256;
/** About how much text (code units) one call to gpt-tokenizer counts: at most a few milliseconds of work, even for CJK. */
const SEGMENT_LENGTH = 512;
/** Counting time after which the `InSlices` counts let the event loop run. */
export const SLICE_MS = 10;

/**
 * gpt-tokenizer remembers the merges of up to 100,000 pieces and moves each one it reuses to the end
 * of a Map (delete, set). In V8 a Map that large with one key moved over and over slows every move
 * down to tens of microseconds, so 300 KB of one repeated piece (`ab,ab,ab,...`) cost seconds; a
 * small cache keeps the benefit for the words that repeat.
 */
setMergeCacheSize(1024);

/** Tokens of one chat message's framing in OpenAI's chat format (`<|im_start|>`, the separator, `<|im_end|>`). */
export const TOKENS_PER_MESSAGE = 3;
/** Extra token of a message that carries a `name`. */
export const TOKENS_PER_NAME = 1;
/** Tokens that prime the assistant's reply (`<|im_start|>assistant<|message|>`), once per request. */
export const REPLY_PRIMING_TOKENS = 3;

/** A chat message as far as its token count goes: its texts (content parts, tool call names and arguments...) are counted each. */
export interface CountedMessage {
  role: string;
  content: string | readonly string[];
  name?: string;
}

const textsOf = (content: string | readonly string[]): readonly string[] => (typeof content === 'string' ? [content] : content);

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** A piece longer than MAX_PIECE_LENGTH, counted in chunks of that length (never splitting a surrogate pair). */
function* chunkCounts(piece: string): Generator<number> {
  for (let start = 0; start < piece.length;) {
    let end = Math.min(start + MAX_PIECE_LENGTH, piece.length);
    if (end < piece.length && isHighSurrogate(piece.charCodeAt(end - 1))) end--;
    yield countBpeTokens(piece.slice(start, end), PLAIN_TEXT);
    start = end;
  }
}

/**
 * The token counts of a text in bounded parts: runs of whole pieces of about SEGMENT_LENGTH (a run of
 * whole pieces is split into the same pieces when counted alone, so these counts are exact), and the
 * chunks of the pieces longer than MAX_PIECE_LENGTH.
 */
function* partCounts(text: string): Generator<number> {
  if (text.length <= MAX_PIECE_LENGTH) {
    if (text.length > 0) yield countBpeTokens(text, PLAIN_TEXT);
    return;
  }
  let start = 0;
  for (const match of text.matchAll(O200K_TOKEN_SPLIT_REGEX)) {
    const end = match.index + match[0].length;
    if (match[0].length > MAX_PIECE_LENGTH) {
      if (match.index > start) yield countBpeTokens(text.slice(start, match.index), PLAIN_TEXT);
      yield* chunkCounts(match[0]);
      start = end;
    } else if (end - start >= SEGMENT_LENGTH) {
      yield countBpeTokens(text.slice(start, end), PLAIN_TEXT);
      start = end;
    }
  }
  if (start < text.length) yield countBpeTokens(text.slice(start), PLAIN_TEXT);
}

/** Tokens of `text` (o200k_base), counted at once: for short texts and outside request paths. */
export function countTokens(text: string): number {
  let total = 0;
  for (const count of partCounts(text)) total += count;
  return total;
}

/**
 * The prompt tokens of a chat request, the way OpenAI counts them for its chat models (the
 * cookbook's `num_tokens_from_messages`): every message's role and content tokens plus
 * TOKENS_PER_MESSAGE for its framing, a name's tokens plus TOKENS_PER_NAME, and
 * REPLY_PRIMING_TOKENS once, plus the tokens of `extras` (e.g. tool definitions as JSON). For
 * text messages it matches what OpenAI reports for GPT-4o-class models to within a token or two;
 * tool definitions are framed differently upstream, and images, audio and files are not counted,
 * so with them (and for other upstreams) it is an estimate.
 */
export function estimatePromptTokens(messages: readonly CountedMessage[], extras: readonly string[] = []): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + countTokens(message.role);
    for (const text of textsOf(message.content)) total += countTokens(text);
    if (message.name) total += TOKENS_PER_NAME + countTokens(message.name);
  }
  for (const text of extras) total += countTokens(text);
  return total;
}

/** The time a count has spent since the event loop last had a turn. */
export class Slice {
  private started = performance.now();

  /** Lets the event loop run (other requests, timers, I/O) once the slice has taken SLICE_MS. */
  async yieldWhenSpent(): Promise<void> {
    if (performance.now() - this.started < SLICE_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.started = performance.now();
  }
}

async function countInSlices(text: string, slice: Slice): Promise<number> {
  let total = 0;
  for (const count of partCounts(text)) {
    total += count;
    await slice.yieldWhenSpent();
  }
  return total;
}

/** The sum of countTokens of each text. */
async function countAllInSlices(texts: readonly string[], slice: Slice): Promise<number> {
  let total = 0;
  for (const text of texts) total += await countInSlices(text, slice);
  return total;
}

/** countTokens, in slices of about SLICE_MS between which the event loop runs: for the request paths. */
export function countTokensInSlices(text: string): Promise<number> {
  return countInSlices(text, new Slice());
}

/**
 * The tokens of all of `texts` together (no framing: an embeddings input, the output of a completion's
 * choices), in slices of about SLICE_MS between which the event loop runs.
 */
export function countTextsInSlices(texts: readonly string[]): Promise<number> {
  // One slice for all of them: many short texts let the event loop run too.
  return countAllInSlices(texts, new Slice());
}

/** estimatePromptTokens, in slices of about SLICE_MS between which the event loop runs: for the request paths. */
export async function estimatePromptTokensInSlices(messages: readonly CountedMessage[], extras: readonly string[] = []): Promise<number> {
  const slice = new Slice();
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + (await countInSlices(message.role, slice)) + (await countAllInSlices(textsOf(message.content), slice));
    if (message.name) total += TOKENS_PER_NAME + (await countInSlices(message.name, slice));
  }
  return total + (await countAllInSlices(extras, slice));
}
