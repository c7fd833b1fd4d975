import { idempotencyKeySchema } from './idempotency-key.entity.js';
import { TokenAccount } from './token-account.entity.js';
import { TokenGrant } from './token-grant.entity.js';
import { TokenHold } from './token-hold.entity.js';
import { TokenLedgerEntry } from './token-ledger-entry.entity.js';
import { TokenSpendLimit } from './token-spend-limit.entity.js';
import { TokenPriceOverride, TokenPriceRevision } from './token-price-override.entity.js';
import { TokenUsageDay, TokenUsageRollup } from './token-usage-day.entity.js';

/** The tables of the tokens module, for the host's data source (`mysql`: MySQL/MariaDB column types). */
export const tokenEntities = (mysql: boolean) => [
  TokenAccount,
  TokenLedgerEntry,
  idempotencyKeySchema(mysql),
  TokenPriceOverride,
  TokenPriceRevision,
  TokenHold,
  TokenUsageDay,
  TokenUsageRollup,
  TokenGrant,
  TokenSpendLimit,
];
