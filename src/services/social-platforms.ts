/** Character limit of a post on each supported platform; 'x' and 'twitter' are the same network. */
export const SOCIAL_PLATFORM_LIMITS = {
  twitter: 280,
  x: 280,
  linkedin: 3000,
  facebook: 63206,
  instagram: 2200,
  threads: 500,
} as const;

export type SocialPlatform = keyof typeof SOCIAL_PLATFORM_LIMITS;

export const SOCIAL_PLATFORMS = Object.keys(SOCIAL_PLATFORM_LIMITS) as readonly SocialPlatform[];
