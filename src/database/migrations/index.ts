import { InitialSchema1763700000000 } from './1763700000000-InitialSchema.js';
import { SeedPlans1763700000001 } from './1763700000001-SeedPlans.js';
import { OperationsSchema1763700000002 } from './1763700000002-OperationsSchema.js';
import { TwoBuckets1763700000003 } from './1763700000003-TwoBuckets.js';
import { WidenIdempotencyAnswers1763700000004 } from './1763700000004-WidenIdempotencyAnswers.js';
import { Sessions1763700000005 } from './1763700000005-Sessions.js';
import { GroupCommitMarker1763700000006 } from './1763700000006-GroupCommitMarker.js';
import { AiModels1763700000007 } from './1763700000007-AiModels.js';
import { Holds1763700000008 } from './1763700000008-Holds.js';
import { OwedTokens1763700000009 } from './1763700000009-OwedTokens.js';
import { ExactEmailsAndKeys1763700000010 } from './1763700000010-ExactEmailsAndKeys.js';
import { PurchaseReversals1763700000012 } from './1763700000012-PurchaseReversals.js';

/** In order. A migration added here runs at the next start-up. */
export const MIGRATIONS = [
  InitialSchema1763700000000,
  SeedPlans1763700000001,
  OperationsSchema1763700000002,
  TwoBuckets1763700000003,
  WidenIdempotencyAnswers1763700000004,
  Sessions1763700000005,
  GroupCommitMarker1763700000006,
  AiModels1763700000007,
  Holds1763700000008,
  OwedTokens1763700000009,
  ExactEmailsAndKeys1763700000010,
  PurchaseReversals1763700000012,
];
