/** The local content provider's vocabulary (word lists, phrase templates) and fixed figures, kept apart from its logic. */
export const GREETINGS = new Set(['hi', 'hello', 'hey', 'hallo', 'greetings', 'howdy', 'morning', 'evening']);
export const QUESTION_STARTS = new Set([
  'who',
  'what',
  'when',
  'where',
  'why',
  'how',
  'which',
  'can',
  'could',
  'would',
  'should',
  'is',
  'are',
  'do',
  'does',
  'did',
  'will',
]);

export const DEFAULT_CALL_SCRIPT = 'Hello, this is an automated call. Please call us back at your convenience. Thank you.';
export const CALL_SETUP_SECONDS = 5;
export const SPOKEN_WORDS_PER_SECOND = 2.5;

// prettier-ignore
export const NAME_PREFIXES = [
  'Northside', 'Golden', 'Riverside', 'Old Town', 'Summit', 'Bright', 'Harbor', 'Maple', 'Union', 'Cedar',
  'Blue Door', 'Corner', 'Parkview', 'Lakeside', 'Evergreen', 'Silver', 'Red Brick', 'Hilltop', 'Westend', 'Eastgate',
  'Lantern', 'Copper', 'Willow', 'Granite', 'Sunrise', 'Market Street', 'Ironwood', 'Bluebird', 'Meadow', 'Station',
  'Canal', 'Oakridge', 'Juniper', 'Foxglove', 'Highline', 'Orchard',
] as const;
// prettier-ignore
export const NAME_SUFFIXES = [
  'Co.', 'House', 'Collective', 'Studio', 'Works', 'Company', 'Partners', 'Lab', 'Hub', 'Market',
  'Group', 'Supply', 'Shop', 'Depot', 'Place', 'Room', 'Hall', 'Point', 'Guild', 'Exchange',
] as const;
export const MAILBOXES = ['info', 'hello', 'contact', 'office', 'team'] as const;
// Area codes of real cities; the numbers themselves use the 555-01xx block reserved for fiction.
// prettier-ignore
export const CITIES = [
  { city: 'Chicago', areaCode: '312' }, { city: 'Austin', areaCode: '512' }, { city: 'Denver', areaCode: '303' },
  { city: 'Seattle', areaCode: '206' }, { city: 'Boston', areaCode: '617' }, { city: 'Portland', areaCode: '503' },
  { city: 'Atlanta', areaCode: '404' }, { city: 'Phoenix', areaCode: '602' }, { city: 'Miami', areaCode: '305' },
  { city: 'Nashville', areaCode: '615' }, { city: 'San Diego', areaCode: '619' }, { city: 'Minneapolis', areaCode: '612' },
] as const;
export const GENERIC_CATEGORY = ['local', 'business'];
// Keeps each domain label well under the 63 characters DNS allows.
export const MAX_SLUG_PART = 24;

export const SEO_TITLE_TERMS = 6;

// Longer phrases are matched first, so 'very good' wins over 'good'-level entries.
export const PLAIN_WORDS: Record<string, string> = {
  'in order to': 'to',
  'due to the fact that': 'because',
  'in spite of the fact that': 'although',
  'at this point in time': 'now',
  'in the event that': 'if',
  'a large number of': 'many',
  'a lot of': 'many',
  'prior to': 'before',
  'subsequent to': 'after',
  'very good': 'excellent',
  'very bad': 'poor',
  'very big': 'huge',
  'very small': 'tiny',
  'very important': 'essential',
  'very quickly': 'rapidly',
  utilize: 'use',
  utilise: 'use',
  utilizes: 'uses',
  utilises: 'uses',
  commence: 'begin',
  commences: 'begins',
  assist: 'help',
  assists: 'helps',
  numerous: 'many',
  demonstrate: 'show',
  demonstrates: 'shows',
  approximately: 'about',
  sufficient: 'enough',
  additional: 'more',
  obtain: 'get',
  obtains: 'gets',
  facilitate: 'ease',
};
export const PLAIN_WORD_PATTERN = new RegExp(
  `(?<![\\p{L}\\p{N}])(${Object.keys(PLAIN_WORDS)
    .sort((a, b) => b.length - a.length)
    .map((phrase) => phrase.replace(/ /g, '\\s+'))
    .join('|')})(?![\\p{L}\\p{N}])`,
  'giu',
);

export const GENERIC_TERMS = ['this topic', 'the details', 'the next steps'];
// prettier-ignore
export const CONTINUATION_OPENERS = [
  'There is more to say about {a}.',
  '{a} deserves a closer look.',
  'Looking further at {a}, a few points stand out.',
] as const;
// prettier-ignore
export const CONTINUATION_MIDDLES = [
  'In practice, {a} rarely stands alone: it depends on {b}, and both are shaped by {c}.',
  'The link between {a} and {b} matters most, because small changes in {b} change how {a} turns out.',
  'Seen together, {b} and {c} explain much of what makes {a} work.',
] as const;
// prettier-ignore
export const CONTINUATION_CLOSERS = [
  'Getting {b} right first makes every later decision about {c} easier.',
  'A sensible next step is to review {c} with {a} in mind.',
  'Keeping {a}, {b} and {c} in balance is what turns a good start into a lasting result.',
] as const;
