import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString } from 'class-validator';
import { SOCIAL_PLATFORMS, type SocialPlatform } from '../social-platforms.js';
import { TextField } from './text-field.js';

export class DraftSocialPostsDto {
  @TextField({ maxLength: 5000, example: 'We now roast our own beans in Berlin, every morning, in small batches.' })
  text: string;

  @ApiProperty({
    enum: SOCIAL_PLATFORMS,
    isArray: true,
    minItems: 1,
    maxItems: 5,
    uniqueItems: true,
    example: ['x', 'linkedin'],
    description: 'One post is drafted per platform, within its length limit',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @ArrayUnique()
  @IsString({ each: true })
  @IsIn(SOCIAL_PLATFORMS, { each: true })
  platforms: SocialPlatform[];
}
