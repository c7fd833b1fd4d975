import { AutoTopUpSetting } from '../billing/auto-top-up/auto-top-up.entity.js';
import { BillingCustomer } from '../billing/auto-top-up/billing-customer.entity.js';
import { PaymentEvent } from '../billing/payment-event.entity.js';
import { Purchase } from '../billing/purchase.entity.js';
import { TokenPackage } from '../billing/token-package.entity.js';
import { AiModel } from '../completions/ai-model.entity.js';
import { tokenEntities } from '@token-metering/tokens';
import { OutboxEvent } from '../outbox/outbox-event.entity.js';
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
  ...tokenEntities(mysql),
  TokenPackage,
  Purchase,
  PaymentEvent,
  AiModel,
  OutboxEvent,
  BillingCustomer,
  AutoTopUpSetting,
];
