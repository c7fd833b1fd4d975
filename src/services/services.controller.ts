import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../common/api-auth.decorator.js';
import { TokenCost } from '../tokens/index.js';
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
import { businessCollectorCostUnits, rewriteCostUnits } from './service-pricing.js';

@ApiTags('services')
@ApiAuth()
@Controller('services')
export class ServicesController {
  constructor(private readonly content: ContentProvider) {}

  @Post('chat')
  @HttpCode(201)
  @ApiOperation({ summary: 'Reply to a chat message' })
  @ApiCreatedResponse({ type: ChatReplyDto })
  @TokenCost('ai_chat_message', 1)
  chat(@Body() body: ChatDto): Promise<ChatReplyDto> {
    return this.content.chat(body.message);
  }

  @Post('calls')
  @HttpCode(201)
  @ApiOperation({ summary: 'Queue an outbound phone call' })
  @ApiCreatedResponse({ type: CallDto })
  @TokenCost('outbound_call_single', 1)
  placeCall(@Body() body: PlaceCallDto): Promise<CallDto> {
    return this.content.placeCall(body.to, body.script);
  }

  @Post('business-collector')
  @HttpCode(201)
  @ApiOperation({ summary: 'Collect business leads matching a query' })
  @ApiCreatedResponse({ type: BusinessLeadsDto })
  @TokenCost('business_collector', { price: 20, units: businessCollectorCostUnits, description: '20 per started 100 leads' })
  collectBusinesses(@Body() body: BusinessCollectorDto): Promise<BusinessLeadsDto> {
    return this.content.collectBusinesses(body.query, body.count);
  }

  @Post('social-posts')
  @HttpCode(201)
  @ApiOperation({ summary: 'Draft one social media post per platform' })
  @ApiCreatedResponse({ type: SocialPostsDto })
  @TokenCost('social_media_post', 10)
  draftSocialPosts(@Body() body: DraftSocialPostsDto): Promise<SocialPostsDto> {
    return this.content.draftSocialPosts(body.text, body.platforms);
  }

  @Post('seo-title')
  @HttpCode(201)
  @ApiOperation({ summary: 'Generate an SEO title of at most 60 characters' })
  @ApiCreatedResponse({ type: SeoTitleDto })
  @TokenCost('generate_seo_title', 300)
  seoTitle(@Body() body: TextDto): Promise<SeoTitleDto> {
    return this.content.seoTitle(body.text);
  }

  @Post('meta-description')
  @HttpCode(201)
  @ApiOperation({ summary: 'Generate a meta description of at most 155 characters' })
  @ApiCreatedResponse({ type: MetaDescriptionDto })
  @TokenCost('generate_meta_description', 400)
  metaDescription(@Body() body: TextDto): Promise<MetaDescriptionDto> {
    return this.content.metaDescription(body.text);
  }

  @Post('rewrite')
  @HttpCode(201)
  @ApiOperation({ summary: 'Rewrite a text' })
  @ApiCreatedResponse({ type: RewriteResultDto })
  @TokenCost('ai_rewrite', { price: 500, units: rewriteCostUnits, description: '500 per started 1,000 characters, at most 2,000' })
  rewrite(@Body() body: TextDto): Promise<RewriteResultDto> {
    return this.content.rewrite(body.text);
  }

  @Post('write-more')
  @HttpCode(201)
  @ApiOperation({ summary: 'Continue a text with one more paragraph' })
  @ApiCreatedResponse({ type: WriteMoreResultDto })
  @TokenCost('write_more', 1500)
  writeMore(@Body() body: TextDto): Promise<WriteMoreResultDto> {
    return this.content.writeMore(body.text);
  }

  @Post('find-image')
  @HttpCode(201)
  @ApiOperation({ summary: 'Find an image for a query' })
  @ApiCreatedResponse({ type: ImageDto })
  @TokenCost('find_image', 100)
  findImage(@Body() body: FindImageDto): Promise<ImageDto> {
    return this.content.findImage(body.query);
  }
}
