import { keyword, numberKeyword, type Schema } from './json-schema-view.js';
import type { SeededRandom } from './seeded-random.js';

/** Longest string generated, in code points (a larger minLength is not met: the answer stays small). */
export const MAX_STRING_LENGTH = 1024;
/** The words generated strings are made of. */
const VOCABULARY = ['local', 'model', 'sample', 'value', 'quiet', 'river', 'green', 'stone', 'paper', 'light', 'north', 'amber'];
/** Numbers without bounds are drawn from this range. */
const DEFAULT_RANGE = { low: 0, high: 100 };

const pad = (value: number, length = 2) => String(value).padStart(length, '0');
const hex = (random: SeededRandom, length: number) => Array.from({ length }, () => random.integer(0, 15).toString(16)).join('');

/** Values of the string formats SDKs generate, matching the patterns zod puts beside them. */
const FORMATS: Record<string, (random: SeededRandom) => string> = {
  'date-time': (random) => `${FORMATS.date(random)}T${FORMATS.time(random)}Z`,
  date: (random) => `${random.integer(2000, 2030)}-${pad(random.integer(1, 12))}-${pad(random.integer(1, 28))}`,
  time: (random) => `${pad(random.integer(0, 23))}:${pad(random.integer(0, 59))}:${pad(random.integer(0, 59))}`,
  email: (random) => `${random.pick(VOCABULARY)}.${random.pick(VOCABULARY)}@example.com`,
  uri: (random) => `https://example.com/${random.pick(VOCABULARY)}`,
  url: (random) => FORMATS.uri(random),
  hostname: (random) => `${random.pick(VOCABULARY)}.example.com`,
  ipv4: (random) => Array.from({ length: 4 }, () => random.integer(1, 254)).join('.'),
  ipv6: (random) => `2001:db8::${hex(random, 4)}`,
  uuid: (random) =>
    `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-${random.pick(['8', '9', 'a', 'b'])}${hex(random, 3)}-${hex(random, 12)}`,
  duration: (random) => `P${random.integer(1, 30)}D`,
};

/** A string of words within minLength..maxLength (code points; capped at MAX_STRING_LENGTH), or a value of its format. */
export function stringOf(schema: Schema, random: SeededRandom): string {
  const min = Math.min(Math.max(0, Math.ceil(numberKeyword(schema, 'minLength') ?? 0)), MAX_STRING_LENGTH);
  const max = Math.max(min, Math.min(Math.floor(numberKeyword(schema, 'maxLength') ?? Infinity), MAX_STRING_LENGTH));
  const format = keyword(schema, 'format');
  if (typeof format === 'string' && Object.hasOwn(FORMATS, format)) {
    const formatted = FORMATS[format](random);
    if (formatted.length >= min && formatted.length <= max) return formatted;
  }
  let text = Array.from({ length: random.integer(1, 4) }, () => random.pick(VOCABULARY)).join(' ');
  while (text.length < min) text += ` ${random.pick(VOCABULARY)}`;
  if (text.length > max) {
    // Cut to max, at the end of a word when that leaves enough.
    const cut = text.slice(0, max);
    const lastSpace = text[max] === ' ' ? max : cut.lastIndexOf(' ');
    text = lastSpace > 0 && lastSpace >= min ? cut.slice(0, lastSpace) : cut.trimEnd();
  }
  return text.padEnd(min, 'x');
}

/** The inclusive bounds of a number schema (draft 4's boolean exclusive* and later drafts' numbers alike); null when none fits. */
function boundsOf(schema: Schema, integer: boolean): { low: number; high: number; lowOpen: boolean; highOpen: boolean } | null {
  let low = numberKeyword(schema, 'minimum') ?? -Infinity;
  let high = numberKeyword(schema, 'maximum') ?? Infinity;
  let lowOpen = keyword(schema, 'exclusiveMinimum') === true;
  let highOpen = keyword(schema, 'exclusiveMaximum') === true;
  const exclusiveLow = numberKeyword(schema, 'exclusiveMinimum');
  const exclusiveHigh = numberKeyword(schema, 'exclusiveMaximum');
  if (exclusiveLow !== undefined && exclusiveLow >= low) [low, lowOpen] = [exclusiveLow, true];
  if (exclusiveHigh !== undefined && exclusiveHigh <= high) [high, highOpen] = [exclusiveHigh, true];
  if (integer) {
    low = lowOpen && Number.isInteger(low) ? low + 1 : Math.ceil(low);
    high = highOpen && Number.isInteger(high) ? high - 1 : Math.floor(high);
    [lowOpen, highOpen] = [false, false];
  }
  if (low > high || (low === high && (lowOpen || highOpen))) return null;
  // Prefer small numbers: the default range when it overlaps the bounds, else 100 next to the bound that is set.
  const windowLow = Math.max(low, Math.min(DEFAULT_RANGE.low, high - 100));
  const windowHigh = Math.min(high, Math.max(DEFAULT_RANGE.high, windowLow + 100));
  return { low: windowLow, high: windowHigh, lowOpen: lowOpen && windowLow === low, highOpen: highOpen && windowHigh === high };
}

/** The number of decimals of `value` as written (0.25 → 2), at most 12. */
function decimalsOf(value: number): number {
  const [digits, exponent] = String(value).split('e');
  const decimals = (digits.split('.')[1]?.length ?? 0) - Number(exponent ?? 0);
  return Math.min(Math.max(decimals, 0), 12);
}

/** A multiple of `step` within [low, high] that JSON schema validators accept (value / step is an integer in floating point). */
function multipleWithin(low: number, high: number, step: number, random: SeededRandom): number | null {
  const first = Math.ceil(low / step);
  const last = Math.floor(high / step);
  if (!(first <= last)) return null;
  const decimals = decimalsOf(step);
  const accepted = (factor: number) => {
    const value = Number((factor * step).toFixed(decimals));
    return value >= low && value <= high && Number.isInteger(value / step) ? value : null;
  };
  for (let attempt = 0; attempt < 8; attempt++) {
    const value = accepted(random.integer(first, Math.min(last, first + 1000)));
    if (value !== null) return value;
  }
  for (let factor = first; factor <= Math.min(last, first + 64); factor++) {
    const value = accepted(factor);
    if (value !== null) return value;
  }
  return first * step;
}

/** A number (or integer) within the schema's bounds and a multiple of its multipleOf; the lower bound when the bounds exclude every value. */
export function numberOf(schema: Schema, integer: boolean, random: SeededRandom): number {
  const bounds = boundsOf(schema, integer);
  if (!bounds) return numberKeyword(schema, 'minimum') ?? numberKeyword(schema, 'exclusiveMinimum') ?? 0;
  const { low, high, lowOpen, highOpen } = bounds;
  const step = numberKeyword(schema, 'multipleOf');
  if (step !== undefined && step > 0) {
    const stepLow = lowOpen ? low + step / 2 : low;
    const stepHigh = highOpen ? high - step / 2 : high;
    const multiple = multipleWithin(stepLow, stepHigh, step, random);
    if (multiple !== null && (!integer || Number.isInteger(multiple))) return multiple;
  }
  if (integer) return random.integer(low, high);
  const value = Number((low + random.next() * (high - low)).toFixed(2));
  const inside = (lowOpen ? value > low : value >= low) && (highOpen ? value < high : value <= high);
  return inside ? value : (low + high) / 2;
}
