import { tokenMigrations } from '@token-metering/tokens';
import { InitialSchema1763700000000 } from './1763700000000-InitialSchema.js';
import { SeedPlans1763700000001 } from './1763700000001-SeedPlans.js';
import { OperationsSchema1763700000002 } from './1763700000002-OperationsSchema.js';
import { TwoBuckets1763700000003 } from './1763700000003-TwoBuckets.js';
import { Sessions1763700000005 } from './1763700000005-Sessions.js';
import { AiModels1763700000007 } from './1763700000007-AiModels.js';
import { ExactEmailsAndKeys1763700000010 } from './1763700000010-ExactEmailsAndKeys.js';
import { PurchaseReversals1763700000012 } from './1763700000012-PurchaseReversals.js';
import { AiModelUpstreams1763700000013 } from './1763700000013-AiModelUpstreams.js';
import { UsersNewestFirst1763700000015 } from './1763700000015-UsersNewestFirst.js';
import { Outbox1765000000200 } from './1765000000200-Outbox.js';
import { AutoTopUp1765000000400 } from './1765000000400-AutoTopUp.js';

/** The app's own tables, in order. A migration added here runs at the next start-up. */
const APP_MIGRATIONS = [
  InitialSchema1763700000000,
  SeedPlans1763700000001,
  OperationsSchema1763700000002,
  TwoBuckets1763700000003,
  Sessions1763700000005,
  AiModels1763700000007,
  ExactEmailsAndKeys1763700000010,
  PurchaseReversals1763700000012,
  AiModelUpstreams1763700000013,
  UsersNewestFirst1763700000015,
  Outbox1765000000200,
  AutoTopUp1765000000400,
];

const timestampOf = (migration: { name: string }) => Number(migration.name.slice(-13));

/**
 * The app's and the tokens package's migrations, in the order they run (TypeORM's: by timestamp).
 * At an equal timestamp the package's come first, as TypeORM keeps list order there: its halves of
 * this app's first migrations run before the app's half is recorded (see the package's split-migration.ts).
 */
export const MIGRATIONS = [...tokenMigrations, ...APP_MIGRATIONS].sort((a, b) => timestampOf(a) - timestampOf(b));
