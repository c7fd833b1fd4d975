import { ApiProperty } from '@nestjs/swagger';
import { SOCIAL_PLATFORMS, type SocialPlatform } from '../social-platforms.js';

export const CHAT_INTENTS = ['greeting', 'question', 'statement'] as const;
export type ChatIntent = (typeof CHAT_INTENTS)[number];

export class ChatReplyDto {
  @ApiProperty({ example: 'You asked about cold brew and coffee. In short: start with cold brew, then look at coffee.' })
  reply: string;

  @ApiProperty({ enum: CHAT_INTENTS, example: 'question', description: 'How the message was understood' })
  intent: ChatIntent;

  @ApiProperty({ type: [String], example: ['cold', 'brew', 'coffee'], description: 'Key terms the reply is about' })
  keyTerms: string[];
}

export class CallDto {
  @ApiProperty({ example: 'call_3f9a1c0b7d2e4a5f6b8c9d0e', description: 'Identifier of the queued call' })
  callId: string;

  @ApiProperty({ example: '+4915123456789' })
  to: string;

  @ApiProperty({ enum: ['queued'], example: 'queued' })
  status: 'queued';

  @ApiProperty({ example: 'Hello, this is a reminder of your appointment tomorrow at 10 am.', description: 'What the call will say' })
  script: string;

  @ApiProperty({ example: 9, description: 'Expected duration of the call' })
  estimatedSeconds: number;
}

export class BusinessLeadDto {
  @ApiProperty({ example: 'Northside Coffee Roasters' })
  name: string;

  @ApiProperty({ example: 'Coffee Shops' })
  category: string;

  @ApiProperty({ example: 'Berlin' })
  city: string;

  @ApiProperty({ example: '+13125550142', description: 'E.164; numbers from ranges reserved for fiction' })
  phone: string;

  @ApiProperty({ example: 'hello@northside-coffee-roasters.example' })
  email: string;

  @ApiProperty({ example: 'https://northside-coffee-roasters.example' })
  website: string;
}

export class BusinessLeadsDto {
  @ApiProperty({ example: 'coffee shops in Berlin' })
  query: string;

  @ApiProperty({ example: 2 })
  count: number;

  @ApiProperty({ type: [BusinessLeadDto] })
  leads: BusinessLeadDto[];
}

export class SocialPostDto {
  @ApiProperty({ enum: SOCIAL_PLATFORMS, example: 'linkedin' })
  platform: SocialPlatform;

  @ApiProperty({ example: 'We now roast our beans in Berlin.\n\n#roast #beans #berlin' })
  text: string;

  @ApiProperty({ example: 56, description: 'Length of text in characters (code points)' })
  length: number;

  @ApiProperty({ example: 3000, description: "The platform's character limit" })
  limit: number;

  @ApiProperty({ type: [String], example: ['#roast', '#beans', '#berlin'] })
  hashtags: string[];
}

export class SocialPostsDto {
  @ApiProperty({ type: [SocialPostDto] })
  posts: SocialPostDto[];
}

export class SeoTitleDto {
  @ApiProperty({ example: 'Cold Brew Coffee Beans Grind Ratio', description: 'At most 60 characters' })
  title: string;

  @ApiProperty({ example: 34 })
  length: number;
}

export class MetaDescriptionDto {
  @ApiProperty({
    example: 'Cold brew coffee is smoother than hot coffee. Learn the grind, the ratio and the steeping time.',
    description: 'At most 155 characters',
  })
  description: string;

  @ApiProperty({ example: 95 })
  length: number;
}

export class RewriteResultDto {
  @ApiProperty({ example: 'We use a large kettle to brew the coffee.' })
  text: string;

  @ApiProperty({ example: 2, description: 'Words or phrases replaced by a simpler equivalent' })
  substitutions: number;
}

export class WriteMoreResultDto {
  @ApiProperty({ example: 'Coffee is only part of the picture: brew and grind matter just as much.' })
  text: string;

  @ApiProperty({ type: [String], example: ['coffee', 'brew', 'grind'], description: 'Key terms the continuation builds on' })
  keyTerms: string[];
}

export class ImageDto {
  @ApiProperty({ example: 'mountain lake at dawn' })
  query: string;

  @ApiProperty({ example: 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=' })
  url: string;

  @ApiProperty({ example: 1200 })
  width: number;

  @ApiProperty({ example: 630 })
  height: number;

  @ApiProperty({ example: 'Image: mountain lake at dawn' })
  alt: string;
}
