import { createHash } from 'node:crypto';

/** Length in Unicode code points, so an emoji counts as one character. */
export function charCount(text: string): number {
  return [...text].length;
}

/** Runs of whitespace become one space; leading and trailing whitespace is removed. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

const STOP_WORDS = new Set(
  (
    "a about above after again against all also am an and any are aren't as at be because been before being below " +
    "between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each " +
    "even ever every few for from further get gets got had hadn't has hasn't have haven't having he her here hers " +
    "herself him himself his how however i if in into is isn't it it's its itself just let's like made make many me " +
    'might more most much must my myself need new no nor not now of off often on once one only or other our ours ' +
    "ourselves out over own please really same say says she should shouldn't so some still such than that that's the " +
    "their theirs them themselves then there there's these they this those through to too under until up upon us use " +
    "used using very via want was wasn't way we well were weren't what when where whether which while who whom why " +
    "will with within without won't would wouldn't yes yet you your yours yourself yourselves"
  ).split(' '),
);

/** Paragraphs (separated by blank lines) with whitespace collapsed inside each. */
export function splitParagraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/u)
    .map(collapseWhitespace)
    .filter((paragraph) => paragraph.length > 0);
}

/** Lower-cased words (letters and digits, inner apostrophes kept), in text order. */
export function tokenize(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/’/gu, "'")
      .match(/[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu) ?? []
  );
}

/** The text's meaningful words, most frequent first; ties keep the order of first appearance. */
export function keyTerms(text: string, limit = Number.POSITIVE_INFINITY): string[] {
  const counts = new Map<string, number>();
  for (const word of tokenize(text)) {
    if (charCount(word) < 3 || STOP_WORDS.has(word) || /^\p{N}+$/u.test(word)) continue;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  // Map iteration follows insertion order and Array#sort is stable, so ties stay in text order.
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([word]) => word);
}

// A full stop after one of these abbreviations does not end the sentence.
const SENTENCE_END = /(?<=[.!?…])(?<!(?:^|[\s(])(?:e\.g|i\.e|etc|vs|cf|approx|mr|mrs|ms|dr|prof|st|no)\.)\s+(?=\S)/iu;

/** Sentences of the text, each with its closing punctuation, whitespace collapsed. */
export function splitSentences(text: string): string[] {
  return collapseWhitespace(text)
    .split(SENTENCE_END)
    .filter((sentence) => sentence.length > 0);
}

export function capitalize(text: string): string {
  const [first = '', ...rest] = text;
  return first.toUpperCase() + rest.join('');
}

export function titleCase(words: readonly string[]): string {
  return words.map(capitalize).join(' ');
}

/** 'a', 'a and b', 'a, b and c'. */
export function joinAsList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The longest start of `text` of at most `max` code points that ends at a word boundary (hard cut if none). */
function headAtWordBoundary(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  // One character past the limit shows whether the cut falls exactly between two words.
  const head = chars.slice(0, max + 1).join('');
  const boundary = head.search(/\s\S*$/u);
  return boundary > 0 ? head.slice(0, boundary).trimEnd() : chars.slice(0, max).join('');
}

/**
 * At most `max` code points of `text`, cut between words so none is split; when cut, trailing
 * separators are dropped and `ellipsis` is appended. A single word longer than `max` is cut hard.
 */
export function truncateAtWordBoundary(text: string, max: number, ellipsis = ''): string {
  if (charCount(text) <= max) return text;
  const head = headAtWordBoundary(text, max - charCount(ellipsis));
  return head.replace(/[\s,;:–—-]+$/u, '') + ellipsis;
}

/** Whole words packed into at most `maxLines` lines of `width` code points; overflow ends in '…'. */
export function wrapWords(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let rest = collapseWhitespace(text);
  while (rest.length > 0 && lines.length < maxLines) {
    if (lines.length === maxLines - 1) {
      lines.push(truncateAtWordBoundary(rest, width, '…'));
      break;
    }
    const line = headAtWordBoundary(rest, width);
    lines.push(line);
    rest = rest.slice(line.length).trimStart();
  }
  return lines;
}

/** Text safe inside XML character data and attribute values; characters XML forbids are dropped. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Hex SHA-256 of the parts; the separator keeps ('ab', 'c') and ('a', 'bc') apart. */
export function stableHash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/**
 * A reproducible stream of choices derived from a seed by hashing it with a counter: the same
 * seed always yields the same sequence, with no global random state.
 */
export class SeededPicker {
  private block: number[] = [];
  private counter = 0;

  constructor(private readonly seed: string) {}

  /** An unsigned 32-bit integer. */
  next(): number {
    if (this.block.length === 0) {
      const digest = createHash('sha256').update(`${this.seed}\u0000${this.counter++}`).digest();
      for (let offset = 0; offset < digest.length; offset += 4) this.block.push(digest.readUInt32BE(offset));
    }
    return this.block.shift() as number;
  }

  /** An integer in [0, bound). */
  below(bound: number): number {
    return this.next() % bound;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }
}
