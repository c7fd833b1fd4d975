import { PaymentEvent } from '../billing/payment-event.entity.js';
import { Purchase } from '../billing/purchase.entity.js';
import { TokenPackage } from '../billing/token-package.entity.js';
import { idempotencyKeySchema } from '../tokens/idempotency-key.entity.js';
import { TokenAccount } from '../tokens/token-account.entity.js';
import { TokenLedgerEntry } from '../tokens/token-ledger-entry.entity.js';
import { TokenPriceOverride, TokenPriceRevision } from '../tokens/token-price-override.entity.js';
import { Plan } from '../subscriptions/plan.entity.js';
import { Subscription } from '../subscriptions/subscription.entity.js';
import { ApiKey } from '../users/api-key.entity.js';
import { Session } from '../users/session.entity.js';
import { User } from '../users/user.entity.js';

/** The entities of a MySQL/MariaDB or an SQLite data source. */
export const entities = (mysql: boolean) => [
  User,
  ApiKey,
  Session,
  Plan,
  Subscription,
  TokenAccount,
  TokenLedgerEntry,
  idempotencyKeySchema(mysql),
  TokenPriceOverride,
  TokenPriceRevision,
  TokenPackage,
  Purchase,
  PaymentEvent,
];
