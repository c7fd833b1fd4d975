import { Injectable } from '@nestjs/common';
import { ContentProvider } from './content-provider.js';
import type {
  BusinessLeadDto,
  BusinessLeadsDto,
  CallDto,
  ChatIntent,
  ChatReplyDto,
  ImageDto,
  MetaDescriptionDto,
  RewriteResultDto,
  SeoTitleDto,
  SocialPostDto,
  SocialPostsDto,
  WriteMoreResultDto,
} from './dto/service-results.dto.js';
import {
  GREETINGS,
  QUESTION_STARTS,
  DEFAULT_CALL_SCRIPT,
  CALL_SETUP_SECONDS,
  SPOKEN_WORDS_PER_SECOND,
  NAME_PREFIXES,
  NAME_SUFFIXES,
  MAILBOXES,
  CITIES,
  GENERIC_CATEGORY,
  MAX_SLUG_PART,
  SEO_TITLE_TERMS,
  PLAIN_WORDS,
  PLAIN_WORD_PATTERN,
  GENERIC_TERMS,
  CONTINUATION_OPENERS,
  CONTINUATION_MIDDLES,
  CONTINUATION_CLOSERS,
} from './local-content.words.js';
import { HASHTAGS_PER_PLATFORM, MAX_HASHTAG_LENGTH, SOCIAL_PLATFORM_LIMITS, type SocialPlatform } from './social-platforms.js';
import {
  capitalize,
  charCount,
  collapseWhitespace,
  escapeXml,
  joinAsList,
  keyTerms,
  SeededPicker,
  splitParagraphs,
  splitSentences,
  stableHash,
  titleCase,
  tokenize,
  truncateAtWordBoundary,
  wrapWords,
} from './text-tools.js';

export const SEO_TITLE_MAX = 60;
export const META_DESCRIPTION_MAX = 155;

const IMAGE_WIDTH = 1200;
const IMAGE_HEIGHT = 630;
const IMAGE_LINE_WIDTH = 32;
const IMAGE_MAX_LINES = 4;
const IMAGE_FONT_SIZE = 56;
const IMAGE_LINE_HEIGHT = 68;

/** Deterministic, offline implementation of every service: the same input always gives the same output. */
@Injectable()
export class LocalContentProvider extends ContentProvider {
  async chat(message: string): Promise<ChatReplyDto> {
    const words = tokenize(message);
    const terms = keyTerms(message, 3);
    const intent = chatIntent(message, words);
    return { reply: chatReply(intent, terms), intent, keyTerms: terms };
  }

  async placeCall(to: string, script?: string): Promise<CallDto> {
    const spoken = collapseWhitespace(script ?? '') || DEFAULT_CALL_SCRIPT;
    return {
      callId: `call_${stableHash('call', to, spoken).slice(0, 24)}`,
      to,
      status: 'queued',
      script: spoken,
      estimatedSeconds: CALL_SETUP_SECONDS + Math.ceil(tokenize(spoken).length / SPOKEN_WORDS_PER_SECOND),
    };
  }

  async collectBusinesses(query: string, count: number): Promise<BusinessLeadsDto> {
    if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
    const { categoryTerms, city } = parseBusinessQuery(query);
    const picker = new SeededPicker(stableHash('business-collector', collapseWhitespace(query).toLowerCase()));
    const names = shuffled(
      NAME_PREFIXES.flatMap((prefix) => NAME_SUFFIXES.map((suffix) => [prefix, suffix] as const)),
      picker,
    );
    const core = capitalize(categoryTerms[0]);
    const category = titleCase(categoryTerms);

    const leads: BusinessLeadDto[] = [];
    for (let index = 0; index < count; index++) {
      const [prefix, suffix] = names[index % names.length];
      // Past the last prefix/suffix pair, a branch number keeps every name distinct.
      const branch = index >= names.length ? ` ${Math.floor(index / names.length) + 1}` : '';
      const name = `${prefix} ${core} ${suffix}${branch}`;
      const place = picker.pick(CITIES);
      const domain = `${[prefix, core, suffix, branch].map(slug).filter(Boolean).join('-')}.example`;
      leads.push({
        name,
        category,
        city: city ?? place.city,
        phone: `+1${place.areaCode}55501${String(picker.below(100)).padStart(2, '0')}`,
        email: `${picker.pick(MAILBOXES)}@${domain}`,
        website: `https://${domain}`,
      });
    }
    return { query, count, leads };
  }

  async draftSocialPosts(text: string, platforms: readonly SocialPlatform[]): Promise<SocialPostsDto> {
    const body = splitParagraphs(text).join('\n\n');
    const tags = keyTerms(text)
      .map((term) => `#${term.replace(/'/g, '')}`)
      .filter((tag) => charCount(tag) <= MAX_HASHTAG_LENGTH);
    return { posts: platforms.map((platform) => socialPost(platform, body, tags.slice(0, HASHTAGS_PER_PLATFORM[platform]))) };
  }

  async seoTitle(text: string): Promise<SeoTitleDto> {
    const words = tokenize(text);
    const chosen: string[] = [];
    for (const term of keyTerms(text, SEO_TITLE_TERMS)) {
      if (charCount(titleCase([...chosen, term])) <= SEO_TITLE_MAX) chosen.push(term);
    }
    // Terms are chosen by frequency but read in the order the text uses them.
    chosen.sort((a, b) => words.indexOf(a) - words.indexOf(b));
    const fallback = words.length > 0 ? truncateAtWordBoundary(titleCase(words), SEO_TITLE_MAX) : 'Untitled';
    const title = chosen.length > 0 ? titleCase(chosen) : fallback;
    return { title, length: charCount(title) };
  }

  async metaDescription(text: string): Promise<MetaDescriptionDto> {
    const sentences = splitSentences(text);
    let description = '';
    for (const sentence of sentences) {
      const longer = description ? `${description} ${sentence}` : sentence;
      if (charCount(longer) > META_DESCRIPTION_MAX) break;
      description = longer;
    }
    if (!description) description = truncateAtWordBoundary(sentences[0] ?? '', META_DESCRIPTION_MAX, '…');
    return { description, length: charCount(description) };
  }

  async rewrite(text: string): Promise<RewriteResultDto> {
    let substitutions = 0;
    const paragraphs = splitParagraphs(text).map((paragraph) => {
      const plain = paragraph.replace(PLAIN_WORD_PATTERN, (phrase) => {
        substitutions++;
        return matchCase(phrase, PLAIN_WORDS[collapseWhitespace(phrase).toLowerCase()]);
      });
      return splitSentences(tidyPunctuation(plain)).map(normaliseSentence).join(' ');
    });
    return { text: paragraphs.join('\n\n'), substitutions };
  }

  async writeMore(text: string): Promise<WriteMoreResultDto> {
    const terms = keyTerms(text, 3);
    const [a, b, c] = [...terms, ...GENERIC_TERMS.slice(terms.length)];
    const picker = new SeededPicker(stableHash('write-more', collapseWhitespace(text)));
    const continuation = [CONTINUATION_OPENERS, CONTINUATION_MIDDLES, CONTINUATION_CLOSERS]
      .map((templates) => capitalize(picker.pick(templates).replace(/\{a\}/g, a).replace(/\{b\}/g, b).replace(/\{c\}/g, c)))
      .join(' ');
    return { text: continuation, keyTerms: terms };
  }

  async findImage(query: string): Promise<ImageDto> {
    const subject = collapseWhitespace(query);
    const alt = `Image: ${subject}`;
    const hash = stableHash('image', subject.toLowerCase());
    const hue = parseInt(hash.slice(0, 4), 16) % 360;
    const lines = wrapWords(subject, IMAGE_LINE_WIDTH, IMAGE_MAX_LINES);
    const firstBaseline = Math.round(IMAGE_HEIGHT / 2 - ((lines.length - 1) * IMAGE_LINE_HEIGHT) / 2 + IMAGE_FONT_SIZE / 3);
    const tspans = lines
      .map((line, index) => `<tspan x="${IMAGE_WIDTH / 2}" y="${firstBaseline + index * IMAGE_LINE_HEIGHT}">${escapeXml(line)}</tspan>`)
      .join('');
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${IMAGE_WIDTH}" height="${IMAGE_HEIGHT}" viewBox="0 0 ${IMAGE_WIDTH} ${IMAGE_HEIGHT}" role="img">` +
      `<title>${escapeXml(alt)}</title>` +
      `<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">` +
      `<stop offset="0" stop-color="hsl(${hue},55%,45%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360},55%,28%)"/>` +
      `</linearGradient></defs>` +
      `<rect width="100%" height="100%" fill="url(#bg)"/>` +
      `<text font-family="Helvetica, Arial, sans-serif" font-size="${IMAGE_FONT_SIZE}" fill="#ffffff" text-anchor="middle">${tspans}</text>` +
      `</svg>`;
    return {
      query,
      url: `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`,
      width: IMAGE_WIDTH,
      height: IMAGE_HEIGHT,
      alt,
    };
  }
}

function chatIntent(message: string, words: readonly string[]): ChatIntent {
  if (words.length > 0 && GREETINGS.has(words[0]) && words.length <= 4) return 'greeting';
  if (/\?\s*$/u.test(message) || (words.length > 0 && QUESTION_STARTS.has(words[0]))) return 'question';
  return 'statement';
}

function chatReply(intent: ChatIntent, terms: readonly string[]): string {
  const topic = joinAsList(terms);
  switch (intent) {
    case 'greeting':
      return 'Hello! How can I help you today?';
    case 'question':
      return terms.length > 0
        ? `You asked about ${topic}. A good place to start is ${terms[0]}: what do you already know about it, and what result do you need?`
        : 'That is a good question. Could you add a little detail so I can answer it precisely?';
    case 'statement':
      return terms.length > 0
        ? `Noted: ${topic}. Would you like a summary, next steps or more detail on ${terms[0]}?`
        : 'Noted. Tell me more about what you have in mind.';
  }
}

/** The kind of business and, from a trailing "in <city>", the city of a collector query. */
function parseBusinessQuery(query: string): { categoryTerms: string[]; city: string | null } {
  const match = /^(.*?)\s+(?:in|near|around)\s+(.+)$/iu.exec(collapseWhitespace(query));
  const subject = match ? match[1] : query;
  const cityWords = match ? tokenize(match[2]) : [];
  const terms = keyTerms(subject, 3);
  return {
    categoryTerms: terms.length > 0 ? terms : GENERIC_CATEGORY,
    city: cityWords.length > 0 ? titleCase(cityWords) : null,
  };
}

/** A Fisher-Yates shuffle driven by the picker. */
function shuffled<T>(items: readonly T[], picker: SeededPicker): T[] {
  const result = [...items];
  for (let index = result.length - 1; index > 0; index--) {
    const other = picker.below(index + 1);
    [result[index], result[other]] = [result[other], result[index]];
  }
  return result;
}

/** Lower-case ASCII letters and digits joined by '-', accents removed, short enough for a domain label. */
function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_SLUG_PART)
    .replace(/^-+|-+$/g, '');
}

function socialPost(platform: SocialPlatform, body: string, hashtags: string[]): SocialPostDto {
  const limit = SOCIAL_PLATFORM_LIMITS[platform];
  const tagLine = hashtags.join(' ');
  const separator = tagLine ? '\n\n' : '';
  const room = limit - charCount(tagLine) - charCount(separator);
  const text = `${truncateAtWordBoundary(body, room, '…')}${separator}${tagLine}`;
  return { platform, text, length: charCount(text), limit, hashtags };
}

/** The replacement in the case of the phrase it replaces: UPPER, Capitalised or lower. */
function matchCase(original: string, replacement: string): string {
  if (original.length > 1 && original === original.toUpperCase()) return replacement.toUpperCase();
  return original[0] === original[0].toUpperCase() ? capitalize(replacement) : replacement;
}

/**
 * No space before punctuation, one space after a comma, a semicolon or the end of a sentence,
 * a standalone 'i' as 'I'. A full stop before a lower-case letter is left alone (domains, 'e.g.').
 */
function tidyPunctuation(text: string): string {
  return text
    .replace(/\s+([,.;:!?])/gu, '$1')
    .replace(/([,;!?])(?=\p{L})|(\.)(?=\p{Lu}\p{Ll})/gu, '$1$2 ')
    .replace(/(?<![\p{L}\p{N}'’.])i(?=['’]\p{L}|[\s,;:!?]|$)/gu, 'I');
}

/** Starts the sentence with a capital letter and ends it with punctuation. */
function normaliseSentence(sentence: string): string {
  const capitalised = sentence.replace(/^([^\p{L}\p{N}]*)(\p{Ll})/u, (_, lead: string, letter: string) => lead + letter.toUpperCase());
  return /[\p{L}\p{N}]$/u.test(capitalised) ? `${capitalised}.` : capitalised;
}
