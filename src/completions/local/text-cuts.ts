import { O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/esm/encodingParams/constants';
import { countTokens } from '../tokenizer.js';

/** A text cut short, and whether the cut removed anything. */
export interface Cut {
  text: string;
  cut: boolean;
}

/**
 * The text before the first occurrence of any of the stop strings (OpenAI's `stop`: a string or up
 * to a few strings; empty ones are ignored). `cut` tells whether a stop string was found.
 */
export function cutAtStop(text: string, stop: string | readonly string[] | null | undefined): Cut {
  const stops = typeof stop === 'string' ? [stop] : (stop ?? []);
  let end = -1;
  for (const candidate of stops) {
    if (typeof candidate !== 'string' || candidate.length === 0) continue;
    const at = text.indexOf(candidate);
    if (at !== -1 && (end === -1 || at < end)) end = at;
  }
  return end === -1 ? { text, cut: false } : { text: text.slice(0, end), cut: true };
}

/**
 * The longest run of whole pre-tokenized pieces from the start of `text` that takes at most `limit`
 * tokens (what a model cut off by its output limit has said). Linear in the text's length: a text's
 * token count is the sum of its pieces' counts, so the pieces are counted once each; the prefix found
 * is checked whole, so the limit holds exactly.
 */
export function cutToTokens(text: string, limit: number): Cut {
  if (countTokens(text) <= limit) return { text, cut: false };
  const ends: number[] = [];
  let total = 0;
  for (const match of text.matchAll(O200K_TOKEN_SPLIT_REGEX)) {
    total += countTokens(match[0]);
    if (total > limit) break;
    ends.push(match.index + match[0].length);
  }
  // The last piece of a prefix can be split differently than inside the whole text: step back until it fits.
  while (ends.length > 0 && countTokens(text.slice(0, ends.at(-1))) > limit) ends.pop();
  return { text: text.slice(0, ends.at(-1) ?? 0), cut: true };
}
