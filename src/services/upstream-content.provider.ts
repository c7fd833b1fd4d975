import { countTokensInSlices, LlmUpstream, UpstreamFailed } from '../completions/index.js';
import { ContentProvider } from './content-provider.js';
import type {
  BusinessLeadsDto,
  CallDto,
  ChatReplyDto,
  ImageDto,
  MetaDescriptionDto,
  RewriteResultDto,
  SeoTitleDto,
  SocialPostDto,
  SocialPostsDto,
  WriteMoreResultDto,
} from './dto/service-results.dto.js';
import { LocalContentProvider, META_DESCRIPTION_MAX, SEO_TITLE_MAX } from './local-content.provider.js';
import {
  HASHTAGS_PER_PLATFORM,
  MAX_HASHTAG_LENGTH,
  SOCIAL_PLATFORM_LIMITS,
  SOCIAL_PLATFORM_NAMES,
  type SocialPlatform,
} from './social-platforms.js';
import { charCount, collapseWhitespace, keyTerms, splitParagraphs, tokenize, truncateAtWordBoundary } from './text-tools.js';

/** Completion limits per service (model tokens): enough for the answer each one asks for, no more. */
const MAX_TOKENS = { chat: 512, seoTitle: 48, metaDescription: 120, writeMore: 400, socialPost: 1024 } as const;
/** A rewrite is about as long as its text: twice its tokens leave room, within this cap. */
const REWRITE_MAX_TOKENS = 8192;

const PROMPTS = {
  chat: 'You are a helpful assistant. Answer the message in a few sentences of plain text.',
  seoTitle: `Write an SEO page title for the text the user sends: at most ${SEO_TITLE_MAX} characters, in the language of the text. Answer with the title only, without quotes.`,
  metaDescription: `Write a meta description for the text the user sends: one or two sentences, at most ${META_DESCRIPTION_MAX} characters, in the language of the text. Answer with the description only, without quotes.`,
  rewrite:
    'Rewrite the text the user sends in clear, plain language: simpler words, the same meaning, the same language and the same paragraphs. Answer with the rewritten text only.',
  writeMore:
    'Continue the text the user sends with exactly one more paragraph in the same language, tone and style. Answer with the new paragraph only, without repeating the text.',
  socialPost: (platform: SocialPlatform) =>
    `Write one ${SOCIAL_PLATFORM_NAMES[platform]} post about the text the user sends: at most ${SOCIAL_PLATFORM_LIMITS[platform]} characters ` +
    `including hashtags, with at most ${HASHTAGS_PER_PLATFORM[platform]} relevant hashtags at the end, in the language of the text. Answer with the post only.`,
};

const HASHTAG = /#[\p{L}\p{N}_]+/gu;
const QUOTES = /^["'“”‘’«»*]+|["'“”‘’«»*]+$/gu;
const LABEL = /^(?:seo\s+)?(?:page\s+)?(?:title|meta\s+description|description)\s*:\s*/iu;

/** The first non-empty line of an answer, without a label ("Title:"), quotes or markdown emphasis around it. */
function firstLine(answer: string): string {
  const line = answer.split(/\r?\n/u).find((candidate) => candidate.trim().length > 0) ?? '';
  return collapseWhitespace(collapseWhitespace(line).replace(LABEL, '').replace(QUOTES, ''));
}

/** Words of `original` that `rewritten` no longer has (counted with repeats): what the rewrite replaced or dropped. */
function replacedWords(original: string, rewritten: string): number {
  const left = new Map<string, number>();
  for (const word of tokenize(rewritten)) left.set(word, (left.get(word) ?? 0) + 1);
  let replaced = 0;
  for (const word of tokenize(original)) {
    const count = left.get(word) ?? 0;
    if (count > 0) left.set(word, count - 1);
    else replaced++;
  }
  return replaced;
}

/**
 * The text services on the AI upstream (when LLM_BASE_URL is set): chat, SEO title, meta
 * description, rewrite, write-more and social posts ask the model `model` through the LlmUpstream
 * port, one completion each (one per platform for social posts), with a prompt of their own, and
 * keep their contract: the same result shape, an SEO title of at most 60 characters, a meta
 * description of at most 155 cut at a word boundary, posts within their platform's limit. Calls,
 * the business collector and find-image stay local. Prices stay the fixed contract prices (the
 * metering does not change); an upstream failure, or an empty answer, rejects with UpstreamFailed,
 * so the charge is refunded.
 */
export class UpstreamContentProvider extends ContentProvider {
  constructor(
    private readonly upstream: LlmUpstream,
    private readonly model: string,
    private readonly local: ContentProvider = new LocalContentProvider(),
  ) {
    super();
  }

  async chat(message: string): Promise<ChatReplyDto> {
    const reply = collapseWhitespace(await this.ask(PROMPTS.chat, message, MAX_TOKENS.chat));
    // How the message was understood, and its key terms, are read from the message as before.
    const { intent, keyTerms: terms } = await this.local.chat(message);
    return { reply, intent, keyTerms: terms };
  }

  placeCall(to: string, script?: string): Promise<CallDto> {
    return this.local.placeCall(to, script);
  }

  collectBusinesses(query: string, count: number): Promise<BusinessLeadsDto> {
    return this.local.collectBusinesses(query, count);
  }

  findImage(query: string): Promise<ImageDto> {
    return this.local.findImage(query);
  }

  async draftSocialPosts(text: string, platforms: readonly SocialPlatform[]): Promise<SocialPostsDto> {
    return { posts: await Promise.all(platforms.map((platform) => this.socialPost(text, platform))) };
  }

  async seoTitle(text: string): Promise<SeoTitleDto> {
    const title = this.required(
      truncateAtWordBoundary(firstLine(await this.ask(PROMPTS.seoTitle, text, MAX_TOKENS.seoTitle)), SEO_TITLE_MAX),
    );
    return { title, length: charCount(title) };
  }

  async metaDescription(text: string): Promise<MetaDescriptionDto> {
    const answer = firstLine(await this.ask(PROMPTS.metaDescription, text, MAX_TOKENS.metaDescription));
    const description = this.required(truncateAtWordBoundary(answer, META_DESCRIPTION_MAX, '…'));
    return { description, length: charCount(description) };
  }

  async rewrite(text: string): Promise<RewriteResultDto> {
    const maxTokens = Math.min(REWRITE_MAX_TOKENS, 2 * (await countTokensInSlices(text)) + 64);
    const rewritten = this.required(splitParagraphs(await this.ask(PROMPTS.rewrite, text, maxTokens)).join('\n\n'));
    return { text: rewritten, substitutions: replacedWords(text, rewritten) };
  }

  async writeMore(text: string): Promise<WriteMoreResultDto> {
    const continuation = this.required(collapseWhitespace(await this.ask(PROMPTS.writeMore, text, MAX_TOKENS.writeMore)));
    return { text: continuation, keyTerms: keyTerms(text, 3) };
  }

  private async socialPost(text: string, platform: SocialPlatform): Promise<SocialPostDto> {
    const limit = SOCIAL_PLATFORM_LIMITS[platform];
    const answer = splitParagraphs(
      await this.ask(PROMPTS.socialPost(platform), text, Math.min(MAX_TOKENS.socialPost, Math.ceil(limit / 2))),
    );
    const post = this.required(truncateAtWordBoundary(answer.join('\n\n'), limit, '…'));
    const hashtags = [...new Set(post.match(HASHTAG) ?? [])].filter((tag) => charCount(tag) <= MAX_HASHTAG_LENGTH);
    return { platform, text: post, length: charCount(post), limit, hashtags };
  }

  private async ask(instructions: string, text: string, maxTokens: number): Promise<string> {
    const answer = await this.upstream.complete({
      model: this.model,
      messages: [
        { role: 'system', content: instructions },
        { role: 'user', content: text },
      ],
      max_completion_tokens: maxTokens,
      n: 1,
    });
    return answer.choices[0]?.message.content ?? '';
  }

  /** An answer the service can use; an empty one fails the request (and refunds it). */
  private required(answer: string): string {
    if (answer.trim().length === 0) throw new UpstreamFailed('malformed', 'The AI upstream answered an empty text');
    return answer;
  }
}
