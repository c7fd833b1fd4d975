import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../common/api-auth.decorator.js';
import { TokenPrice } from '@token-metering/tokens';
import { ContentProvider } from './content-provider.js';
import { BusinessCollectorDto } from './dto/business-collector.dto.js';
import { ChatDto } from './dto/chat.dto.js';
import { FindImageDto } from './dto/find-image.dto.js';
import { PlaceCallDto } from './dto/place-call.dto.js';
import {
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
import { DraftSocialPostsDto } from './dto/social-posts.dto.js';
import { TextDto } from './dto/text.dto.js';
import { businessCollectorCostUnits, businessCollectorPricing, rewriteCostUnits, rewritePricing } from './service-pricing.js';

@ApiTags('services')
@ApiAuth()
@Controller('services')
export class ServicesController {
  constructor(private readonly content: ContentProvider) {}

  @Post('chat')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Reply to a chat message',
    description:
      'Metered: 1 token, charged before the work runs; 402 INSUFFICIENT_TOKENS when the balance is short (the work does not run), and a refund entry when the work fails. Send `Idempotency-Key` to retry without paying twice.',
  })
  @ApiCreatedResponse({ type: ChatReplyDto })
  @TokenPrice('ai_chat_message', 1)
  chat(@Body() body: ChatDto): Promise<ChatReplyDto> {
    return this.content.chat(body.message);
  }

  @Post('calls')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Queue an outbound phone call',
    description:
      'Metered: 1 token per call, charged before the call is queued; the answer has `status: queued`, not the outcome of the call. 402 INSUFFICIENT_TOKENS when the balance is short; refunded when queuing fails. Send `Idempotency-Key` so a retry does not place a second call.',
  })
  @ApiCreatedResponse({ type: CallDto })
  @TokenPrice('outbound_call_single', 1)
  placeCall(@Body() body: PlaceCallDto): Promise<CallDto> {
    return this.content.placeCall(body.to, body.script);
  }

  @Post('business-collector')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Collect business leads matching a query',
    description:
      'Metered by size: 20 tokens per started 100 leads of `count` (250 leads cost 60), charged before the work runs. 402 INSUFFICIENT_TOKENS when the balance is short; refunded when the work fails. Send `Idempotency-Key` to retry without paying twice.',
  })
  @ApiCreatedResponse({ type: BusinessLeadsDto })
  @TokenPrice('business_collector', { price: 20, units: businessCollectorCostUnits, description: businessCollectorPricing })
  collectBusinesses(@Body() body: BusinessCollectorDto): Promise<BusinessLeadsDto> {
    return this.content.collectBusinesses(body.query, body.count);
  }

  @Post('social-posts')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Draft one social media post per platform',
    description:
      "Metered: 10 tokens per request, whatever the number of platforms; each post fits its platform's length limit. 402 INSUFFICIENT_TOKENS when the balance is short; refunded when the work fails. Send `Idempotency-Key` to retry without paying twice.",
  })
  @ApiCreatedResponse({ type: SocialPostsDto })
  @TokenPrice('social_media_post', 10)
  draftSocialPosts(@Body() body: DraftSocialPostsDto): Promise<SocialPostsDto> {
    return this.content.draftSocialPosts(body.text, body.platforms);
  }

  @Post('seo-title')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Generate an SEO title of at most 60 characters',
    description:
      'Metered: 300 tokens, charged before the work runs. 402 INSUFFICIENT_TOKENS when the balance is short; refunded when the work fails. Send `Idempotency-Key` to retry without paying twice.',
  })
  @ApiCreatedResponse({ type: SeoTitleDto })
  @TokenPrice('generate_seo_title', 300)
  seoTitle(@Body() body: TextDto): Promise<SeoTitleDto> {
    return this.content.seoTitle(body.text);
  }

  @Post('meta-description')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Generate a meta description of at most 155 characters',
    description:
      'Metered: 400 tokens, charged before the work runs; the description is cut at a word boundary. 402 INSUFFICIENT_TOKENS when the balance is short; refunded when the work fails. Send `Idempotency-Key` to retry without paying twice.',
  })
  @ApiCreatedResponse({ type: MetaDescriptionDto })
  @TokenPrice('generate_meta_description', 400)
  metaDescription(@Body() body: TextDto): Promise<MetaDescriptionDto> {
    return this.content.metaDescription(body.text);
  }

  @Post('rewrite')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Rewrite a text',
    description:
      'Metered by length: 500 tokens per started 1,000 characters of `text`, at most 2,000 tokens (from 3,001 characters on), charged before the work runs. 402 INSUFFICIENT_TOKENS when the balance is short; refunded when the work fails. Send `Idempotency-Key` to retry without paying twice.',
  })
  @ApiCreatedResponse({ type: RewriteResultDto })
  @TokenPrice('ai_rewrite', { price: 500, units: rewriteCostUnits, description: rewritePricing })
  rewrite(@Body() body: TextDto): Promise<RewriteResultDto> {
    return this.content.rewrite(body.text);
  }

  @Post('write-more')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Continue a text with one more paragraph',
    description:
      'Metered: 1500 tokens, charged before the work runs. 402 INSUFFICIENT_TOKENS when the balance is short; refunded when the work fails. Send `Idempotency-Key` to retry without paying twice.',
  })
  @ApiCreatedResponse({ type: WriteMoreResultDto })
  @TokenPrice('write_more', 1500)
  writeMore(@Body() body: TextDto): Promise<WriteMoreResultDto> {
    return this.content.writeMore(body.text);
  }

  @Post('find-image')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Find an image for a query',
    description:
      'Metered: 100 tokens, charged before the work runs. 402 INSUFFICIENT_TOKENS when the balance is short; refunded when the work fails. Send `Idempotency-Key` to retry without paying twice.',
  })
  @ApiCreatedResponse({ type: ImageDto })
  @TokenPrice('find_image', 100)
  findImage(@Body() body: FindImageDto): Promise<ImageDto> {
    return this.content.findImage(body.query);
  }
}
