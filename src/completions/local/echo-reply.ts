import type OpenAI from 'openai';
import { countTokens } from '../tokenizer.js';
import { contentTexts } from '../chat-texts.js';
import type { SeededRandom } from './seeded-random.js';

/** Length of a text reply when the request's limit does not cut it: at most this many tokens. */
export const LOCAL_REPLY_TOKENS = 48;
/** Words of the user's message longer than this are cut, so a long one cannot crowd out the rest. */
const MAX_WORD_LENGTH = 24;
/** The reply's opening words; "Local" is one token, so even a limit of 1 gets a reply. */
const OPENING = ['Local', ' model', ' reply:'];
/** What the reply echoes when there is no user message with words in it. */
const NOTHING_TO_ECHO = ['(no', 'words', 'to', 'echo)'];
/** A word the reply echoes: a run of anything but whitespace. */
const WORD = /\S+/gu;

/**
 * The words of the last user message that has any (in its text parts), each cut to MAX_WORD_LENGTH
 * characters: at most LOCAL_REPLY_TOKENS of them (each echoed word takes at least a token), read
 * without copying a long message or word.
 */
export function echoedWords(messages: readonly OpenAI.Chat.Completions.ChatCompletionMessageParam[]): string[] {
  for (let index = messages.length - 1; index >= 0; index--) {
    if (messages[index].role !== 'user') continue;
    const words: string[] = [];
    for (const text of contentTexts(messages[index].content)) {
      for (const [word] of text.matchAll(WORD)) {
        // MAX_WORD_LENGTH characters are at most twice as many UTF-16 code units.
        words.push(
          Array.from(word.slice(0, 2 * MAX_WORD_LENGTH))
            .slice(0, MAX_WORD_LENGTH)
            .join(''),
        );
        if (words.length === LOCAL_REPLY_TOKENS) return words;
      }
    }
    if (words.length > 0) return words;
  }
  return NOTHING_TO_ECHO;
}

/**
 * The pieces of a text reply: the opening, then the words over and over, as long as the whole text
 * stays within `limit` tokens (counted on the whole text, so the count is exact). With a random
 * source, every pass over the words takes them in a new random order (a seed's own reply); without
 * one, in the message's order.
 */
export function replyPieces(words: readonly string[], limit: number, random: SeededRandom | null): string[] {
  const pieces: string[] = [];
  let text = '';
  let round: readonly string[] = [];
  for (let index = 0; ; index++) {
    const at = index - OPENING.length;
    if (at >= 0 && at % words.length === 0) round = random ? random.shuffled(words) : words;
    const piece = at < 0 ? OPENING[index] : ` ${round[at % words.length]}`;
    if (countTokens(text + piece) > limit) return pieces;
    pieces.push(piece);
    text += piece;
  }
}
