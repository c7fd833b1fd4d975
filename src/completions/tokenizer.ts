import { countTokens as countBpeTokens } from 'gpt-tokenizer';

/**
 * Token counts with OpenAI's `o200k_base` encoding (GPT-4o, GPT-4.1, o-series, GPT-5), from the
 * `gpt-tokenizer` package. They are exact for the built-in local model, which counts its own usage
 * with them, and for OpenAI's current models; other model families tokenize differently, so for
 * them the counts are estimates (typically within a few percent for English text).
 */

/** Text that looks like a special token (`<|endoftext|>`) is counted as the plain text it is, never refused. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Tokens of one chat message's framing in OpenAI's chat format (`<|im_start|>`, the separator, `<|im_end|>`). */
export const TOKENS_PER_MESSAGE = 3;
/** Extra token of a message that carries a `name`. */
export const TOKENS_PER_NAME = 1;
/** Tokens that prime the assistant's reply (`<|im_start|>assistant<|message|>`), once per request. */
export const REPLY_PRIMING_TOKENS = 3;

/** A chat message as far as its token count goes. */
export interface CountedMessage {
  role: string;
  content: string;
  name?: string;
}

/** Tokens of `text` (o200k_base). */
export function countTokens(text: string): number {
  return text.length === 0 ? 0 : countBpeTokens(text, PLAIN_TEXT);
}

/**
 * The prompt tokens of a chat request, the way OpenAI counts them for its chat models (the
 * cookbook's `num_tokens_from_messages`): every message's role and content tokens plus
 * TOKENS_PER_MESSAGE for its framing, a name's tokens plus TOKENS_PER_NAME, and
 * REPLY_PRIMING_TOKENS once. It matches what OpenAI reports for GPT-4o-class models to within a
 * token or two; for other upstreams it is an estimate. Tools, images and response formats are
 * not counted (the text-only completions do not send them).
 */
export function estimatePromptTokens(messages: readonly CountedMessage[]): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + countTokens(message.role) + countTokens(message.content);
    if (message.name) total += TOKENS_PER_NAME + countTokens(message.name);
  }
  return total;
}
