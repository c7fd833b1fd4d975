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

/** Hashtags a drafted post carries at most, per platform. */
export const HASHTAGS_PER_PLATFORM: Record<SocialPlatform, number> = {
  twitter: 2,
  x: 2,
  threads: 3,
  linkedin: 3,
  facebook: 2,
  instagram: 5,
};

/** Longest hashtag, '#' included, that a drafted post uses. */
export const MAX_HASHTAG_LENGTH = 30;

/** How a prompt names the platform. */
export const SOCIAL_PLATFORM_NAMES: Record<SocialPlatform, string> = {
  twitter: 'X (Twitter)',
  x: 'X (Twitter)',
  linkedin: 'LinkedIn',
  facebook: 'Facebook',
  instagram: 'Instagram',
  threads: 'Threads',
};
