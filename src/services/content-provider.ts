import type { SocialPlatform } from './social-platforms.js';
import type {
  BusinessLeadsDto,
  CallDto,
  ChatReplyDto,
  ImageDto,
  MetaDescriptionDto,
  RewriteResultDto,
  SeoTitleDto,
  SocialPostsDto,
  WriteMoreResultDto,
} from './dto/service-results.dto.js';

/**
 * The work behind the metered services, and their injection token. The default binding does
 * local, deterministic work; an AI, telephony or search backend replaces it by providing
 * another subclass. Inputs arrive validated. A rejected promise makes the caller's charge
 * be refunded.
 */
export abstract class ContentProvider {
  /** A reply to one chat message. */
  abstract chat(message: string): Promise<ChatReplyDto>;

  /** Queues an outbound call to an E.164 number; `script` is what the call says. */
  abstract placeCall(to: string, script?: string): Promise<CallDto>;

  /** Exactly `count` business leads matching the query. */
  abstract collectBusinesses(query: string, count: number): Promise<BusinessLeadsDto>;

  /** One post per platform, each within that platform's length limit. */
  abstract draftSocialPosts(text: string, platforms: readonly SocialPlatform[]): Promise<SocialPostsDto>;

  /** A page title of at most 60 characters. */
  abstract seoTitle(text: string): Promise<SeoTitleDto>;

  /** A meta description of at most 155 characters, cut at a word boundary. */
  abstract metaDescription(text: string): Promise<MetaDescriptionDto>;

  /** The text, reworded and cleaned up. */
  abstract rewrite(text: string): Promise<RewriteResultDto>;

  /** A paragraph continuing the text. */
  abstract writeMore(text: string): Promise<WriteMoreResultDto>;

  /** An image matching the query, as a URL usable in an <img> tag. */
  abstract findImage(query: string): Promise<ImageDto>;
}
