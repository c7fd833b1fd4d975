import type { Type } from '@nestjs/common';
import { createValidationPipe } from '../src/common/validation.js';
import { BusinessCollectorDto } from '../src/services/dto/business-collector.dto.js';
import { ChatDto } from '../src/services/dto/chat.dto.js';
import { FindImageDto } from '../src/services/dto/find-image.dto.js';
import { PlaceCallDto } from '../src/services/dto/place-call.dto.js';
import { DraftSocialPostsDto } from '../src/services/dto/social-posts.dto.js';
import { TextDto } from '../src/services/dto/text.dto.js';
import { LocalContentProvider } from '../src/services/local-content.provider.js';
import { businessCollectorCostUnits, leadUnits, rewriteCostUnits, rewriteUnits } from '../src/services/service-pricing.js';
import { SOCIAL_PLATFORM_LIMITS, SOCIAL_PLATFORMS } from '../src/services/social-platforms.js';
import { charCount, escapeXml, keyTerms, truncateAtWordBoundary, wrapWords } from '../src/services/text-tools.js';

const ARTICLE =
  'Cold brew coffee is brewed with cold water over many hours. Cold brew tastes smoother than hot coffee, ' +
  'because the cold water extracts fewer bitter compounds from the coffee beans. To make cold brew at home, ' +
  'grind the beans coarsely, mix one part coffee with eight parts water, and let it steep for 12 to 18 hours. ' +
  'Strain it through a paper filter and keep the concentrate in the fridge for up to two weeks.';

const lastWord = (text: string): string =>
  text
    .replace(/[…\s]+$/u, '')
    .split(/\s+/)
    .at(-1) ?? '';
const decodeSvg = (url: string): string => {
  const prefix = 'data:image/svg+xml;base64,';
  expect(url.startsWith(prefix)).toBe(true);
  return Buffer.from(url.slice(prefix.length), 'base64').toString('utf8');
};

describe('LocalContentProvider', () => {
  const provider = new LocalContentProvider();

  it('gives the same answer to the same input, for every service', async () => {
    const run = async () => [
      await provider.chat('How do I make cold brew?'),
      await provider.placeCall('+4915123456789', 'Hello there'),
      await provider.collectBusinesses('coffee shops in Berlin', 25),
      await provider.draftSocialPosts(ARTICLE, ['x', 'linkedin']),
      await provider.seoTitle(ARTICLE),
      await provider.metaDescription(ARTICLE),
      await provider.rewrite(ARTICLE),
      await provider.writeMore(ARTICLE),
      await provider.findImage('mountain lake'),
    ];
    expect(await run()).toEqual(await run());
  });

  describe('chat', () => {
    it('tells questions, greetings and statements apart and echoes key terms', async () => {
      const question = await provider.chat('How do I make cold brew coffee?');
      expect(question.intent).toBe('question');
      expect(question.keyTerms).toEqual(['cold', 'brew', 'coffee']);
      expect(question.reply).toContain('cold, brew and coffee');

      expect((await provider.chat('Hello there!')).intent).toBe('greeting');

      const statement = await provider.chat('Our roastery opens in March.');
      expect(statement.intent).toBe('statement');
      expect(statement.reply).toContain('roastery');
    });

    it('answers messages without key terms', async () => {
      const reply = await provider.chat('Why?');
      expect(reply.intent).toBe('question');
      expect(reply.keyTerms).toEqual([]);
      expect(reply.reply.length).toBeGreaterThan(0);
    });
  });

  describe('placeCall', () => {
    it('queues the call with a stable id and an estimate from the script length', async () => {
      const short = await provider.placeCall('+4915123456789', 'Hello,   see you tomorrow.');
      expect(short).toMatchObject({ to: '+4915123456789', status: 'queued', script: 'Hello, see you tomorrow.' });
      expect(short.callId).toMatch(/^call_[0-9a-f]{24}$/);

      const long = await provider.placeCall('+4915123456789', 'word '.repeat(300));
      expect(long.estimatedSeconds).toBeGreaterThan(short.estimatedSeconds);
      expect(long.callId).not.toBe(short.callId);
      expect((await provider.placeCall('+14155550100', 'Hello,   see you tomorrow.')).callId).not.toBe(short.callId);
    });

    it('uses a default script when none is given', async () => {
      const call = await provider.placeCall('+4915123456789');
      expect(call.script.length).toBeGreaterThan(0);
      expect(call.estimatedSeconds).toBeGreaterThan(0);
    });
  });

  describe('collectBusinesses', () => {
    it.each([1, 7, 100, 1000])('returns exactly %i distinct leads', async (count) => {
      const { leads } = await provider.collectBusinesses('coffee shops in Berlin', count);
      expect(leads).toHaveLength(count);
      expect(new Set(leads.map((lead) => lead.name)).size).toBe(count);
      expect(new Set(leads.map((lead) => lead.website)).size).toBe(count);
    });

    it('builds complete leads on example domains from the query', async () => {
      const { leads } = await provider.collectBusinesses('coffee shops in Berlin', 50);
      for (const lead of leads) {
        expect(lead.category).toBe('Coffee Shops');
        expect(lead.city).toBe('Berlin');
        expect(lead.name).toContain('Coffee');
        expect(lead.phone).toMatch(/^\+1\d{3}55501\d{2}$/);
        expect(lead.email).toMatch(/^[a-z]+@[a-z0-9-]+\.example$/);
        expect(lead.website).toMatch(/^https:\/\/[a-z0-9-]+\.example$/);
      }
    });

    it('depends on the query, and a larger count extends the same list', async () => {
      const ten = await provider.collectBusinesses('plumbers', 10);
      const hundred = await provider.collectBusinesses('plumbers', 100);
      expect(hundred.leads.slice(0, 10)).toEqual(ten.leads);
      expect((await provider.collectBusinesses('bakeries', 10)).leads).not.toEqual(ten.leads);
    });

    it('rejects counts that are not positive integers', async () => {
      await expect(provider.collectBusinesses('plumbers', 0)).rejects.toThrow(RangeError);
      await expect(provider.collectBusinesses('plumbers', 2.5)).rejects.toThrow(RangeError);
    });
  });

  describe('draftSocialPosts', () => {
    it('drafts one post per platform within its limit, with hashtags from key terms', async () => {
      const longText = `${ARTICLE} `.repeat(200);
      const { posts } = await provider.draftSocialPosts(longText, SOCIAL_PLATFORMS);
      expect(posts.map((post) => post.platform)).toEqual(SOCIAL_PLATFORMS);
      for (const post of posts) {
        expect(post.limit).toBe(SOCIAL_PLATFORM_LIMITS[post.platform]);
        expect(post.length).toBe(charCount(post.text));
        expect(post.length).toBeLessThanOrEqual(post.limit);
        expect(post.hashtags[0]).toBe('#cold');
        expect(post.text.endsWith(post.hashtags.join(' '))).toBe(true);
      }
    });

    it('keeps a short text whole', async () => {
      const { posts } = await provider.draftSocialPosts('We roast beans in Berlin.', ['threads']);
      expect(posts[0].text.startsWith('We roast beans in Berlin.\n\n#')).toBe(true);
    });
  });

  describe('seoTitle', () => {
    it('builds a title-cased title of at most 60 characters from the key terms', async () => {
      const { title, length } = await provider.seoTitle(ARTICLE);
      expect(title.length).toBeGreaterThan(0);
      expect(length).toBe(charCount(title));
      expect(length).toBeLessThanOrEqual(60);
      expect(title.startsWith('Cold Brew Coffee')).toBe(true);
      for (const word of title.split(' ')) expect(word[0]).toBe(word[0].toUpperCase());
    });

    it('is never empty or too long, whatever the text', async () => {
      for (const text of ['What is it?', '!!!', 'x'.repeat(500), `${'supercalifragilistic '.repeat(10)}`]) {
        const { title } = await provider.seoTitle(text);
        expect(title.length).toBeGreaterThan(0);
        expect(charCount(title)).toBeLessThanOrEqual(60);
      }
    });
  });

  describe('metaDescription', () => {
    it('keeps whole leading sentences within 155 characters', async () => {
      const { description, length } = await provider.metaDescription(ARTICLE);
      expect(length).toBeLessThanOrEqual(155);
      // The second sentence would pass the limit, so only the first is kept.
      expect(description).toBe('Cold brew coffee is brewed with cold water over many hours.');
    });

    it('cuts a long first sentence at a word boundary', async () => {
      const sentence = `${'Coffee beans roasted slowly develop sweetness, body and a long finish '.repeat(5)}today.`;
      const { description } = await provider.metaDescription(sentence);
      expect(charCount(description)).toBeLessThanOrEqual(155);
      expect(description.endsWith('…')).toBe(true);
      expect(sentence.split(/\s+/)).toContain(lastWord(description).replace(/[,.]$/, ''));
      expect(sentence.startsWith(description.slice(0, -1))).toBe(true);
    });
  });

  describe('rewrite', () => {
    it('cleans whitespace, re-capitalises sentences and substitutes plainer words', async () => {
      const result = await provider.rewrite(
        'we  utilize a   big kettle ,in order to brew.  it works VERY GOOD\n\n\nsecond   paragraph here',
      );
      expect(result.text).toBe('We use a big kettle, to brew. It works EXCELLENT.\n\nSecond paragraph here.');
      expect(result.substitutions).toBe(3);
    });

    it('separates run-together sentences but leaves domains and abbreviations alone', async () => {
      expect((await provider.rewrite('Done!next step.Then see example.com, e.g. here')).text).toBe(
        'Done! Next step. Then see example.com, e.g. here.',
      );
    });
  });

  describe('writeMore', () => {
    it('continues the text with sentences built on its key terms', async () => {
      const result = await provider.writeMore(ARTICLE);
      expect(result.keyTerms).toEqual(['cold', 'coffee', 'brew']);
      expect(result.text.split(/(?<=\.)\s/)).toHaveLength(3);
      expect(result.text).toMatch(/cold|Cold/);
    });

    it('falls back to generic wording when the text has no key terms', async () => {
      const result = await provider.writeMore('It is what it is.');
      expect(result.keyTerms).toEqual([]);
      expect(result.text.length).toBeGreaterThan(0);
    });
  });

  describe('findImage', () => {
    it('returns an SVG placeholder with the escaped query', async () => {
      const image = await provider.findImage('<b>fish & chips</b>');
      const svg = decodeSvg(image.url);
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg).toContain('&lt;b&gt;fish &amp; chips&lt;/b&gt;');
      expect(svg).not.toContain('<b>');
      expect(image).toMatchObject({ query: '<b>fish & chips</b>', width: 1200, height: 630, alt: 'Image: <b>fish & chips</b>' });
    });

    it('wraps a long query over a few lines', async () => {
      const svg = decodeSvg(
        (await provider.findImage('a very long search query about mountain lakes at dawn with mist over the water and pine trees')).url,
      );
      expect(svg.match(/<tspan /g)?.length).toBeGreaterThan(1);
    });
  });
});

describe('text tools', () => {
  it('ranks key terms by frequency, then by first appearance, without stop words', () => {
    expect(keyTerms('The cat and the dog. The dog barks at the cat and the dog.')).toEqual(['dog', 'cat', 'barks']);
  });

  it('truncates between words', () => {
    expect(truncateAtWordBoundary('one two three', 9)).toBe('one two');
    expect(truncateAtWordBoundary('one two three', 8, '…')).toBe('one two…');
    expect(truncateAtWordBoundary('one two three', 13)).toBe('one two three');
    expect(truncateAtWordBoundary('abcdefghij', 4)).toBe('abcd');
    expect(truncateAtWordBoundary('😀 😀 😀', 3)).toBe('😀 😀');
  });

  it('wraps words into a limited number of lines', () => {
    expect(wrapWords('aa bb cc dd ee', 5, 2)).toEqual(['aa bb', 'cc…']);
  });

  it('escapes XML and drops forbidden characters', () => {
    expect(escapeXml(`<a href="x">&'\u0000`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  });
});

describe('service pricing', () => {
  it.each([
    [1, 1],
    [100, 1],
    [101, 2],
    [1000, 10],
  ])('business collector: %i leads are %i units', (count, units) => {
    expect(leadUnits(count)).toBe(units);
    expect(businessCollectorCostUnits({ query: 'plumbers', count })).toBe(units);
  });

  it.each([
    [1, 1],
    [1000, 1],
    [1001, 2],
    [10000, 4],
  ])('rewrite: %i characters are %i units', (length, units) => {
    const text = 'a'.repeat(length);
    expect(rewriteUnits(text)).toBe(units);
    expect(rewriteCostUnits({ text })).toBe(units);
  });

  it('counts an emoji as one character', () => {
    expect(rewriteUnits('😀')).toBe(1);
    expect(rewriteUnits(`${'a'.repeat(999)}😀`)).toBe(1);
    expect(rewriteUnits(`${'a'.repeat(1000)}😀`)).toBe(2);
  });
});

describe('service request bodies', () => {
  const pipe = createValidationPipe();
  const validate = (metatype: Type, body: unknown) => pipe.transform(body, { type: 'body', metatype, data: undefined });
  const TEXT_MAX = 20000;

  it.each<[Type, unknown]>([
    [ChatDto, { message: 'Hi' }],
    [PlaceCallDto, { to: '+4915123456789' }],
    [PlaceCallDto, { to: '+4915123456789', script: 'Hello' }],
    [BusinessCollectorDto, { query: 'plumbers', count: 1000 }],
    [DraftSocialPostsDto, { text: 'News', platforms: ['x', 'twitter', 'linkedin', 'facebook', 'threads'] }],
    [TextDto, { text: 'é'.repeat(TEXT_MAX) }],
    [FindImageDto, { query: 'lake' }],
  ])('accepts a valid %p body', async (metatype, body) => {
    await expect(validate(metatype, body)).resolves.toBeInstanceOf(metatype);
  });

  it.each<[Type, unknown]>([
    [ChatDto, { message: '   \n ' }],
    [ChatDto, { message: '' }],
    [ChatDto, { message: 'x'.repeat(4001) }],
    [ChatDto, { message: 'Hi', extra: true }],
    [PlaceCallDto, { to: '015123456789' }],
    [PlaceCallDto, { to: '+0123456789' }],
    [PlaceCallDto, { to: '+4915123456789', script: ' ' }],
    [PlaceCallDto, { to: '+4915123456789', script: 'x'.repeat(2001) }],
    [BusinessCollectorDto, { query: 'plumbers', count: '5' }],
    [BusinessCollectorDto, { query: 'plumbers', count: 2.5 }],
    [BusinessCollectorDto, { query: 'plumbers', count: 0 }],
    [BusinessCollectorDto, { query: 'plumbers', count: 1001 }],
    [BusinessCollectorDto, { query: 'x'.repeat(201), count: 1 }],
    [DraftSocialPostsDto, { text: 'News', platforms: [] }],
    [DraftSocialPostsDto, { text: 'News', platforms: ['x', 'x'] }],
    [DraftSocialPostsDto, { text: 'News', platforms: ['myspace'] }],
    [DraftSocialPostsDto, { text: 'News', platforms: 'x' }],
    [DraftSocialPostsDto, { text: 'News', platforms: ['x', 'twitter', 'linkedin', 'facebook', 'threads', 'instagram'] }],
    [TextDto, { text: 'x'.repeat(TEXT_MAX + 1) }],
    [TextDto, { text: 42 }],
    [FindImageDto, { query: '\t' }],
  ])('rejects an invalid %p body', async (metatype, body) => {
    await expect(validate(metatype, body)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
