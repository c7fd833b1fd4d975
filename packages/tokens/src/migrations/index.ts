import type { MigrationInterface } from 'typeorm';
import { TokenTables1763700000000 } from './1763700000000-TokenTables.js';
import { TokenPriceTables1763700000002 } from './1763700000002-TokenPriceTables.js';
import { TwoBucketsSplit1763700000003 } from './1763700000003-TwoBucketsSplit.js';
import { WidenIdempotencyAnswers1763700000004 } from './1763700000004-WidenIdempotencyAnswers.js';
import { GroupCommitMarker1763700000006 } from './1763700000006-GroupCommitMarker.js';
import { Holds1763700000008 } from './1763700000008-Holds.js';
import { OwedTokens1763700000009 } from './1763700000009-OwedTokens.js';
import { ExactIdempotencyKeys1763700000010 } from './1763700000010-ExactIdempotencyKeys.js';
import { UsageRollup1763700000014 } from './1763700000014-UsageRollup.js';
import { PromotionalGrants1765000000010 } from './1765000000010-PromotionalGrants.js';
import { SpendLimits1765000000100 } from './1765000000100-SpendLimits.js';

/**
 * The schema of tokenEntities, ledger triggers included, in order: for the host's data source
 * (`migrations: [...tokenMigrations, ...hostMigrations]`). They touch no table of the host's.
 */
export const tokenMigrations: (new () => MigrationInterface)[] = [
  TokenTables1763700000000,
  TokenPriceTables1763700000002,
  TwoBucketsSplit1763700000003,
  WidenIdempotencyAnswers1763700000004,
  GroupCommitMarker1763700000006,
  Holds1763700000008,
  OwedTokens1763700000009,
  ExactIdempotencyKeys1763700000010,
  UsageRollup1763700000014,
  PromotionalGrants1765000000010,
  SpendLimits1765000000100,
];
